#include "confsim/sim/calibration.hpp"
#include "confsim/sim/distributions.hpp"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>
#include <stdexcept>

#include "confsim/sim/input_files.hpp"
#include "confsim/sim/rng.hpp"
#include "confsim/sim/statistics.hpp"
#include "yaml_reader.hpp"

namespace confsim::sim {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

double standard_normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double standard_normal_quantile(double p) {
  return boost::math::quantile(boost::math::normal_distribution<double>(0.0, 1.0), p);
}
double standard_normal_density(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI); }

class CalibrationReader : public YamlReader {
 public:
  explicit CalibrationReader(std::string file) : YamlReader(std::move(file)) {}

  Calibration read() {
    Calibration c;
    c.file = file_;
    c.text = read_input_file(file_, "calibration file");
    const YAML::Node root = parse_input_yaml(c.text, file_);
    if (!root.IsMap())
      problems_.fail_now(root.Mark(), "", "expected a calibration: a map with scenario, parameters, summaries …");
    problems_.reject_unknown_keys(
        root, "",
        {"confsim_calibration", "name", "description", "scenario", "ticks", "master_seed", "parameters", "summaries",
         "observed", "reference", "targets", "validation", "replicates", "population", "generations",
         "tolerance_quantile", "min_tolerance", "max_simulations", "validation_draws", "run_files"});
    c.name = text_of(root, "name", true);
    c.description = root["description"] && root["description"].IsScalar() ? root["description"].Scalar() : "";
    c.scenario = scenario_path(root);
    if (root["ticks"]) c.ticks = integer(root["ticks"], "ticks", 1, 10'000'000);
    c.master_seed = master_seed(root);
    const YAML::Node params = root["parameters"];
    if (!params || !params.IsMap() || params.size() == 0)
      problems_.add(params ? params : root, "parameters",
                    "expected a map of parameter paths to priors ({uniform: {from, to}}, {} for the declared range …)");
    else
      for (const auto& kv : params) c.parameters.push_back(parameter(kv.first, kv.second));
    c.summaries = summaries(root["summaries"]);
    if (root["observed"]) observed(root["observed"], c);
    if (root["reference"]) c.reference = reference(root["reference"]);
    if (root["targets"]) c.fit = targets(root["targets"], "targets");
    if (root["validation"]) c.validation = targets(root["validation"], "validation");
    const bool by_summaries = !c.summaries.empty();
    if (!by_summaries && !c.fit)
      problems_.add(root, "", "nothing to fit to: give summaries with observed values (or a reference), or targets");
    if (by_summaries && !root["observed"] && !c.reference)
      problems_.add(root["summaries"], "summaries",
                    "summaries need observed values: observed: {NAME: {value, sd}} or reference: {set, replicates}");
    if (root["observed"] && c.reference)
      problems_.add(root["reference"], "reference", "give either observed values or a reference, not both");
    if (!by_summaries && (root["observed"] || c.reference))
      problems_.add(root["observed"] ? root["observed"] : root["reference"], "observed",
                    "observed values and a reference are for summaries, and there are none");
    c.replicates = root["replicates"] ? integer(root["replicates"], "replicates", 1, 10'000) : 1;
    c.population = root["population"] ? integer(root["population"], "population", 2, 1'000'000) : 100;
    c.generations = root["generations"] ? integer(root["generations"], "generations", 1, 1000) : 5;
    if (root["tolerance_quantile"]) {
      c.tolerance_quantile = real(root["tolerance_quantile"], "tolerance_quantile");
      if (!(c.tolerance_quantile > 0 && c.tolerance_quantile < 1))
        problems_.add(root["tolerance_quantile"], "tolerance_quantile", "expected a number in (0, 1), e.g. 0.5");
    }
    if (root["min_tolerance"]) {
      c.min_tolerance = real(root["min_tolerance"], "min_tolerance");
      if (c.min_tolerance < 0) problems_.add(root["min_tolerance"], "min_tolerance", "expected a number ≥ 0");
    }
    if (root["max_simulations"])
      c.max_simulations = integer(root["max_simulations"], "max_simulations", 1, 1e12);
    if (root["validation_draws"])
      c.validation_draws = integer(root["validation_draws"], "validation_draws", 1, 100'000);
    if (root["run_files"]) {
      const std::string keep = text_of(root, "run_files", false);
      if (keep == "keep" || keep == "discard")
        c.keep_run_files = keep == "keep";
      else
        problems_.add(root["run_files"], "run_files", "expected keep or discard, found '" + keep + "'");
    }
    problems_.throw_if_any();
    return c;
  }

 private:
  double number(const YAML::Node& map, const char* key, const std::string& path) {
    if (!map[key]) {
      problems_.add(map, path + "." + key, std::string("missing ") + key);
      return 0;
    }
    return real(map[key], path + "." + key);
  }

  CalibrationParameter parameter(const YAML::Node& key, const YAML::Node& spec) {
    CalibrationParameter p;
    p.path = key.Scalar();
    p.where = problems_.at(key.Mark());
    const std::string path = "parameters." + p.path;
    if (spec.IsNull() || (spec.IsMap() && spec.size() == 0)) return p;  // the declared range
    if (!spec.IsMap() || spec.size() != 1) {
      problems_.add(spec, path,
                    "expected one prior: {uniform: {from, to}}, {log_uniform: {from, to}}, {normal: {mean, sd}}, "
                    "{truncated_normal: {mean, sd, from, to}}, or {} for uniform over the declared range");
      return p;
    }
    problems_.reject_unknown_keys(spec, path, {"uniform", "log_uniform", "normal", "truncated_normal"});
    const auto entry = *spec.begin();
    const YAML::Node body = entry.second;
    const std::string kind = entry.first.Scalar(), at = path + "." + kind;
    if (!body.IsMap()) {
      problems_.add(body, at, "expected a map of the prior's numbers");
      return p;
    }
    if (kind == "uniform" || kind == "log_uniform") {
      problems_.reject_unknown_keys(body, at, {"from", "to"});
      p.prior.kind = kind == "uniform" ? Prior::Kind::uniform : Prior::Kind::log_uniform;
      const std::size_t before = problems_.count();
      p.prior.low = number(body, "from", at);
      p.prior.high = number(body, "to", at);
      if (problems_.count() == before && !(p.prior.low < p.prior.high)) problems_.add(body, at, "expected from < to");
      if (kind == "log_uniform" && !(p.prior.low > 0)) problems_.add(body, at, "a log-uniform prior needs from > 0");
    } else if (kind == "normal" || kind == "truncated_normal") {
      const bool truncated = kind == "truncated_normal";
      problems_.reject_unknown_keys(body, at,
                                    truncated ? std::vector<std::string>{"mean", "sd", "from", "to"}
                                              : std::vector<std::string>{"mean", "sd"});
      p.prior.kind = truncated ? Prior::Kind::truncated_normal : Prior::Kind::normal;
      p.prior.mean = number(body, "mean", at);
      p.prior.sd = number(body, "sd", at);
      if (!(p.prior.sd > 0)) problems_.add(body, at + ".sd", "expected sd > 0");
      if (truncated) {
        p.prior.low = number(body, "from", at);
        p.prior.high = number(body, "to", at);
        if (!(p.prior.low < p.prior.high)) problems_.add(body, at, "expected from < to");
      }
    }
    return p;
  }

  void observed(const YAML::Node& node, Calibration& c) {
    if (!node.IsMap()) {
      problems_.add(node, "observed", "expected a map from summary names to {value, sd}");
      return;
    }
    std::vector<std::string> names;
    for (const auto& s : c.summaries) names.push_back(s.name);
    for (const auto& kv : node) {
      const std::string name = kv.first.Scalar();
      if (std::find(names.begin(), names.end(), name) == names.end())
        problems_.add(kv.first, "observed." + name,
                      "no summary named '" + name + "' (the summaries are " + joined(names) + ")");
      problems_.reject_unknown_keys(kv.second, "observed." + name, {"value", "sd"});
    }
    for (const auto& s : c.summaries) {
      const YAML::Node v = node[s.name];
      if (!v || !v.IsMap()) {
        problems_.add(v ? v : node, "observed." + s.name, "missing the observed {value, sd} of summary " + s.name);
        c.observed.push_back({s.name, 0, 1});
        continue;
      }
      ObservedSummary o{s.name, number(v, "value", "observed." + s.name), number(v, "sd", "observed." + s.name)};
      if (!(o.scale > 0)) problems_.add(v, "observed." + s.name + ".sd", "expected sd > 0 (it scales the distance)");
      c.observed.push_back(o);
    }
  }

  ReferenceRuns reference(const YAML::Node& node) {
    ReferenceRuns r;
    problems_.reject_unknown_keys(node, "reference", {"set", "replicates", "master_seed"});
    const YAML::Node set = node["set"];
    if (!set || !set.IsMap()) {
      problems_.add(set ? set : node, "reference.set", "expected a map of parameter paths to the known values");
    } else {
      for (const auto& kv : set) {
        if (!kv.second.IsScalar())
          problems_.add(kv.second, "reference.set." + kv.first.Scalar(), "expected a single value");
        else
          r.overrides.push_back(kv.first.Scalar() + "=" + kv.second.Scalar());
      }
    }
    if (node["replicates"]) r.replicates = integer(node["replicates"], "reference.replicates", 2, 100'000);
    r.master_seed = master_seed(node);
    return r;
  }

  TargetSelection targets(const YAML::Node& node, const std::string& path) {
    TargetSelection t;
    t.where = problems_.at(node.Mark());
    if (!node.IsMap() || !node["file"]) {
      problems_.add(node, path, "expected {file: TARGETS.yaml, from: DATE, until: DATE} (from and until optional)");
      return t;
    }
    problems_.reject_unknown_keys(node, path, {"file", "from", "until"});
    const auto resolved = (std::filesystem::path(file_).parent_path() / node["file"].Scalar()).lexically_normal();
    t.file = resolved.string();
    if (!std::filesystem::is_regular_file(resolved))
      problems_.add(node["file"], path + ".file", "no targets file at " + t.file);
    for (const char* key : {"from", "until"}) {
      if (!node[key]) continue;
      const auto d = node[key].IsScalar() ? Date::parse_iso(node[key].Scalar()) : std::nullopt;
      if (!d) problems_.add(node[key], path + "." + key, "expected a date YYYY-MM-DD");
      (std::string(key) == "from" ? t.from : t.until) = d;
    }
    return t;
  }
};

std::vector<std::vector<double>> cholesky(std::vector<std::vector<double>> a) {
  const std::size_t n = a.size();
  std::vector<std::vector<double>> l(n, std::vector<double>(n, 0.0));
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j][j];
    for (std::size_t k = 0; k < j; ++k) d -= l[j][k] * l[j][k];
    if (!(d > 0)) throw std::runtime_error("the perturbation kernel's covariance is not positive definite");
    l[j][j] = std::sqrt(d);
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i][j];
      for (std::size_t k = 0; k < j; ++k) s -= l[i][k] * l[j][k];
      l[i][j] = s / l[j][j];
    }
  }
  return l;
}

