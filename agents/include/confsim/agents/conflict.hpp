#pragma once
// The conflict model: a scenario declares its regions and its actors — a government with its
// security forces, armed groups, a protest movement, foreign forces, sponsors, mediators — by names
// of its own choosing, each actor of a kind from a library of behaviour components
// (agents/src/conflict/). No place, group or power is named in code; docs/conflict-model.md gives
// the rules of every kind, docs/new-scenario.md builds a conflict from documents.
#include <cstdint>
#include <memory>

#include "confsim/sim/model.hpp"
#include "confsim/sim/schema.hpp"

namespace confsim::agents::conflict {

const sim::ModelSchema& schema();
std::unique_ptr<sim::Model> make_model(const sim::Scenario& scenario, std::uint64_t seed);

}  // namespace confsim::agents::conflict
