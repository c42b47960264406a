// The scenario language of Epstein's Model I: every key, its range, default and meaning.
#include <cmath>

#include "confsim/agents/epstein.hpp"
#include "confsim/sim/diagnostics.hpp"
#include "confsim/sim/scenario.hpp"

namespace confsim::agents::epstein {
namespace {

using sim::ParamSpec;
using sim::ValueType;

const std::vector<std::string> kShapes = {"euclidean", "von_neumann", "moore"};
// The widest window of any shape (von Neumann); each shape's own limit is checked below.
constexpr double kMaxVision = 180;
constexpr double kMaxSide = 65535;
constexpr std::int64_t kMaxCells = std::int64_t{1} << 31;

ParamSpec vision(const std::string& who) {
  return {.key = "vision", .type = ValueType::real,
          .description = "Radius of the " + who + "'s window (v). Euclidean windows use it as a real radius "
                         "(1.7 takes the 8 nearest cells); von Neumann and Moore windows use ⌊v⌋. A window holds at most "
                         "65535 cells: a radius up to 144 for euclidean, 180 for von Neumann, 127 for Moore.",
          .unit = "cells", .min = 0, .max = kMaxVision, .min_exclusive = true};
}

ParamSpec vision_shape(const std::string& who) {
  return {.key = "vision_shape", .type = ValueType::choice,
          .description = "Shape of the " + who + "'s window: euclidean (paper, NetLogo), von_neumann (Mesa) "
                         "or moore.",
          .choices = kShapes, .default_value = std::string("euclidean"),
          .default_reason = "the paper's v = 1.7 is meaningful only as a Euclidean radius"};
}

ParamSpec moves(const std::string& who, const std::string& reason) {
  return {.key = "moves", .type = ValueType::boolean,
          .description = "Whether " + who + " move each tick to a random empty cell in their window (rule M).",
          .default_value = true, .default_reason = reason};
}

// The switches where the paper, NetLogo and Mesa differ: what a preset chooses.
struct Choices {
  const char* ratio_rounding;
  const char* self_count;
  const char* order;
  bool cops_step_onto_arrest;
  const char* term_range;
  bool jailed_block_cell;
  const char* vision_shape;  // the same for citizens and cops
  const char* placement;
};

sim::Preset preset(const char* name, const char* description, const Choices& c) {
  return {name, description,
          {{"rules.activation", std::string("random_sequential")},
           {"rules.ratio_rounding", std::string(c.ratio_rounding)}, {"rules.self_count", std::string(c.self_count)},
           {"rules.order", std::string(c.order)}, {"cops.step_onto_arrest", c.cops_step_onto_arrest},
           {"jail.term_range", std::string(c.term_range)},
           {"jail.blocks_cell", c.jailed_block_cell}, {"citizens.vision_shape", std::string(c.vision_shape)},
           {"cops.vision_shape", std::string(c.vision_shape)}, {"grid.placement", std::string(c.placement)}}};
}

sim::ModelSchema build_schema() {
  sim::ModelSchema s;
  s.name = "epstein_civil_violence";
  s.description =
      "Epstein's civil-violence Model I (J. M. Epstein, PNAS 99 suppl. 3, 7243–7250, 2002): citizens with "
      "hardship H and risk aversion R become active when G − R·P > T, with G = H(1 − L) and "
      "P = 1 − exp(−k·(C/A)_v); cops arrest a random active citizen in their window. Where the paper, "
      "NetLogo's Rebellion and Mesa's example differ, the `rules` and `jail` switches choose.";
  s.sections.push_back(
      {"grid", "The lattice citizens and cops live on.",
       {{.key = "width", .type = ValueType::integer, .description = "Cells along x.", .unit = "cells", .min = 1,
         .max = kMaxSide},
        {.key = "height", .type = ValueType::integer, .description = "Cells along y.", .unit = "cells", .min = 1,
         .max = kMaxSide},
        {.key = "torus", .type = ValueType::boolean, .description = "Whether the edges wrap around.",
         .default_value = true, .default_reason = "the paper, NetLogo and Mesa all use a torus"},
        {.key = "placement", .type = ValueType::choice,
         .description = "exact: round(density × cells) citizens and cops on cells drawn uniformly (NetLogo); "
                        "per_cell: each cell holds a citizen with probability citizens.density, else a cop with "
                        "probability cops.density (Mesa's draw per cell), so the numbers vary from seed to seed.",
         .choices = {"exact", "per_cell"}, .default_value = std::string("exact"),
         .default_reason = "the paper gives densities of a fixed population (\"initial agent density 0.7\")"}}});
  s.sections.push_back(
      {"government", "The regime whose legitimacy citizens judge.",
       {{.key = "legitimacy", .type = ValueType::real,
         .description = "Legitimacy L, the same for every citizen; grievance is G = H(1 − L).", .min = 0, .max = 1,
         .schedulable = true}}});
  s.sections.push_back(
      {"citizens", "The population that may rebel.",
       {{.key = "density", .type = ValueType::real,
         .description = "Share of cells holding a citizen at the start (exactly round(density × cells) "
                        "citizens are placed).",
         .min = 0, .max = 1},
        vision("citizen"), vision_shape("citizen"),
        {.key = "threshold", .type = ValueType::real, .description = "Activation threshold T (rule A: G − R·P > T).",
         .min = 0, .max = 1, .default_value = 0.1, .default_reason = "the paper's T = 0.1 in every run"},
        {.key = "arrest_constant", .type = ValueType::real,
         .description = "k in P = 1 − exp(−k·(C/A)_v).", .min = 0, .max = 100, .min_exclusive = true,
         .default_value = 2.3, .default_reason = "the paper sets k so that P ≈ 0.9 when C = A = 1"},
        moves("citizens", "rule M of the paper; Run 1 turns it off")}});
  s.sections.push_back(
      {"cops", "The government's security forces.",
       {{.key = "density", .type = ValueType::real, .description = "Share of cells holding a cop at the start.",
         .min = 0, .max = 1},
        vision("cop"), vision_shape("cop"), moves("cops", "the paper and NetLogo move cops every tick"),
        {.key = "step_onto_arrest", .type = ValueType::boolean,
         .description = "Under random_sequential activation, whether a cop steps onto the cell of the citizen it "
                        "has just jailed (NetLogo's move-to suspect), when jail takes that citizen off the lattice "
                        "(jail.blocks_cell false) and the term is at least one tick. The synchronous scheme's cops "
                        "move under rule M alone.",
         .default_value = false, .default_reason = "the paper's cops move only under rule M"}}});
  s.sections.push_back(
      {"jail", "Arrest and jail terms.",
       {{.key = "max_term", .type = ValueType::integer_or_keyword,
         .description = "Maximum jail term J; each arrest draws a term uniformly (see term_range). "
                        "`unbounded`: jailed for the rest of the run (the paper's J = ∞).",
         .unit = "ticks", .min = 0, .max = 1'000'000'000, .keyword = "unbounded"},
        {.key = "term_range", .type = ValueType::choice,
         .description = "inclusive: terms 0…J (Mesa's randint); exclusive: 0…J−1 (NetLogo's random J).",
         .choices = {"inclusive", "exclusive"}, .default_value = std::string("inclusive"),
         .default_reason = "the paper's U(0, J) read as both ends included"},
        {.key = "blocks_cell", .type = ValueType::boolean,
         .description = "Whether a jailed citizen keeps its cell occupied (Mesa) or leaves it free (NetLogo). "
                        "A released citizen whose cell was taken goes to a random empty cell in its window, or "
                        "waits a tick if there is none.",
         .default_value = false, .default_reason = "the paper removes jailed agents from the board"}}});
  s.sections.push_back(
      {"rules", "Switches where implementations of the model differ.",
       {{.key = "activation", .type = ValueType::choice,
         .description =
             "random_sequential: each tick every agent on the lattice, citizens and cops together, takes its "
             "turn in a fresh random order, moving and acting on the lattice as the agents before it left it "
             "(the paper, NetLogo's ask, Mesa's shuffle_do); serial, so one thread does the work whatever "
             "--threads says. synchronous: confsim's parallel scheme, in which every agent of a kind moves, "
             "decides or arrests at once on what the previous step left, conflicts settled by keyed random "
             "priorities; it scales across threads, and its outbursts are larger and more frequent "
             "(docs/validation.md).",
         .choices = {"random_sequential", "synchronous"}, .default_value = std::string("random_sequential"),
         .default_reason = "the paper: \"An agent or cop is selected at random (asynchronous activation)\""},
        {.key = "ratio_rounding", .type = ValueType::choice,
         .description = "How C/A is rounded before P is computed: none (paper), floor (NetLogo), "
                        "round_half_even (Mesa's Python round).",
         .choices = {"none", "floor", "round_half_even"}, .default_value = std::string("none"),
         .default_reason = "the paper's formula has no rounding"},
        {.key = "self_count", .type = ValueType::choice,
         .description = "How a citizen counts itself in A: once (A = 1 + active others; paper, Mesa) or "
                        "twice_when_active (NetLogo's neighbourhood includes the own cell, so an active "
                        "citizen counts itself twice).",
         .choices = {"once", "twice_when_active"}, .default_value = std::string("once"),
         .default_reason = "the paper: A is at least 1 because the agent counts himself"},
        {.key = "order", .type = ValueType::choice,
         .description = "move_then_act (paper, NetLogo) or act_then_move (Mesa: decide or arrest, then move). "
                        "Under random_sequential activation it is each agent's order within its turn; under "
                        "synchronous, the order of the tick's phases.",
         .choices = {"move_then_act", "act_then_move"}, .default_value = std::string("move_then_act"),
         .default_reason = "the paper's agents move, then act"}}});

  s.presets = {
      preset("epstein2002", "The paper's rules as written: random-sequential activation, move then act, no rounding of C/A.",
             {"none", "once", "move_then_act", false, "inclusive", false, "euclidean", "exact"}),
      preset("netlogo",
             "NetLogo's Rebellion: random-sequential activation (ask turtles), move then act, floor(C/A), own "
             "cell in the neighbourhood, a cop steps onto the cell of the citizen it jails, terms 0…J−1 "
             "counted down at the end of each tick, jailed agents leave their cell free.",
             {"floor", "twice_when_active", "move_then_act", true, "exclusive", false, "euclidean", "exact"}),
      preset("mesa",
             "Mesa's epstein_civil_violence: random-sequential activation (shuffle_do), act then move, "
             "round-half-even(C/A), von Neumann windows, terms 0…J counted down on the citizen's own turn, "
             "jailed citizens block their cell, agents placed cell by cell.",
             {"round_half_even", "once", "act_then_move", false, "inclusive", true, "von_neumann", "per_cell"}),
  };
  s.removable_populations = {"cops", "citizens"};

  // 36 bytes a cell at the peak, output buffers included: docs/performance.md measures 45.6 B per
  // agent at Mesa's densities (0.774 agents a cell).
  s.peak_memory_bytes = [](const sim::Scenario& scenario) {
    constexpr double kPeakBytesPerCell = 36;
    return kPeakBytesPerCell * static_cast<double>(scenario.integer("grid.width")) *
           static_cast<double>(scenario.integer("grid.height"));
  };
  s.memory_parameter = "grid.width";
  s.cross_check = [](const sim::Scenario& scenario) {
    std::vector<sim::Diagnostic> problems;
    const auto complain = [&](const std::string& path, const std::string& message) {
      problems.push_back({scenario.parameter(path).where, path, message});
    };
    const std::int64_t w = scenario.integer("grid.width"), h = scenario.integer("grid.height");
    if (w * h > kMaxCells)
      complain("grid.width", "the grid has " + std::to_string(w * h) + " cells; at most " +
                                 std::to_string(kMaxCells) + " are supported");
    const double total = scenario.real("citizens.density") + scenario.real("cops.density");
    if (total > 1 + 1e-12)
      complain("cops.density", "citizens.density + cops.density is " + std::to_string(total) +
                                   "; expected at most 1 (one agent per cell)");
    for (const char* who : {"citizens", "cops"}) {
      const std::string path = std::string(who) + ".vision";
      const sim::Window window(sim::window_shape_from(scenario.word(std::string(who) + ".vision_shape")),
                               scenario.real(path));
      // Window counts share one table in two 16-bit lanes (sim::kMaxPackedWindowCells).
      if (window.offsets().size() + 1 > sim::kMaxPackedWindowCells)
        complain(path, "a window of " + std::to_string(window.offsets().size() + 1) + " cells; at most " +
                           std::to_string(sim::kMaxPackedWindowCells) +
                           " are supported (a euclidean radius up to 144, von Neumann 180, Moore 127)");
    }
    if (scenario.flag("grid.torus"))
      for (const char* who : {"citizens", "cops"}) {
        const std::string path = std::string(who) + ".vision";
        const sim::Window window(sim::window_shape_from(scenario.word(std::string(who) + ".vision_shape")),
                                 scenario.real(path));
        if (!sim::Lattice(static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(h), true).fits(window))
          complain(path, "a window of radius " + std::to_string(window.reach()) + " spans " +
                             std::to_string(2 * window.reach() + 1) + " cells, more than the " +
                             std::to_string(std::min(w, h)) + "-cell torus: it would see cells twice");
      }
    return problems;
  };
  return s;
}

}  // namespace

const sim::ModelSchema& schema() {
  static const sim::ModelSchema s = build_schema();
  return s;
}

}  // namespace confsim::agents::epstein