// Beaumont et al. (2009): twice the previous population's weighted covariance. A parameter every
// particle shares gets a small spread of its own, so the kernel stays a density.
std::vector<std::vector<double>> kernel_cholesky(const Generation& g) {
  const std::size_t k = g.values.front().size();
  std::vector<double> mean(k, 0.0);
  for (std::size_t i = 0; i < g.values.size(); ++i)
    for (std::size_t a = 0; a < k; ++a) mean[a] += g.weights[i] * g.values[i][a];
  std::vector<std::vector<double>> cov(k, std::vector<double>(k, 0.0));
  for (std::size_t i = 0; i < g.values.size(); ++i)
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = 0; b < k; ++b)
        cov[a][b] += 2.0 * g.weights[i] * (g.values[i][a] - mean[a]) * (g.values[i][b] - mean[b]);
  for (std::size_t a = 0; a < k; ++a) {
    const double floor = 1e-8 * std::max(1.0, mean[a] * mean[a]);
    if (cov[a][a] < floor) {
      for (std::size_t b = 0; b < k; ++b) cov[a][b] = cov[b][a] = 0;
      cov[a][a] = floor;
    }
  }
  try {
    return cholesky(cov);
  } catch (const std::runtime_error&) {  // perfectly correlated parameters: keep the variances alone
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = 0; b < k; ++b)
        if (a != b) cov[a][b] = 0;
    return cholesky(cov);
  }
}

