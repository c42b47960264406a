#pragma once
// The only distributions confsim draws from, all Boost.Random's, so the numbers are the same with
// every standard library. Golden-value tests pin them against Boost upgrades.
#include <boost/random/bernoulli_distribution.hpp>
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

}  // namespace confsim::sim
