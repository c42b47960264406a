#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "confsim/sim/distributions.hpp"
#include "confsim/sim/rng.hpp"

using namespace confsim::sim;

TEST_CASE("Philox4x64-10 matches Random123's known-answer vector", "[unit][rng]") {
  // kat_vectors: "philox4x64 10" with zero counter and key.
  const r123::Philox4x64::ctr_type counter = {{0, 0, 0, 0}};
  const r123::Philox4x64::key_type key = {{0, 0}};
  const auto out = r123::Philox4x64{}(counter, key);
  CHECK(out.v[0] == 0x16554d9eca36314cULL);
  CHECK(out.v[1] == 0xdb20fe9d672d0fdcULL);
  CHECK(out.v[2] == 0xd7e772cee186176bULL);
  CHECK(out.v[3] == 0x7e68b68aec7ba23bULL);
}

TEST_CASE("a stream is a pure function of its key", "[unit][rng]") {
  RandomStream a(42, StreamOwner::citizen, 7, 3, Purpose::move_target);
  RandomStream b(42, StreamOwner::citizen, 7, 3, Purpose::move_target);
  for (int i = 0; i < 100; ++i) REQUIRE(a() == b());
}

TEST_CASE("every part of the key changes the stream", "[unit][rng]") {
  const auto first_words = [](RandomStream s) {
    std::array<std::uint32_t, 4> w{};
    for (auto& x : w) x = s();
    return w;
  };
  const auto base = first_words(RandomStream(42, StreamOwner::citizen, 7, 3, Purpose::move_target));
  CHECK(first_words(RandomStream(43, StreamOwner::citizen, 7, 3, Purpose::move_target)) != base);
  CHECK(first_words(RandomStream(42, StreamOwner::cop, 7, 3, Purpose::move_target)) != base);
  CHECK(first_words(RandomStream(42, StreamOwner::citizen, 8, 3, Purpose::move_target)) != base);
  CHECK(first_words(RandomStream(42, StreamOwner::citizen, 7, 4, Purpose::move_target)) != base);
  CHECK(first_words(RandomStream(42, StreamOwner::citizen, 7, 3, Purpose::move_priority)) != base);
}

TEST_CASE("a long stream does not repeat its blocks", "[unit][rng]") {
  RandomStream s(1, StreamOwner::world, 0, 0, Purpose::initial_placement);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(s.next_u64());
  CHECK(seen.size() == 10000);
}

// Boost.Random's distributions are stable across standard libraries but not promised across Boost
// versions; these pinned values catch a change that would silently alter every result.
TEST_CASE("distributions give the pinned values", "[unit][rng][golden]") {
  RandomStream s(20020514, StreamOwner::citizen, 11, 5, Purpose::jail_term);
  const double u0 = draw_uniform(s, 0.0, 1.0, "u0");
  const double u1 = draw_uniform(s, 0.0, 1.0, "u1");
  const std::int64_t i0 = draw_integer(s, 0, 30);
  const std::int64_t i1 = draw_integer(s, 0, 1'000'000);
  const bool b0 = draw_bernoulli(s, 0.5, "b0");
  CHECK(u0 == 0.61300204251892865);
  CHECK(u1 == 0.35299013741314411);
  CHECK(i0 == 11);
  CHECK(i1 == 900236);
  CHECK(b0 == true);
}

TEST_CASE("uniform integers are uniform", "[property][rng]") {
  RandomStream s(7, StreamOwner::world, 0, 0, Purpose::initial_placement);
  constexpr int kBins = 10, kDraws = 100000;
  std::array<int, kBins> counts{};
  for (int i = 0; i < kDraws; ++i) ++counts[static_cast<std::size_t>(draw_integer(s, 0, kBins - 1))];
  double chi2 = 0;
  for (int c : counts) chi2 += (c - kDraws / kBins) * (c - kDraws / kBins) / double(kDraws / kBins);
  CHECK(chi2 < 27.88);  // the 0.999 quantile of chi-square with 9 degrees of freedom
}

