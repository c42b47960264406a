#pragma once
// The only distributions confsim draws from, all Boost.Random's, so the numbers are the same with
// every standard library. Golden-value tests pin them against Boost upgrades.
#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

#include <cstdint>

#include "confsim/sim/rng.hpp"

namespace confsim::sim {

inline double draw_uniform(RandomStream& stream, double low, double high) {
  return boost::random::uniform_real_distribution<double>(low, high)(stream);
}

// Uniform integer in [low, high], both ends included.
inline std::int64_t draw_integer(RandomStream& stream, std::int64_t low, std::int64_t high) {
  return boost::random::uniform_int_distribution<std::int64_t>(low, high)(stream);
}

inline bool draw_bernoulli(RandomStream& stream, double probability) {
  return boost::random::bernoulli_distribution<double>(probability)(stream);
}

// How many of n independent trials succeed, each with the given probability.
inline std::int64_t draw_binomial(RandomStream& stream, std::int64_t trials, double probability) {
  if (trials <= 0 || probability <= 0) return 0;
  if (probability >= 1) return trials;
  return boost::random::binomial_distribution<std::int64_t, double>(trials, probability)(stream);
}

// How many events happen when they arrive at a given mean rate.
inline std::int64_t draw_poisson(RandomStream& stream, double mean) {
  if (mean <= 0) return 0;
  return boost::random::poisson_distribution<std::int64_t, double>(mean)(stream);
}

}  // namespace confsim::sim
