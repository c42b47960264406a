// The ABC-SMC sampler on a model whose posterior is known in closed form, its determinism when
// stopped and restarted, the priors, and calibration files with their errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <numeric>

#include "confsim/sim/distributions.hpp"
#include "confsim/sim/calibration.hpp"
#include "confsim/sim/rng.hpp"
#include "support/input_errors.hpp"
#include "support/run_files.hpp"

using namespace confsim;

namespace {

// One observation y ~ Normal(θ, 1) of a prior θ ~ Uniform(−10, 10): with y = 1.5 the posterior is
// Normal(1.5, 1) (the prior's ends are 8 sd away). ABC with tolerance ε on |y − 1.5| samples
// Normal(1.5, 1) convolved with Uniform(−ε, ε): its variance is 1 + ε²/3.
constexpr double kObserved = 1.5;

double simulate(std::uint64_t seed, std::size_t g, std::int64_t k, double theta) {
  sim::RandomStream stream(seed, sim::StreamOwner::world, static_cast<std::uint64_t>(k), g,
                           sim::Purpose::calibration_seed);
  const double u1 = sim::draw_open_unit(stream);
  const double u2 = sim::draw_open_unit(stream);
  return theta + std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
}

sim::EvaluateBatch normal_model(std::uint64_t seed, std::int64_t* evaluations = nullptr) {
  return [=](std::size_t g, std::int64_t first, const std::vector<std::vector<double>>& thetas) {
    std::vector<double> d;
    for (std::size_t i = 0; i < thetas.size(); ++i) {
      d.push_back(std::abs(simulate(seed, g, first + static_cast<std::int64_t>(i), thetas[i][0]) - kObserved));
      if (evaluations) ++*evaluations;
    }
    return d;
  };
}

sim::Prior uniform(double low, double high) {
  sim::Prior p;
  p.kind = sim::Prior::Kind::uniform;
  p.low = low;
  p.high = high;
  return p;
}

double posterior_mean(const sim::Generation& g) {
  std::vector<double> x;
  for (const auto& v : g.values) x.push_back(v[0]);
  return sim::weighted_mean(x, g.weights);
}

double posterior_variance(const sim::Generation& g) {
  const double m = posterior_mean(g);
  double v = 0;
  for (std::size_t i = 0; i < g.values.size(); ++i) v += g.weights[i] * (g.values[i][0] - m) * (g.values[i][0] - m);
  return v;
}

sim::Calibration calibration_from(const std::string& body) {
  const std::string path = testing::temp_path(std::to_string(std::hash<std::string>{}(body)) + "-calibration.yaml");
  std::ofstream(path) << "confsim_calibration: 1\nname: t\nscenario: "
                      << testing::source_path("scenarios/epstein/run2.yaml") << "\nmaster_seed: 7\n"
                      << body;
  return sim::load_calibration(path);
}

std::string error_of(const std::string& body) {
  return testing::input_error_of([&] { calibration_from(body); });
}

const char* const kSummaries =
    "summaries:\n  - {name: mean_active, series: {name: active, reduce: mean}}\n";

}  // namespace

TEST_CASE("ABC-SMC recovers the posterior of a normal mean, with the spread its tolerance adds",
          "[calibration][abc]") {
  sim::AbcSettings settings;
  settings.population = 2000;
  settings.generations = 8;
  settings.master_seed = 11;
  const auto result = sim::abc_smc({uniform(-10, 10)}, settings, normal_model(3));
  REQUIRE(result.generations.size() == 8);
  const auto& last = result.generations.back();
  const double eps = last.tolerance;
  INFO("tolerance " << eps << ", mean " << posterior_mean(last) << ", variance " << posterior_variance(last));
  CHECK(eps < 0.3);
  CHECK(std::abs(posterior_mean(last) - kObserved) < 0.08);
  CHECK(std::abs(posterior_variance(last) - (1 + eps * eps / 3)) < 0.12);
  // Tolerances shrink, weights are normalised, and every kept particle met its generation's tolerance.
  for (std::size_t g = 1; g < result.generations.size(); ++g) {
    const auto& gen = result.generations[g];
    CHECK(gen.tolerance < result.generations[g - 1].tolerance);
    CHECK(std::accumulate(gen.weights.begin(), gen.weights.end(), 0.0) == Approx(1.0));
    for (double d : gen.distances) CHECK(d <= gen.tolerance);
    CHECK(gen.effective_sample_size() > 0.5 * 2000);
  }
}

