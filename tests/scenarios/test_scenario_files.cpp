// Every scenario file we ship is a test: it validates, cites or marks every model parameter, and
// its first ticks reproduce the golden numbers recorded in golden.yaml.
// CONFSIM_UPDATE_GOLDEN=1 rewrites golden.yaml after a deliberate change of results.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <map>
#include <filesystem>
#include <fstream>

#include "confsim/agents/registry.hpp"
#include "support/run_files.hpp"

using namespace confsim;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kGoldenTicks = 150;

// Every scenario we ship (YAML files with a `model`; catalogs and targets are data of another kind).
std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(testing::source_path("scenarios")))
    if (entry.path().extension() == ".yaml" && YAML::LoadFile(entry.path().string())["model"])
      files.push_back(fs::relative(entry.path(), testing::source_path("")).string());
  std::sort(files.begin(), files.end());
  return files;
}

// The sum over the golden ticks of every series (all elements along its extra dimensions).
std::map<std::string, double> summarise(const std::string& file) {
  sim::LoadOptions options;
  options.ticks = kGoldenTicks;
  const auto scenario = sim::load_scenario_file(testing::source_path(file), agents::model_schemas(), options);
  std::map<std::string, double> sums;
  for (const auto& [name, values] : testing::run_series(scenario, scenario->seed().value_or(0))) {
    double sum = 0;
    for (double v : values) sum += v;
    sums[name] = sum;
  }
  return sums;
}

}  // namespace

TEST_CASE("every shipped scenario validates and gives provenance for its model parameters", "[scenario][files]") {
  const auto files = scenario_files();
  REQUIRE(files.size() >= 7);
  for (const auto& file : files) {
    INFO(file);
    const auto scenario = sim::load_scenario_file(testing::source_path(file), agents::model_schemas());
    REQUIRE(scenario->seed());  // shipped scenarios are reproducible as they stand
    for (const auto& p : scenario->parameters()) {
      if (p.path.rfind("calendar.", 0) == 0 || p.path.rfind("output.", 0) == 0) continue;  // run settings
      INFO(p.path);
      CHECK(p.provenance.kind != sim::Provenance::Kind::unannotated);
    }
  }
}

TEST_CASE("every shipped scenario reproduces its golden numbers", "[scenario][files][golden]") {
  const std::string golden_path = testing::source_path("tests/scenarios/golden.yaml");
  if (std::getenv("CONFSIM_UPDATE_GOLDEN")) {
    YAML::Emitter out;
    out.SetDoublePrecision(17);
    out << YAML::Comment("Sums over the first " + std::to_string(kGoldenTicks) +
                         " ticks of every series of each scenario with its own seed "
                         "(tests/scenarios/test_scenario_files.cpp).");
    out << YAML::BeginMap;
    for (const auto& file : scenario_files()) {
      out << YAML::Key << file << YAML::Value << YAML::BeginMap;
      for (const auto& [name, sum] : summarise(file)) out << YAML::Key << name << YAML::Value << sum;
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
    std::ofstream(golden_path) << out.c_str() << "\n";
  }
  const YAML::Node golden = YAML::LoadFile(golden_path);
  for (const auto& file : scenario_files()) {
    INFO(file << " (CONFSIM_UPDATE_GOLDEN=1 rewrites tests/scenarios/golden.yaml after a deliberate change)");
    REQUIRE(golden[file]);
    const auto sums = summarise(file);
    CHECK(sums.size() == golden[file].size());
    for (const auto& [name, sum] : sums) {
      INFO(name);
      REQUIRE(golden[file][name]);
      CHECK(sum == golden[file][name].as<double>());
    }
  }
}
