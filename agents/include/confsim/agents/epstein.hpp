#pragma once
// Epstein's civil-violence Model I (PNAS 99 suppl. 3, 2002): citizens who turn active when
// grievance outweighs the risk of arrest, and cops who jail active citizens in their vision.
// Symbols follow the paper: H hardship, L legitimacy, G = H(1 − L) grievance, R risk aversion,
// P = 1 − exp(−k·(C/A)_v) estimated arrest probability, T activation threshold, J maximum jail term.
#include <cstdint>
#include <memory>
#include <string>

#include "confsim/agents/civil_violence.hpp"
#include "confsim/sim/lattice.hpp"
#include "confsim/sim/model.hpp"
#include "confsim/sim/schema.hpp"

namespace confsim::agents::epstein {

// Rule A and the arrest probability are shared with the conflict model's protest lattices.
using civil_violence::activates;
using civil_violence::arrest_probability;
using civil_violence::rounded_ratio;
using civil_violence::RatioRounding;  // paper | NetLogo | Mesa

// Where the paper, NetLogo and Mesa differ, a switch (see docs/scenario-reference.md).
enum class SelfCount { once, twice_when_active };           // paper & Mesa | NetLogo
enum class Order { move_then_act, act_then_move };          // paper & NetLogo | Mesa
enum class Activation { random_sequential, synchronous };   // paper, NetLogo, Mesa | confsim's parallel scheme
enum class JailTermRange { inclusive, exclusive };          // 0…J (paper, Mesa) | 0…J−1 (NetLogo)

inline constexpr std::int32_t kUnboundedJail = INT32_MAX;

struct Parameters {
  std::uint32_t width = 0, height = 0;
  bool torus = true;
  bool placed_per_cell = false;  // grid.placement: per_cell (Mesa) or exact
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
  Activation activation = Activation::random_sequential;
  bool cops_step_onto_arrest = false;

  static Parameters from(const sim::Scenario& scenario);
};

// What stands in a cell, and what a citizen is, in the run file's snapshots (CF flag_values).
enum CellCode : std::int8_t { empty = 0, quiescent = 1, active = 2, jailed = 3, cop = 4, removed = 5 };

// Rule A for one row of the lattice, as the model applies it each tick: every free citizen
// (quiescent or active) becomes active iff G − R·P > T, with G = H·(1 − L) and P looked up by the
// cops C and actives A in its window; other cells keep their code. A citizen whose C or A may be
// beyond the table (beyond_odds, which does not depend on the cell's own state) is left as it is,
// and the return value says whether there was one, so that the caller can decide it with P
// computed.
struct RuleARow {
  std::int8_t* codes;  // CellCode per cell, updated in place
  const float* hardship;
  const float* risk_aversion;
  const std::uint32_t* window_totals;  // cops in the low lane, active citizens (centre included) in the high
  std::uint32_t width;
};
struct RuleA {
  double lawfulness;  // 1 − L
  double threshold;   // T
  bool self_twice;    // SelfCount::twice_when_active
  const double* odds;  // P for C·odds_side + A, 0 ≤ C, A < odds_side
  std::int32_t odds_side;
};
bool beyond_odds(std::uint32_t window_total, const RuleA& rule);
// allow_vector = false takes the one-cell-at-a-time form, for tests that hold the two to each other.
bool decide_row(const RuleARow& row, const RuleA& rule, bool allow_vector = true);

const sim::ModelSchema& schema();
std::unique_ptr<sim::Model> make_model(const sim::Scenario& scenario, std::uint64_t seed);

}  // namespace confsim::agents::epstein