double prior_density(const std::vector<Prior>& priors, const std::vector<double>& x) {
  double d = 1;
  for (std::size_t a = 0; a < priors.size(); ++a) d *= priors[a].density(x[a]);
  return d;
}

}  // namespace

double Prior::density(double x) const {
  switch (kind) {
    case Kind::uniform:
    case Kind::declared_range:
      return x >= low && x <= high ? 1.0 / (high - low) : 0.0;
    case Kind::log_uniform:
      return x >= low && x <= high ? 1.0 / (x * std::log(high / low)) : 0.0;
    case Kind::normal:
      return standard_normal_density((x - mean) / sd) / sd;
    case Kind::truncated_normal: {
      if (x < low || x > high) return 0.0;
      const double mass = standard_normal_cdf((high - mean) / sd) - standard_normal_cdf((low - mean) / sd);
      return standard_normal_density((x - mean) / sd) / sd / mass;
    }
  }
  return 0;
}

double Prior::draw(double u1) const {
  switch (kind) {
    case Kind::uniform:
    case Kind::declared_range:
      return low + (high - low) * u1;
    case Kind::log_uniform:
      return std::exp(std::log(low) + (std::log(high) - std::log(low)) * u1);
    case Kind::normal:
      return mean + sd * standard_normal_quantile(u1);
    case Kind::truncated_normal: {
      const double a = standard_normal_cdf((low - mean) / sd), b = standard_normal_cdf((high - mean) / sd);
      return std::clamp(mean + sd * standard_normal_quantile(a + (b - a) * u1), low, high);
    }
  }
  return 0;
}

