#pragma once
// The only distributions confsim draws from, all Boost.Random's, so the numbers are the same with
// every standard library. Golden-value tests pin them against Boost upgrades.
//
// Every draw checks its arguments first and throws NumericError naming the quantity drawn for when
// they are outside the distribution's domain: Boost's own checks are debug-only assertions, and with
// a NaN or an infinite argument some of its algorithms never return (a uniform real on an empty or
// infinite range, a Poisson mean of infinity). The checks are a comparison or two per draw.
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "confsim/sim/diagnostics.hpp"
#include "confsim/sim/rng.hpp"

namespace confsim::sim {

// Means above this are refused: the counts drawn would no longer be exact in a double, and no
// model of a day's events means them.
inline constexpr double kLargestPoissonMean = 1e15;

namespace detail {
// Throws NumericError: "<quantity> is <value>; <needed>".
[[noreturn]] void refuse_draw(const char* quantity, double value, const char* needed);
}  // namespace detail

// Uniform in [low, high); low itself when the range is a single point.
inline double draw_uniform(RandomStream& stream, double low, double high, const char* quantity) {
  if (!(std::isfinite(low) && std::isfinite(high)))
    detail::refuse_draw(quantity, std::isfinite(low) ? high : low, "a finite number is needed");
  if (!(low <= high)) detail::refuse_draw(quantity, high, "the top of a range must not be below its bottom");
  if (low == high) return low;
  return boost::random::uniform_real_distribution<double>(low, high)(stream);
}

// A uniform number strictly inside (0, 1): 53 random bits, centred in their interval (so that a
// quantile function never meets 0 or 1).
inline double draw_open_unit(RandomStream& stream) {
  return (static_cast<double>(stream.next_u64() >> 11) + 0.5) / 9007199254740992.0;
}

// The index picked by a uniform u in (0, 1) among weights summing to 1: the first whose running
// sum reaches u (the last when rounding leaves the sum short of u).
inline std::size_t pick_by_weight(const std::vector<double>& weights, double u) {
  std::size_t j = 0;
  for (double cumulative = weights[0]; cumulative < u && j + 1 < weights.size();) cumulative += weights[++j];
  return j;
}

// Uniform integer in [low, high], both ends included.
inline std::int64_t draw_integer(RandomStream& stream, std::int64_t low, std::int64_t high) {
  if (high < low)
    detail::refuse_draw("the top of a range of whole numbers", static_cast<double>(high),
                        "it must not be below its bottom");
  return boost::random::uniform_int_distribution<std::int64_t>(low, high)(stream);
}

// Uniform integer in [0, n), 0 < n < 2^32: Lemire's multiply-shift with rejection (ACM TOMACS
// 2019), exact and with no division except on the rare rejection path. For the hot loops that draw
// for every agent every tick; draw_integer serves everything else. Any stream of 32-bit words
// (RandomStream, CompactStream) will do.
template <class Stream>
std::uint32_t draw_below(Stream& stream, std::uint32_t n) {
  std::uint64_t product = std::uint64_t{stream()} * n;
  auto low = static_cast<std::uint32_t>(product);
  if (low < n) {
    const std::uint32_t reject_below = (0U - n) % n;  // 2^32 mod n
    while (low < reject_below) {
      product = std::uint64_t{stream()} * n;
      low = static_cast<std::uint32_t>(product);
    }
  }
  return static_cast<std::uint32_t>(product >> 32);
}

// Uniform integers in [0, n) for a fixed n < 2^16, two per 32-bit word of a stream: Lemire's
// method on 16 bits, with the rejection threshold worked out once. A rejected draw is skipped and
// the next 16 bits are tried, so every accepted value is exactly uniform. For the hottest loops
// (a random probe of a window per draw).
class SmallRangeDraws {
 public:
  static constexpr std::uint32_t kMaxRange = 1U << 16;

  explicit SmallRangeDraws(std::uint32_t n) : n_(n), reject_below_(n == 0 ? 0 : kMaxRange % n) {}
  std::uint32_t range() const { return n_; }
  std::uint32_t reject_below() const { return reject_below_; }

  // The draw from 16 bits of a stream (callers take the low half of a word, then the high half).
  bool from_bits(std::uint32_t bits, std::uint32_t& value) const {
    const std::uint32_t product = bits * n_;
    value = product >> 16;
    return (product & 0xFFFFU) >= reject_below_;
  }

 private:
  std::uint32_t n_, reject_below_;
};

// Calls chosen(i, yes) for i = 0 … n − 1 in order, yes for exactly k of them, every k-subset
// equally likely: Knuth's selection sampling (TAOCP vol. 2, Algorithm S), one exact draw per item.
// For placing agents on a lattice in one pass over its cells, in order, instead of shuffling it.
template <class Stream, class Chosen>
void select_in_order(Stream& stream, std::uint32_t n, std::uint32_t k, Chosen&& chosen) {
  for (std::uint32_t i = 0; i < n; ++i) {
    const bool yes = k > 0 && draw_below(stream, n - i) < k;
    k -= yes ? 1 : 0;
    chosen(i, yes);
  }
}

inline bool draw_bernoulli(RandomStream& stream, double probability, const char* quantity) {
  if (!(probability >= 0 && probability <= 1))
    detail::refuse_draw(quantity, probability, "a probability in [0, 1] is needed");
  return boost::random::bernoulli_distribution<double>(probability)(stream);
}

// True with probability min(1, rate): a daily rate of something that happens at most once a day,
// certain once the rate reaches 1.
inline bool draw_bernoulli_capped(RandomStream& stream, double rate, const char* quantity) {
  if (!(rate >= 0 && rate < INFINITY)) detail::refuse_draw(quantity, rate, "a finite rate of at least 0 is needed");
  return boost::random::bernoulli_distribution<double>(rate < 1 ? rate : 1.0)(stream);
}

// How many of n independent trials succeed, each with the given probability.
inline std::int64_t draw_binomial(RandomStream& stream, std::int64_t trials, double probability,
                                  const char* quantity) {
  if (!(probability >= 0 && probability <= 1))
    detail::refuse_draw(quantity, probability, "a probability in [0, 1] is needed");
  if (trials <= 0 || probability == 0) return 0;
  if (probability == 1) return trials;
  return boost::random::binomial_distribution<std::int64_t, double>(trials, probability)(stream);
}

// How many events happen when they arrive at a given mean rate.
inline std::int64_t draw_poisson(RandomStream& stream, double mean, const char* quantity) {
  if (!(mean >= 0 && mean <= kLargestPoissonMean))
    detail::refuse_draw(quantity, mean, "a mean of at least 0 and at most 1e15 is needed");
  if (mean == 0) return 0;
  return boost::random::poisson_distribution<std::int64_t, double>(mean)(stream);
}

}  // namespace confsim::sim
