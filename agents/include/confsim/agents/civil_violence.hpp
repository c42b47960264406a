#pragma once
// The rules of Epstein's civil-violence model that every model with protesters shares: rule A
// (activate when grievance outweighs the risk of arrest) and the estimated arrest probability
// P = 1 − exp(−k·(C/A)), with its table for small counts. Epstein's model and the conflict model's
// protest lattices both decide with these, so the two cannot drift apart.
#include <cstdint>
#include <vector>

namespace confsim::agents::civil_violence {

// How (C/A) is rounded before P is computed: the paper | NetLogo | Mesa.
enum class RatioRounding { none, floor, round_half_even };

// (C/A) rounded as the rule says.
double rounded_ratio(std::int32_t cops, std::int32_t actives, RatioRounding rounding);
// P = 1 − exp(−k·(C/A)_rounded).
double arrest_probability(std::int32_t cops, std::int32_t actives, double k, RatioRounding rounding);

// Rule A: active iff G − R·P > T, with G = H·(1 − L). A cost of assembly (curfews, lockdowns) adds
// to T.
inline bool activates(double grievance, double risk_aversion, double arrest_prob, double threshold) {
  return grievance - risk_aversion * arrest_prob > threshold;
}

// P for every count of cops 0 ≤ C < cops_side and actives 1 ≤ A < actives_side, filled by the
// formula itself (so the bits are the formula's), at C·actives_side + A; counts beyond the table
// are computed.
class ArrestOdds {
 public:
  ArrestOdds(double k, RatioRounding rounding, std::int32_t cops_side, std::int32_t actives_side);
  double operator()(std::int32_t cops, std::int32_t actives) const {
    if (cops < cops_side_ && actives < actives_side_)
      return table_[static_cast<std::size_t>(cops * actives_side_ + actives)];
    return arrest_probability(cops, actives, k_, rounding_);
  }
  const double* data() const { return table_.data(); }
  std::int32_t actives_side() const { return actives_side_; }

 private:
  double k_;
  RatioRounding rounding_;
  std::int32_t cops_side_, actives_side_;
  std::vector<double> table_;
};

}  // namespace confsim::agents::civil_violence
