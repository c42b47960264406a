#include "confsim/agents/registry.hpp"

#include <stdexcept>

#include "confsim/agents/epstein.hpp"
#include "confsim/agents/conflict.hpp"
#include "confsim/sim/input_files.hpp"

namespace confsim::agents {

const std::vector<const sim::ModelSchema*>& model_schemas() {
  static const std::vector<const sim::ModelSchema*> schemas = {&epstein::schema(), &conflict::schema()};
  return schemas;
}

std::unique_ptr<sim::Model> make_model(const sim::Scenario& scenario, std::uint64_t seed) {
  for (const auto* schema : model_schemas())
    if (schema->name == scenario.model() && schema->peak_memory_bytes)
      sim::check_memory_need(schema->peak_memory_bytes(scenario), scenario.parameter(schema->memory_parameter).where,
                             schema->memory_parameter);
  if (scenario.model() == epstein::schema().name) return epstein::make_model(scenario, seed);
  if (scenario.model() == conflict::schema().name) return conflict::make_model(scenario, seed);
  throw std::invalid_argument("no model named '" + scenario.model() + "'");
}

}  // namespace confsim::agents
