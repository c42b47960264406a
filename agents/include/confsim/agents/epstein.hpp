#pragma once
// Epstein's civil-violence Model I (PNAS 99 suppl. 3, 2002): citizens who turn active when
// grievance outweighs the risk of arrest, and cops who jail active citizens in their vision.
// Symbols follow the paper: H hardship, L legitimacy, G = H(1 − L) grievance, R risk aversion,
// P = 1 − exp(−k·(C/A)_v) estimated arrest probability, T activation threshold, J maximum jail term.
#include <cstdint>
#include <memory>
#include <string>

#include "confsim/sim/lattice.hpp"
#include "confsim/sim/model.hpp"
#include "confsim/sim/schema.hpp"

namespace confsim::agents::epstein {

// Where the paper, NetLogo and Mesa differ, a switch (see docs/scenario-reference.md).
enum class RatioRounding { none, floor, round_half_even };  // paper | NetLogo | Mesa
enum class SelfCount { once, twice_when_active };           // paper & Mesa | NetLogo
enum class Order { move_then_act, act_then_move };          // paper & NetLogo | Mesa
enum class JailTermRange { inclusive, exclusive };          // 0…J (paper, Mesa) | 0…J−1 (NetLogo)

inline constexpr std::int32_t kUnboundedJail = INT32_MAX;

struct Parameters {
  std::uint32_t width = 0, height = 0;
  bool torus = true;
  double citizen_density = 0, cop_density = 0;
  double citizen_vision = 0, cop_vision = 0;
  sim::WindowShape citizen_shape = sim::WindowShape::euclidean, cop_shape = sim::WindowShape::euclidean;
  double threshold = 0.1;        // T
  double arrest_constant = 2.3;  // k
  bool citizens_move = true, cops_move = true;
  std::int64_t max_jail_term = 0;  // J; kUnboundedJail when unbounded
  JailTermRange jail_range = JailTermRange::inclusive;
  bool jailed_block_cell = false;
  RatioRounding rounding = RatioRounding::none;
  SelfCount self_count = SelfCount::once;
  Order order = Order::move_then_act;

  static Parameters from(const sim::Scenario& scenario);
};

// (C/A) rounded as the rule says.
double rounded_ratio(std::int32_t cops, std::int32_t actives, RatioRounding rounding);
// The same for a rule that rounds (floor or round_half_even), in integer arithmetic: equal to
// rounded_ratio() for counts below 2^16, because C/A in double never comes within rounding error
// of a whole or half number it does not equal.
std::int32_t rounded_ratio_whole(std::int32_t cops, std::int32_t actives, RatioRounding rounding);
// P = 1 − exp(−k·(C/A)_v).
double arrest_probability(std::int32_t cops, std::int32_t actives, double k, RatioRounding rounding);
// Rule A: active iff G − R·P > T.
inline bool activates(double grievance, double risk_aversion, double arrest_prob, double threshold) {
  return grievance - risk_aversion * arrest_prob > threshold;
}

const sim::ModelSchema& schema();
std::unique_ptr<sim::Model> make_model(const sim::Scenario& scenario, std::uint64_t seed);

}  // namespace confsim::agents::epstein