std::string to_string(Prior::Kind kind) {
  switch (kind) {
    case Prior::Kind::uniform:
      return "uniform";
    case Prior::Kind::log_uniform:
      return "log_uniform";
    case Prior::Kind::normal:
      return "normal";
    case Prior::Kind::truncated_normal:
      return "truncated_normal";
    case Prior::Kind::declared_range:
      return "declared_range";
  }
  return "?";
}

std::string Prior::describe() const {
  std::ostringstream s;
  s << (kind == Kind::declared_range ? "uniform" : to_string(kind)) << "(";
  if (kind == Kind::normal || kind == Kind::truncated_normal) s << "mean " << mean << ", sd " << sd;
  if (kind == Kind::truncated_normal) s << ", ";
  if (kind != Kind::normal) s << low << ", " << high;
  s << ")";
  return s.str();
}

double Generation::effective_sample_size() const {
  double sum = 0, squares = 0;
  for (double w : weights) {
    sum += w;
    squares += w * w;
  }
  return squares > 0 ? sum * sum / squares : 0;
}

Calibration load_calibration(const std::string& path) {
  return with_yaml_shape_errors(path, [&] { return CalibrationReader(path).read(); });
}

std::uint64_t calibration_run_seed(std::uint64_t master_seed, std::size_t generation, std::int64_t k, std::int64_t r) {
  RandomStream stream(master_seed, StreamOwner::world, static_cast<std::uint64_t>(k), generation,
                      Purpose::calibration_seed);
  for (std::int64_t skipped = 0; skipped < r; ++skipped) stream.next_u64();
  return stream.next_u64() >> 11;
}

std::uint64_t validation_run_seed(std::uint64_t master_seed, std::int64_t index) {
  RandomStream stream(master_seed, StreamOwner::world, static_cast<std::uint64_t>(index), 0,
                      Purpose::calibration_validation);
  return stream.next_u64() >> 11;
}

std::vector<double> abc_proposal(const std::vector<Prior>& priors, const Generation* previous,
                                 const std::vector<std::vector<double>>& kernel, std::uint64_t master_seed,
                                 std::size_t generation, std::int64_t k) {
  RandomStream stream(master_seed, StreamOwner::world, static_cast<std::uint64_t>(k), generation,
                      Purpose::abc_proposal);
  const std::size_t n = priors.size();
  std::vector<double> x(n);
  if (previous == nullptr) {
    for (std::size_t a = 0; a < n; ++a) {
      x[a] = priors[a].draw(draw_open_unit(stream));
      // A second uniform per parameter, no longer used: still drawn so that every proposal, and
      // so every posterior written before, stays the same.
      draw_open_unit(stream);
    }
    return x;
  }
  constexpr int kAttempts = 100'000;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    const std::size_t j = pick_by_weight(previous->weights, draw_open_unit(stream));
    std::vector<double> z(n);
    for (auto& v : z) v = standard_normal_quantile(draw_open_unit(stream));
    for (std::size_t a = 0; a < n; ++a) {
      x[a] = previous->values[j][a];
      for (std::size_t b = 0; b <= a; ++b) x[a] += kernel[a][b] * z[b];
    }
    if (prior_density(priors, x) > 0) return x;
  }
  throw std::runtime_error("ABC-SMC: the perturbation kernel left the prior's support " + std::to_string(kAttempts) +
                           " times in a row (a prior too narrow for the population?)");
}

