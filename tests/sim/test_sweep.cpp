// Sweep files and their expansion into runs: order, values, seeds, Latin hypercube strata, errors.
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <set>

#include "confsim/sim/sweep.hpp"
#include "support/input_errors.hpp"
#include "support/run_files.hpp"

using namespace confsim;

namespace {

sim::Sweep sweep_from(const std::string& body) {
  // A file of its own per body: CTest runs these tests in parallel.
  const std::string path = testing::temp_path(std::to_string(std::hash<std::string>{}(body)) + "-sweep.yaml");
  std::ofstream(path) << "confsim_sweep: 1\nname: t\nscenario: " << testing::source_path("scenarios/epstein/run2.yaml")
                      << "\nmaster_seed: 99\n"
                      << body;
  return sim::load_sweep(path);
}

std::string error_of(const std::string& body) {
  return testing::input_error_of([&] { sweep_from(body); });
}

}  // namespace

TEST_CASE("a grid expands point-major, the last parameter fastest, with replicates", "[unit][sweep]") {
  const auto s = sweep_from(
      "replicates: 2\nparameters:\n  government.legitimacy: {values: [0.7, 0.9]}\n"
      "  cops.density: {range: {from: 0.02, to: 0.04, steps: 3}}\n");
  const auto runs = sim::expand_sweep(s);
  REQUIRE(runs.size() == 12);
  CHECK(runs[0].overrides == std::vector<std::string>{"government.legitimacy=0.7", "cops.density=0.02"});
  CHECK(runs[1].overrides == runs[0].overrides);  // the second replicate of point 0
  CHECK(runs[1].replicate == 1);
  CHECK(runs[2].overrides ==
        std::vector<std::string>{"government.legitimacy=0.7", "cops.density=0.029999999999999999"});
  CHECK(runs[4].values[1] == "0.040000000000000001");
  CHECK(runs[6].values[0] == "0.9");
  CHECK(runs[11].point == 5);
  std::set<std::uint64_t> seeds;
  for (const auto& r : runs) {
    CHECK(r.seed == sim::sweep_run_seed(99, r.index));
    CHECK(r.seed < (std::uint64_t{1} << 53));
    seeds.insert(r.seed);
  }
  CHECK(seeds.size() == runs.size());
  CHECK(sim::expand_sweep(s)[7].seed == runs[7].seed);
}

TEST_CASE("a Latin hypercube puts one point in each stratum of every parameter", "[unit][sweep]") {
  const auto s = sweep_from(
      "design: latin_hypercube\nn: 16\nparameters:\n  government.legitimacy: {uniform: {from: 0, to: 1}}\n"
      "  cops.density: {uniform: {from: 0, to: 0.16}}\n");
  const auto runs = sim::expand_sweep(s);
  REQUIRE(runs.size() == 16);
  for (std::size_t j = 0; j < 2; ++j) {
    std::set<int> strata;
    for (const auto& r : runs) strata.insert(static_cast<int>(std::stod(r.values[j]) / (j == 0 ? 1.0 : 0.16) * 16));
    CHECK(strata.size() == 16);
  }
  CHECK(runs[0].values != runs[1].values);
}

TEST_CASE("sweep files are checked with positions and suggestions", "[unit][sweep][errors]") {
  CHECK_THAT(error_of("parameters:\n  government.legitimacy: {uniform: {from: 0.5, to: 0.9}}\n"),
             Catch::Contains("sweep.yaml:6:36") && Catch::Contains("a grid needs countable values"));
  CHECK_THAT(error_of("replicats: 2\nparameters:\n  government.legitimacy: {values: [0.5]}\n"),
             Catch::Contains("sweep.yaml:5:1") && Catch::Contains("did you mean 'replicates'?"));
  CHECK_THAT(error_of("design: latin_hypercube\nparameters:\n  government.legitimacy: {values: [0.5]}\n"),
             Catch::Contains("a latin_hypercube design needs n"));
  CHECK_THAT(error_of("parameters:\n  government.legitimacy: {range: {from: 0.5, to: 0.9, steps: 0}}\n"),
             Catch::Contains("range.steps: expected a whole number in [1,"));
  CHECK_THAT(error_of("parameters: {}\n"), Catch::Contains("expected a map of parameter paths"));
  CHECK_THAT(error_of("parameters:\n  government.legitimacy: {values: [0.5]}\nsummaries:\n  - {name: x, series: {name: "
                      "active, reduce: median}}\n"),
             Catch::Contains("expected reduce: one of max, min, mean, final, sum"));
}

TEST_CASE("Sobol points are Joe and Kuo's sequence and balanced in every dimension", "[unit][sweep]") {
  // The first eight points in ten dimensions, as scipy.stats.qmc.Sobol(scramble=False) gives them;
  // docs/sweeps.md records a comparison of 1,024 points in 16 dimensions (identical).
  const std::vector<std::vector<double>> expected = {
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5},
      {0.75, 0.25, 0.25, 0.25, 0.75, 0.75, 0.25, 0.75, 0.75, 0.75},
      {0.25, 0.75, 0.75, 0.75, 0.25, 0.25, 0.75, 0.25, 0.25, 0.25},
      {0.375, 0.375, 0.625, 0.875, 0.375, 0.125, 0.375, 0.875, 0.875, 0.625},
      {0.875, 0.875, 0.125, 0.375, 0.875, 0.625, 0.875, 0.375, 0.375, 0.125},
      {0.625, 0.125, 0.875, 0.625, 0.625, 0.875, 0.125, 0.125, 0.125, 0.375},
      {0.125, 0.625, 0.375, 0.125, 0.125, 0.375, 0.625, 0.625, 0.625, 0.875}};
  CHECK(sim::sobol_points(8, 10) == expected);
  const auto points = sim::sobol_points(256, sim::max_sobol_dimensions());
  for (std::size_t j = 0; j < sim::max_sobol_dimensions(); ++j) {
    std::set<int> strata;
    for (const auto& p : points) strata.insert(static_cast<int>(p[j] * 256));
    CHECK(strata.size() == 256);
  }
  const auto s =
      sweep_from("design: sobol\nn: 8\nparameters:\n  government.legitimacy: {uniform: {from: 0.5, to: 0.9}}\n");
  CHECK(sim::expand_sweep(s)[1].values[0] == "0.69999999999999996");
}
