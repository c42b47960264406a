#include "confsim/agents/civil_violence.hpp"

#include <cmath>

namespace confsim::agents::civil_violence {

double rounded_ratio(std::int32_t cops, std::int32_t actives, RatioRounding rounding) {
  const double ratio = static_cast<double>(cops) / static_cast<double>(actives);
  switch (rounding) {
    case RatioRounding::none: return ratio;
    case RatioRounding::floor: return std::floor(ratio);
    case RatioRounding::round_half_even: {
      const double lower = std::floor(ratio);
      const double fraction = ratio - lower;
      if (fraction > 0.5) return lower + 1;
      if (fraction < 0.5) return lower;
      return std::fmod(lower, 2.0) == 0 ? lower : lower + 1;
    }
  }
  return ratio;
}

double arrest_probability(std::int32_t cops, std::int32_t actives, double k, RatioRounding rounding) {
  return 1.0 - std::exp(-k * rounded_ratio(cops, actives, rounding));
}

ArrestOdds::ArrestOdds(double k, RatioRounding rounding, std::int32_t cops_side, std::int32_t actives_side)
    : k_(k), rounding_(rounding), cops_side_(cops_side), actives_side_(actives_side) {
  table_.resize(static_cast<std::size_t>(cops_side * actives_side));
  for (std::int32_t c = 0; c < cops_side; ++c)
    for (std::int32_t a = 1; a < actives_side; ++a)
      table_[static_cast<std::size_t>(c * actives_side + a)] = arrest_probability(c, a, k, rounding);
}

}  // namespace confsim::agents::civil_violence
