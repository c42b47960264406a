#pragma once
// The models confsim knows, by the name a scenario's `model:` key gives.
#include <cstdint>
#include <memory>
#include <vector>

#include "confsim/sim/model.hpp"
#include "confsim/sim/schema.hpp"

namespace confsim::agents {

const std::vector<const sim::ModelSchema*>& model_schemas();
// Builds the model a validated scenario names.
std::unique_ptr<sim::Model> make_model(const sim::Scenario& scenario, std::uint64_t seed);

}  // namespace confsim::agents