TEST_CASE("ABC-SMC stopped at any batch and started again keeps exactly the same particles",
          "[calibration][abc][reproducibility]") {
  sim::AbcSettings settings;
  settings.population = 200;
  settings.generations = 4;
  settings.master_seed = 5;
  const auto whole = sim::abc_smc({uniform(-10, 10), uniform(0, 1)}, settings, normal_model(9));
  // A restart after a crash recomputes the same proposals; its evaluations come back the same, as
  // they do from the run records of a resumed calibration.
  struct Stop {};
  std::int64_t evaluations = 0;
  const auto stopping = [&](std::size_t g, std::int64_t first, const std::vector<std::vector<double>>& thetas) {
    if (g == 2) throw Stop{};
    return normal_model(9, &evaluations)(g, first, thetas);
  };
  CHECK_THROWS_AS(sim::abc_smc({uniform(-10, 10), uniform(0, 1)}, settings, stopping), Stop);
  CHECK(evaluations > 0);
  const auto again = sim::abc_smc({uniform(-10, 10), uniform(0, 1)}, settings, normal_model(9));
  REQUIRE(again.generations.size() == whole.generations.size());
  for (std::size_t g = 0; g < whole.generations.size(); ++g) {
    CHECK(again.generations[g].values == whole.generations[g].values);
    CHECK(again.generations[g].weights == whole.generations[g].weights);
    CHECK(again.generations[g].proposal == whole.generations[g].proposal);
  }
  // Another master seed proposes other particles.
  settings.master_seed = 6;
  const auto other = sim::abc_smc({uniform(-10, 10), uniform(0, 1)}, settings, normal_model(9));
  CHECK(other.generations[0].values != whole.generations[0].values);
}

TEST_CASE("ABC-SMC counts failed simulations and stops at its tolerance or its budget", "[calibration][abc]") {
  sim::AbcSettings settings;
  settings.population = 100;
  settings.generations = 20;
  settings.min_tolerance = 0.5;
  settings.master_seed = 1;
  const auto failing_above_5 = [](std::size_t g, std::int64_t first, const std::vector<std::vector<double>>& thetas) {
    auto d = normal_model(2)(g, first, thetas);
    for (std::size_t i = 0; i < thetas.size(); ++i)
      if (thetas[i][0] > 5) d[i] = std::nan("");
    return d;
  };
  const auto result = sim::abc_smc({uniform(-10, 10)}, settings, failing_above_5);
  CHECK(result.stopped == sim::AbcStop::min_tolerance);
  CHECK(result.generations.back().tolerance == 0.5);
  CHECK(result.generations.front().failed > 0);  // about a quarter of the prior's draws
  for (const auto& v : result.generations.front().values) CHECK(v[0] <= 5);
  settings.max_simulations = 300;
  settings.min_tolerance = 0;
  const auto budget = sim::abc_smc({uniform(-10, 10)}, settings, normal_model(2));
  CHECK(budget.stopped == sim::AbcStop::max_simulations);
  CHECK(!budget.generations.empty());
}

