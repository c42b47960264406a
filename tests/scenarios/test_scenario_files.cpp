// Every scenario file we ship is a test: it validates, cites or marks every model parameter, and
// its first ticks reproduce the golden numbers recorded in golden.yaml.
// CONFSIM_UPDATE_GOLDEN=1 rewrites golden.yaml after a deliberate change of results.
#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "confsim/agents/registry.hpp"
#include "support/run_files.hpp"

using namespace confsim;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t kGoldenTicks = 150;

std::vector<std::string> scenario_files() {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(testing::source_path("scenarios")))
    if (entry.path().extension() == ".yaml")
      files.push_back(fs::relative(entry.path(), testing::source_path("")).string());
  std::sort(files.begin(), files.end());
  return files;
}

struct Summary {
  double total_active = 0, total_arrests = 0, final_jailed = 0, final_quiescent = 0;
};

Summary summarise(const std::string& file) {
  sim::LoadOptions options;
  options.ticks = kGoldenTicks;
  const auto scenario = sim::load_scenario_file(testing::source_path(file), agents::model_schemas(), options);
  const auto series = testing::run_series(scenario, scenario->seed().value_or(0));
  Summary s;
  for (double a : series.at("active")) s.total_active += a;
  for (double a : series.at("arrests")) s.total_arrests += a;
  s.final_jailed = series.at("jailed").back();
  s.final_quiescent = series.at("quiescent").back();
  return s;
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
    out << YAML::Comment("Summaries of the first " + std::to_string(kGoldenTicks) +
                         " ticks of each scenario with its own seed (tests/scenarios/test_scenario_files.cpp).");
    out << YAML::BeginMap;
    for (const auto& file : scenario_files()) {
      const Summary s = summarise(file);
      out << YAML::Key << file << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "total_active"
          << YAML::Value << s.total_active << YAML::Key << "total_arrests" << YAML::Value << s.total_arrests
          << YAML::Key << "final_jailed" << YAML::Value << s.final_jailed << YAML::Key << "final_quiescent"
          << YAML::Value << s.final_quiescent << YAML::EndMap;
    }
    out << YAML::EndMap;
    std::ofstream(golden_path) << out.c_str() << "\n";
  }
  const YAML::Node golden = YAML::LoadFile(golden_path);
  for (const auto& file : scenario_files()) {
    INFO(file << " (CONFSIM_UPDATE_GOLDEN=1 rewrites tests/scenarios/golden.yaml after a deliberate change)");
    REQUIRE(golden[file]);
    const Summary s = summarise(file);
    CHECK(s.total_active == golden[file]["total_active"].as<double>());
    CHECK(s.total_arrests == golden[file]["total_arrests"].as<double>());
    CHECK(s.final_jailed == golden[file]["final_jailed"].as<double>());
    CHECK(s.final_quiescent == golden[file]["final_quiescent"].as<double>());
  }
}