TEST_CASE("draw_below gives the pinned values", "[unit][rng][golden]") {
  RandomStream s(20020514, StreamOwner::citizen, 11, 5, Purpose::move_target);
  const std::uint32_t a = draw_below(s, 148), b = draw_below(s, 148), c = draw_below(s, 1'000'000'000);
  CHECK(a == 43U);
  CHECK(b == 132U);
  CHECK(c == 239'696'060U);
}

TEST_CASE("draw_below is uniform, including when rejection is frequent", "[property][rng]") {
  // Each n is cut into equal bins; n = 3·2^30 rejects a quarter of the words.
  struct Case {
    std::uint32_t n;
    int bins;
    double chi2_999;  // the 0.999 quantile of chi-square with bins − 1 degrees of freedom
  };
  for (const Case& k : {Case{10U, 10, 27.88}, Case{148U, 4, 16.27}, Case{3U << 30, 3, 13.82}}) {
    RandomStream s(11, StreamOwner::world, k.n, 0, Purpose::move_target);
    constexpr int kDraws = 100000;
    std::vector<int> counts(static_cast<std::size_t>(k.bins));
    for (int i = 0; i < kDraws; ++i) {
      const std::uint32_t v = draw_below(s, k.n);
      REQUIRE(v < k.n);
      ++counts[static_cast<std::size_t>(std::uint64_t{v} * static_cast<std::uint64_t>(k.bins) / k.n)];
    }
    double chi2 = 0;
    const double expected = double(kDraws) / k.bins;
    for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
    INFO("n = " << k.n);
    CHECK(chi2 < k.chi2_999);
  }
}

TEST_CASE("small-range draws are uniform, rejected 16-bit draws being skipped", "[property][rng]") {
  // 49,152 = 3·2^14 rejects a quarter of the 16-bit draws; 148 is a vision-7 window.
  for (const std::uint32_t n : {148U, 49'152U}) {
    RandomStream s(13, StreamOwner::world, n, 0, Purpose::move_target);
    SmallRangeDraws draws(n);
    const int bins = n == 148U ? 4 : 3;
    std::vector<int> counts(static_cast<std::size_t>(bins));
    int accepted = 0, tried = 0;
    std::uint32_t word = 0;
    while (accepted < 100000) {
      std::uint32_t v = 0;
      if (tried % 2 == 0) word = s();
      const std::uint32_t bits = (word >> (16 * (tried % 2))) & 0xFFFFU;
      ++tried;
      if (!draws.from_bits(bits, v)) continue;
      REQUIRE(v < n);
      ++accepted;
      ++counts[static_cast<std::size_t>(std::uint64_t{v} * static_cast<std::uint64_t>(bins) / n)];
    }
    double chi2 = 0;
    const double expected = 100000.0 / bins;
    for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
    INFO("n = " << n);
    CHECK(chi2 < (bins == 4 ? 16.27 : 13.82));
    if (n == 49'152U) CHECK(std::abs(double(tried - accepted) / tried - 0.25) < 0.01);
  }
}

TEST_CASE("Philox4x32-10 matches Random123's known-answer vectors", "[unit][rng]") {
  // kat_vectors: "philox4x32 10" with zero counter and key, and with the digits of pi.
  const auto zero = r123::Philox4x32{}({{0, 0, 0, 0}}, {{0, 0}});
  CHECK(zero.v[0] == 0x6627e8d5U);
  CHECK(zero.v[1] == 0xe169c58dU);
  CHECK(zero.v[2] == 0xbc57ac4cU);
  CHECK(zero.v[3] == 0x9b00dbd8U);
  const auto pi = r123::Philox4x32{}({{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, {{0xa4093822, 0x299f31d0}});
  CHECK(pi.v[0] == 0xd16cfe09U);
  CHECK(pi.v[1] == 0x94fdccebU);
  CHECK(pi.v[2] == 0x5001e420U);
  CHECK(pi.v[3] == 0x24126ea1U);
}

TEST_CASE("a compact stream is Philox4x32-10 over (id, tick, owner and purpose, block) keyed by the seed",
          "[unit][rng]") {
  const std::uint64_t seed = 0x0123456789abcdefULL;
  CompactStream s(seed, StreamOwner::cop, 77, 12, Purpose::move_target);
  const std::uint32_t lane = (static_cast<std::uint32_t>(StreamOwner::cop) << 16) |
                             static_cast<std::uint32_t>(Purpose::move_target);
  for (std::uint32_t block = 0; block < 3; ++block) {
    const auto expected = r123::Philox4x32{}({{77, 12, lane, block}}, {{0x89abcdefU, 0x01234567U}});
    for (int w = 0; w < 4; ++w) REQUIRE(s() == expected.v[w]);
  }
  CompactStream skipped(seed, StreamOwner::cop, 77, 12, Purpose::move_target);
  skipped.skip_blocks(2);
  CHECK(skipped.next_block().v[1] == r123::Philox4x32{}({{77, 12, lane, 2}}, {{0x89abcdefU, 0x01234567U}}).v[1]);
  const auto first = [](CompactStream c) { return c(); };
  const std::uint32_t base = first(CompactStream(seed, StreamOwner::cop, 77, 12, Purpose::move_target));
  CHECK(first(CompactStream(seed + 1, StreamOwner::cop, 77, 12, Purpose::move_target)) != base);
  CHECK(first(CompactStream(seed, StreamOwner::citizen, 77, 12, Purpose::move_target)) != base);
  CHECK(first(CompactStream(seed, StreamOwner::cop, 78, 12, Purpose::move_target)) != base);
  CHECK(first(CompactStream(seed, StreamOwner::cop, 77, 13, Purpose::move_target)) != base);
  CHECK(first(CompactStream(seed, StreamOwner::cop, 77, 12, Purpose::release_placement)) != base);
}

TEST_CASE("selection in order chooses exactly k items, each equally often", "[property][rng]") {
  constexpr std::uint32_t kItems = 20, kChosen = 7, kTrials = 20000;
  std::array<int, kItems> times{};
  for (std::uint32_t trial = 0; trial < kTrials; ++trial) {
    RandomStream s(trial, StreamOwner::world, 0, 0, Purpose::initial_placement);
    std::uint32_t chosen = 0, last = 0;
    bool in_order = true;
    select_in_order(s, kItems, kChosen, [&](std::uint32_t i, bool yes) {
      in_order = in_order && (i == 0 || i == last + 1);
      last = i;
      if (yes) {
        ++chosen;
        ++times[i];
      }
    });
    REQUIRE(in_order);
    REQUIRE(chosen == kChosen);
  }
  const double expected = double(kTrials) * kChosen / kItems;
  double chi2 = 0;
  for (int t : times) chi2 += (t - expected) * (t - expected) / expected;
  CHECK(chi2 < 43.82);  // the 0.999 quantile of chi-square with 19 degrees of freedom
}

// Boost's distributions check their arguments only in debug builds, and with some arguments they
// never return: a uniform real on [a, a], or with NaN or infinity, loops for ever.
TEST_CASE("draws refuse arguments outside their domain, naming the quantity", "[unit][rng]") {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN(), kInf = std::numeric_limits<double>::infinity();
  RandomStream s(3, StreamOwner::world, 0, 0, Purpose::faction_action);
  const auto refused = [](auto&& draw, const std::string& expected) {
    try {
      draw();
    } catch (const confsim::sim::NumericError& e) {
      CHECK(std::string(e.what()).find(expected) != std::string::npos);
      return true;
    }
    return false;
  };
  CHECK(refused([&] { draw_poisson(s, kNaN, "the attack rate"); }, "the attack rate is NaN"));
  CHECK(refused([&] { draw_poisson(s, kInf, "the attack rate"); }, "the attack rate is ∞"));
  CHECK(refused([&] { draw_poisson(s, -1, "the attack rate"); }, "the attack rate is -1"));
  CHECK(refused([&] { draw_poisson(s, 2 * confsim::sim::kLargestPoissonMean, "m"); }, "m is 2e+15"));
  CHECK(refused([&] { draw_bernoulli(s, kNaN, "p"); }, "p is NaN; a probability in [0, 1] is needed"));
  CHECK(refused([&] { draw_bernoulli(s, 1.5, "p"); }, "p is 1.5"));
  CHECK(refused([&] { draw_bernoulli_capped(s, kNaN, "r"); }, "r is NaN"));
  CHECK(refused([&] { draw_bernoulli_capped(s, kInf, "r"); }, "r is ∞"));
  CHECK(refused([&] { draw_binomial(s, 10, kNaN, "k"); }, "k is NaN"));
  CHECK(refused([&] { draw_binomial(s, 10, -0.5, "k"); }, "k is -0.5"));
  CHECK(refused([&] { draw_uniform(s, 0, kNaN, "w"); }, "w is NaN"));
  CHECK(refused([&] { draw_uniform(s, -kInf, 1, "w"); }, "w is -∞"));
  CHECK(refused([&] { draw_uniform(s, 2, 1, "w"); }, "w is 1"));
  CHECK(refused([&] { draw_integer(s, 3, 2); }, "range of whole numbers"));
}

TEST_CASE("draws at the ends of their domains are defined", "[unit][rng]") {
  RandomStream s(3, StreamOwner::world, 0, 0, Purpose::faction_action);
  CHECK(draw_uniform(s, 0.25, 0.25, "a point") == 0.25);  // Boost's uniform would never return
  CHECK(draw_poisson(s, 0, "none") == 0);
  CHECK(draw_binomial(s, 7, 1.0, "all") == 7);
  CHECK(draw_binomial(s, 7, 0.0, "none") == 0);
  CHECK(draw_binomial(s, 0, 0.5, "no trials") == 0);
  CHECK(draw_bernoulli_capped(s, 5.0, "certain"));
  CHECK_FALSE(draw_bernoulli_capped(s, 0.0, "never"));
  const double huge = draw_uniform(s, -1e308, 1e308, "the widest range");
  CHECK(std::isfinite(huge));
}