TEST_CASE("priors: densities integrate to one and draws stay in their support", "[calibration][priors]") {
  sim::Prior log_uniform = uniform(0.01, 10);
  log_uniform.kind = sim::Prior::Kind::log_uniform;
  sim::Prior normal;
  normal.kind = sim::Prior::Kind::normal;
  normal.mean = 2;
  normal.sd = 0.5;
  sim::Prior truncated = normal;
  truncated.kind = sim::Prior::Kind::truncated_normal;
  truncated.low = 1.8;
  truncated.high = 4;
  for (const auto& p : {uniform(-1, 3), log_uniform, normal, truncated}) {
    INFO(p.describe());
    double mass = 0;
    const double a = -5, b = 12, step = 1e-4;
    for (double x = a; x < b; x += step) mass += p.density(x + step / 2) * step;
    CHECK(mass == Approx(1.0).epsilon(1e-3));
    double lowest = 1e300, highest = -1e300;
    for (int i = 1; i < 1000; ++i) {
      const double x = p.draw(i / 1000.0);
      lowest = std::min(lowest, x);
      highest = std::max(highest, x);
      CHECK(p.density(x) > 0);
    }
    CHECK(lowest < highest);
  }
  // A draw at the median of a normal prior is its mean; a log-uniform's median is the geometric mean.
  CHECK(normal.draw(0.5) == Approx(2.0));
  CHECK(log_uniform.draw(0.5) == Approx(std::sqrt(0.01 * 10)));
  CHECK(sim::weighted_quantile({1, 2, 3, 4}, {0.1, 0.1, 0.1, 0.7}, 0.5) == 4);
  CHECK(sim::weighted_mean({1, 3}, {1, 3}) == Approx(2.5));
}

TEST_CASE("calibration files: priors, observed values or a reference, targets, settings", "[calibration][files]") {
  const auto c = calibration_from(std::string(kSummaries) +
                                  "parameters:\n"
                                  "  government.legitimacy: {}\n"
                                  "  cops.density: {log_uniform: {from: 0.01, to: 0.1}}\n"
                                  "observed:\n  mean_active: {value: 30, sd: 5}\n"
                                  "population: 50\ngenerations: 3\nreplicates: 2\n");
  REQUIRE(c.parameters.size() == 2);
  CHECK(c.parameters[0].prior.kind == sim::Prior::Kind::declared_range);
  CHECK(c.parameters[1].prior.kind == sim::Prior::Kind::log_uniform);
  CHECK(c.observed.size() == 1);
  CHECK(c.observed[0].scale == 5);
  CHECK(c.population == 50);
  CHECK(!c.keep_run_files);
  const auto r = calibration_from(std::string(kSummaries) +
                                  "parameters:\n  government.legitimacy: {normal: {mean: 0.8, sd: 0.05}}\n"
                                  "reference: {set: {government.legitimacy: 0.82}, replicates: 4, master_seed: 3}\n");
  REQUIRE(r.reference);
  CHECK(r.reference->overrides == std::vector<std::string>{"government.legitimacy=0.82"});
}

TEST_CASE("calibration files are checked with positions", "[calibration][files][errors]") {
  const std::string p = "parameters:\n  government.legitimacy: {}\n";
  CHECK_THAT(error_of(p + kSummaries), Catch::Contains("summaries need observed values"));
  CHECK_THAT(error_of(p), Catch::Contains("nothing to fit to"));
  CHECK_THAT(error_of(p + kSummaries + "observed:\n  mean_activ: {value: 3, sd: 1}\n"),
             Catch::Contains("calibration.yaml:10:3") && Catch::Contains("no summary named 'mean_activ'"));
  CHECK_THAT(error_of("parameters:\n  government.legitimacy: {uniform: {from: 0.9, to: 0.1}}\n" + std::string(kSummaries) +
                      "observed: {mean_active: {value: 3, sd: 1}}\n"),
             Catch::Contains("expected from < to"));
  CHECK_THAT(error_of("parameters:\n  government.legitimacy: {beta: {a: 1}}\n" + std::string(kSummaries) +
                      "observed: {mean_active: {value: 3, sd: 1}}\n"),
             Catch::Contains("unknown key 'beta'"));
  CHECK_THAT(error_of(p + kSummaries + "observed: {mean_active: {value: 3, sd: 0}}\n"),
             Catch::Contains("expected sd > 0"));
  CHECK_THAT(error_of(p + kSummaries + "observed: {mean_active: {value: 3, sd: 1}}\ntolerance_quantile: 1.5\n"),
             Catch::Contains("expected a number in (0, 1)"));
  CHECK_THAT(error_of(p + "targets: {file: nowhere.yaml}\n"), Catch::Contains("no targets file at"));
  CHECK_THAT(error_of(p + kSummaries + "observed: {mean_active: {value: 3, sd: 1}}\npopulaton: 10\n"),
             Catch::Contains("did you mean 'population'?"));
}
