// Same scenario, seed and version ⇒ the same bytes, whatever the thread count.
#include <catch2/catch.hpp>

#include <fstream>

#include "confsim/app/commands.hpp"
#include "confsim/output/run_file.hpp"
#include "support/run_files.hpp"

using namespace confsim;

namespace {
std::string run(const std::string& name, int threads, std::uint64_t seed, std::int64_t ticks,
                std::vector<std::string> overrides = {}) {
  app::RunRequest request;
  request.overrides = std::move(overrides);
  request.scenario_path = testing::source_path("scenarios/epstein/run2.yaml");
  request.output_path = testing::temp_path(name);
  request.threads = threads;
  request.seed = seed;
  request.ticks = ticks;
  app::run_scenario(request);
  return request.output_path;
}
}  // namespace

TEST_CASE("threads 1, 2 and 8 give byte-identical datasets", "[property][reproducibility]") {
  const std::string activation = GENERATE(as<std::string>{}, "random_sequential", "synchronous");
  INFO(activation);
  const std::vector<std::string> scheme = {"rules.activation=" + activation};
  const auto one = testing::dataset_bytes(run("t1.h5", 1, 11, 300, scheme));
  const auto two = testing::dataset_bytes(run("t2.h5", 2, 11, 300, scheme));
  const auto eight = testing::dataset_bytes(run("t8.h5", 8, 11, 300, scheme));
  REQUIRE(one.size() > 20);
  CHECK(one == two);
  CHECK(one == eight);
}

TEST_CASE("byte-identical across threads on grids larger than one parallel block", "[property][reproducibility]") {
  // Both rule sets (NetLogo's and Mesa's) under both schemes, and row-band counts that are even
  // (120 rows in bands of 14) and odd (130 rows: a third colour closes the torus).
  const std::string activation = GENERATE(as<std::string>{}, "random_sequential", "synchronous");
  for (const char* file : {"run2", "mesa_default"})
    for (const char* height : {"120", "130"}) {
      const std::string scenario = testing::temp_path(std::string("large_") + file + ".yaml");
      std::ofstream(scenario) << testing::read_text(testing::source_path(std::string("scenarios/epstein/") + file + ".yaml"));
      const auto run_large = [&](const std::string& name, int threads) {
        app::RunRequest request;
        request.scenario_path = scenario;
        request.output_path = testing::temp_path(name);
        request.threads = threads;
        request.seed = 5;
        request.ticks = 40;
        request.overrides = {"grid.width=150", std::string("grid.height=") + height, "cops.vision=7",
                             "citizens.vision=7", "rules.activation=" + activation};
        app::run_scenario(request);
        return testing::dataset_bytes(request.output_path);
      };
      INFO(file << " 150x" << height << ", " << activation);
      CHECK(run_large("large1.h5", 1) == run_large("large8.h5", 8));
    }
}

TEST_CASE("a different seed gives a different run", "[property][reproducibility]") {
  CHECK(testing::dataset_bytes(run("s1.h5", 2, 1, 100)).at("active") !=
        testing::dataset_bytes(run("s2.h5", 2, 2, 100)).at("active"));
}

TEST_CASE("the scenario text and seed stored in a file reproduce it byte for byte", "[property][reproducibility]") {
  const std::string original = run("original.h5", 2, 99, 200);
  app::rerun_file(original, testing::temp_path("again.h5"), 1, false);
  CHECK(testing::dataset_bytes(original) == testing::dataset_bytes(testing::temp_path("again.h5")));
}

TEST_CASE("the conflict scenarios give byte-identical files with 1, 2 and 8 threads",
          "[property][reproducibility][conflict]") {
  // Iraq past the strike, Kadhimi's first raids and the dialogue; Sudan past the June 2019 crackdown.
  for (const auto& [scenario, ticks] : {std::pair{std::string("scenarios/iraq/baseline.yaml"), 260},
                                        std::pair{std::string("scenarios/sudan/baseline.yaml"), 200}}) {
    INFO(scenario);
    const auto run_with = [&](int threads) {
      app::RunRequest request;
      request.scenario_path = testing::source_path(scenario);
      request.output_path = testing::temp_path("conflict" + std::to_string(threads) + ".h5");
      request.threads = threads;
      request.ticks = ticks;
      request.overrides = {"scale.people_per_agent=2000"};
      app::run_scenario(request);
      return testing::dataset_bytes(request.output_path);
    };
    const auto one = run_with(1);
    CHECK(one.count("events/kind"));
    CHECK(one == run_with(2));
    CHECK(one == run_with(8));
  }
}

TEST_CASE("a run of a scenario that extends another re-runs from its file alone", "[property][reproducibility]") {
  const std::string original = testing::temp_path("cf.h5");
  app::RunRequest request;
  request.scenario_path = testing::source_path("scenarios/iraq/counterfactuals/no_drawdown.yaml");
  request.output_path = original;
  request.ticks = 120;
  request.overrides = {"scale.people_per_agent=5000"};
  app::run_scenario(request);
  CHECK(output::read_root_attribute(original, "scenario_text").find("extends") == std::string::npos);
  app::rerun_file(original, testing::temp_path("cf_again.h5"), 1, false);
  CHECK(testing::dataset_bytes(original) == testing::dataset_bytes(testing::temp_path("cf_again.h5")));
}