AbcResult abc_smc(const std::vector<Prior>& priors, const AbcSettings& settings, const EvaluateBatch& evaluate,
                  const GenerationDone& done) {
  AbcResult result;
  auto& gens = result.generations;
  std::int64_t simulated_total = 0;
  const std::size_t n = settings.population;
  for (std::size_t g = 0; g < settings.generations; ++g) {
    Generation gen;
    const Generation* previous = gens.empty() ? nullptr : &gens.back();
    bool last = false;
    gen.tolerance = kInfinity;
    std::vector<std::vector<double>> kernel;
    if (previous) {
      gen.tolerance = quantile(previous->distances, settings.tolerance_quantile);
      if (settings.min_tolerance > 0 && gen.tolerance <= settings.min_tolerance) {
        gen.tolerance = settings.min_tolerance;
        last = true;
      }
      kernel = kernel_cholesky(*previous);
    }
    std::int64_t next = 0;
    bool out_of_budget = false;
    while (gen.values.size() < n) {
      // Enough proposals for the particles still missing at the last generation's acceptance rate;
      // the batch size changes only how many proposals are simulated, never which are kept.
      // A fifth more than expected, and never a tiny batch that leaves workers idle.
      const double rate = previous ? std::max(0.02, previous->acceptance_rate()) : 1.0;
      auto batch = static_cast<std::int64_t>(std::ceil(1.2 * static_cast<double>(n - gen.values.size()) / rate));
      batch = std::max(batch, static_cast<std::int64_t>((n + 7) / 8));
      batch = std::min(batch, settings.max_simulations - simulated_total);
      if (batch <= 0) {
        out_of_budget = true;
        break;
      }
      std::vector<std::vector<double>> proposals;
      for (std::int64_t i = 0; i < batch; ++i)
        proposals.push_back(abc_proposal(priors, previous, kernel, settings.master_seed, g, next + i));
      const auto distances = evaluate(g, next, proposals);
      simulated_total += batch;
      for (std::int64_t i = 0; i < batch && gen.values.size() < n; ++i) {
        ++gen.proposals;
        const double d = distances[static_cast<std::size_t>(i)];
        if (!std::isfinite(d)) {
          ++gen.failed;
          continue;
        }
        if (d <= gen.tolerance) {
          gen.values.push_back(proposals[static_cast<std::size_t>(i)]);
          gen.distances.push_back(d);
          gen.proposal.push_back(next + i);
        }
      }
      next += batch;
    }
    if (out_of_budget) {
      result.stopped = AbcStop::max_simulations;
      break;
    }
    // Importance weights: prior over the mixture of kernels the previous population proposes from.
    // The kernel's normalising constant is the same for every term and cancels.
    gen.weights.assign(n, 1.0);
    if (previous) {
      const std::size_t k = priors.size();
      for (std::size_t i = 0; i < n; ++i) {
        double mixture = 0;
        for (std::size_t j = 0; j < previous->values.size(); ++j) {
          // ‖L⁻¹(θᵢ − θⱼ)‖² by forward substitution
          std::vector<double> y(k);
          double q = 0;
          for (std::size_t a = 0; a < k; ++a) {
            double s = gen.values[i][a] - previous->values[j][a];
            for (std::size_t b = 0; b < a; ++b) s -= kernel[a][b] * y[b];
            y[a] = s / kernel[a][a];
            q += y[a] * y[a];
          }
          mixture += previous->weights[j] * std::exp(-0.5 * q);
        }
        gen.weights[i] = mixture > 0 ? prior_density(priors, gen.values[i]) / mixture : 0;
      }
    }
    const double total = std::accumulate(gen.weights.begin(), gen.weights.end(), 0.0);
    for (auto& w : gen.weights) w = total > 0 ? w / total : 1.0 / static_cast<double>(n);
    gens.push_back(std::move(gen));
    if (done) done(gens);
    if (last) {
      result.stopped = AbcStop::min_tolerance;
      break;
    }
  }
  return result;
}

double weighted_mean(const std::vector<double>& x, const std::vector<double>& w) {
  double s = 0, total = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    s += w[i] * x[i];
    total += w[i];
  }
  return total > 0 ? s / total : std::nan("");
}

double weighted_quantile(const std::vector<double>& x, const std::vector<double>& w, double q) {
  if (x.empty()) return std::nan("");
  std::vector<std::size_t> order(x.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  const double total = std::accumulate(w.begin(), w.end(), 0.0);
  double cumulative = 0;
  for (std::size_t i : order) {
    cumulative += w[i] / total;
    if (cumulative >= q) return x[i];
  }
  return x[order.back()];
}

}  // namespace confsim::sim
