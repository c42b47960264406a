// Hostile and broken input files: each refused with a message naming the file, the place and the
// limit, before anything interprets them.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "confsim/agents/registry.hpp"
#include "confsim/output/targets.hpp"
#include "confsim/sim/input_files.hpp"
#include "confsim/sim/scenario.hpp"
#include "confsim/sim/sweep.hpp"
#include "support/input_errors.hpp"
#include "support/run_files.hpp"

using namespace confsim;
using Catch::Matchers::Contains;

namespace {

std::string written(const std::string& name, const std::string& text) {
  const std::string path = testing::temp_path(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// Ten anchors, each a list of ten aliases of the one before: 10^11 nodes once expanded.
std::string alias_bomb() {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 10; ++i) {
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", *a" : "*a") + std::to_string(i - 1);
    text += "]\n";
  }
  return text;
}

std::string nested(int depth) { return "a: " + std::string(depth, '[') + std::string(depth, ']') + "\n"; }

std::string scenario_error(const std::string& path) {
  return testing::input_error_of([&] { sim::load_scenario_file(path, agents::model_schemas()); });
}

// Sets an environment variable for the life of the object.
class ScopedEnvironment {
 public:
  ScopedEnvironment(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnvironment() { ::unsetenv(name_); }
  ScopedEnvironment(const ScopedEnvironment&) = delete;
  ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

 private:
  const char* name_;
};

}  // namespace

TEST_CASE("an alias bomb is refused by every loader without being expanded", "[unit][input]") {
  const std::string bomb = alias_bomb();
  for (const auto& message :
       {scenario_error(written("bomb.yaml", bomb)),
        testing::input_error_of([&] { sim::load_sweep(written("bomb_sweep.yaml", bomb)); }),
        testing::input_error_of([&] { output::load_targets(written("bomb_targets.yaml", bomb)); })}) {
    CHECK_THAT(message, Contains("more than 1000000 YAML nodes") && Contains("alias bomb"));
    CHECK_THAT(message, Contains("CONFSIM_MAX_YAML_NODES"));
  }
  // Anchors and aliases within the limit are ordinary YAML and load.
  const std::string shared = testing::kSmallScenario + "\nanchors_are_fine: &v 1\n";
  CHECK_THAT(testing::input_error_of([&] { testing::scenario_from_text(shared); }), Contains("anchors_are_fine"));
}

TEST_CASE("deep nesting is refused at the project's limit and at the parser's", "[unit][input]") {
  CHECK_THAT(scenario_error(written("deep100.yaml", nested(100))),
             Contains("deep100.yaml:1:") && Contains("nesting deeper than 64 levels") &&
                 Contains("CONFSIM_MAX_YAML_DEPTH"));
  CHECK_THAT(scenario_error(written("deep5000.yaml", nested(5000))), Contains("past what the YAML parser follows"));
  ScopedEnvironment deeper("CONFSIM_MAX_YAML_DEPTH", "200");
  CHECK_THAT(scenario_error(written("deep100b.yaml", nested(100))), !Contains("nesting deeper"));
}

TEST_CASE("bytes that are not UTF-8 text are refused with their line and column", "[unit][input]") {
  CHECK_THAT(scenario_error(written("latin1.yaml", "confsim: 1\nname: caf\xe9\n")),
             Contains("latin1.yaml:2:10") && Contains("byte 0xE9 is not UTF-8"));
  CHECK_THAT(scenario_error(written("overlong.yaml", "name: \xc0\x80\n")), Contains("byte 0xC0 is not UTF-8"));
  CHECK_THAT(scenario_error(written("surrogate.yaml", "name: \xed\xa0\x80\n")), Contains("byte 0xED is not UTF-8"));
  CHECK_THAT(scenario_error(written("cut.yaml", "name: \xe2\x82")), Contains("cut.yaml:1:7"));
  CHECK_THAT(scenario_error(written("nul.yaml", std::string("confsim: 1\0", 11))),
             Contains("nul.yaml:1:11") && Contains("control character 0x00"));
  // UTF-8 text in any script is fine (this file is not a scenario, so it fails later, on its keys).
  CHECK_THAT(scenario_error(written("arabic.yaml", "name: \xd8\xa8\xd8\xba\xd8\xaf\xd8\xa7\xd8\xaf\n")),
             !Contains("UTF-8") && Contains("missing required key"));
}

TEST_CASE("empty files, directories, missing and oversized files are refused", "[unit][input]") {
  CHECK_THAT(scenario_error(written("empty.yaml", "")), Contains("empty.yaml") && Contains("an empty document"));
  const std::string folder = testing::temp_path("a_folder.yaml");
  std::filesystem::create_directories(folder);
  CHECK_THAT(scenario_error(folder), Contains("a directory, not a scenario file"));
  CHECK_THAT(scenario_error(testing::temp_path("no_such_file.yaml")),
             Contains("cannot open the scenario file") && Contains("No such file"));
  const std::string path = written("hundred.yaml", std::string(100, '#'));
  {
    ScopedEnvironment small("CONFSIM_MAX_INPUT_BYTES", "64");
    CHECK_THAT(scenario_error(path), Contains("larger than the 64 bytes allowed") && Contains("CONFSIM_MAX_INPUT_BYTES"));
  }
  ScopedEnvironment nonsense("CONFSIM_MAX_INPUT_BYTES", "lots");
  CHECK_THAT(scenario_error(path), Contains("environment variable CONFSIM_MAX_INPUT_BYTES") && Contains("'lots'"));
}

TEST_CASE("a scenario that would exhaust memory is refused before anything is allocated", "[unit][input]") {
  const auto huge = testing::scenario_from_text(testing::kSmallScenario,
                                                {"grid.width=40000", "grid.height=40000"});
  ScopedEnvironment limit("CONFSIM_MAX_MEMORY_GB", "16");
  const std::string message = testing::input_error_of([&] { agents::make_model(*huge, 1); });
  CHECK_THAT(message, Contains("--set grid.width=40000") && Contains("needs about 57.6 GB") &&
                          Contains("more than the 16.0 GB allowed"));
  CHECK_NOTHROW(sim::check_memory_need(15.9e9, {}, "grid.width"));
  ScopedEnvironment nonsense("CONFSIM_MAX_MEMORY_GB", "-1");
  CHECK_THAT(testing::input_error_of([&] { sim::check_memory_need(1, {}, "grid.width"); }),
             Contains("CONFSIM_MAX_MEMORY_GB") && Contains("'-1'"));
}
