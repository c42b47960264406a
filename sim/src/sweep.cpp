#include "confsim/sim/sweep.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "confsim/sim/distributions.hpp"
#include "confsim/sim/rng.hpp"
#include "confsim/sim/sensitivity.hpp"
#include "confsim/sim/input_files.hpp"
#include "confsim/sim/yaml_problems.hpp"
#include "yaml_reader.hpp"

namespace confsim::sim {
namespace {

constexpr std::int64_t kMaxRuns = 10'000'000;

class SweepReader : public YamlReader {
 public:
  explicit SweepReader(std::string file) : YamlReader(std::move(file)) {}

  Sweep read() { return read(read_input_file(file_, "sweep file")); }

  Sweep read(const std::string& text) {
    Sweep s;
    s.file = file_;
    s.text = text;
    const YAML::Node root = parse_input_yaml(s.text, file_);
    if (!root.IsMap())
      problems_.fail_now(root.Mark(), "", "expected a sweep: a map with scenario, parameters, replicates …");
    problems_.reject_unknown_keys(root, "",
                                  {"confsim_sweep", "name", "description", "scenario", "ticks", "design", "n",
                                   "replicates", "master_seed", "parameters", "summaries", "levels", "run_files"});
    s.name = text_of(root, "name", true);
    s.scenario = scenario_path(root);
    if (root["ticks"]) s.ticks = integer(root["ticks"], "ticks", 1, 10'000'000);
    const std::string design = root["design"] ? text_of(root, "design", false) : "grid";
    const std::vector<std::pair<std::string, Sweep::Design>> designs = {
        {"grid", Sweep::Design::grid},       {"latin_hypercube", Sweep::Design::latin_hypercube},
        {"sobol", Sweep::Design::sobol},     {"saltelli", Sweep::Design::saltelli},
        {"morris", Sweep::Design::morris}};
    const auto known = std::find_if(designs.begin(), designs.end(), [&](const auto& d) { return d.first == design; });
    if (known == designs.end()) {
      problems_.add(root["design"], "design",
                    "expected grid, latin_hypercube, sobol, saltelli or morris, found '" + design + "'");
    } else {
      s.design = known->second;
    }
    if (s.design == Sweep::Design::grid) {
      if (root["n"]) problems_.add(root["n"], "n", "n is the number of points of a latin_hypercube; a grid has none");
    } else if (!root["n"]) {
      const char* what = s.design == Sweep::Design::saltelli ? "its number of base rows (runs: n × (parameters + 2))"
                         : s.design == Sweep::Design::morris ? "its number of trajectories (runs: n × (parameters + 1))"
                                                             : "its number of points";
      problems_.add(root, "n", "a " + design + " design needs n, " + what);
    } else {
      s.points = integer(root["n"], "n", 1, kMaxRuns);
    }
    if (root["levels"]) {
      if (s.design != Sweep::Design::morris)
        problems_.add(root["levels"], "levels", "levels is the grid of a morris design; this design has none");
      s.levels = integer(root["levels"], "levels", 2, 1000);
      if (s.levels % 2 != 0) problems_.add(root["levels"], "levels", "expected an even number of levels (Morris' Δ)");
    }
    s.replicates = root["replicates"] ? integer(root["replicates"], "replicates", 1, kMaxRuns) : 1;
    s.master_seed = master_seed(root);
    s.keep_run_files = s.design != Sweep::Design::saltelli && s.design != Sweep::Design::morris;
    if (root["run_files"]) {
      const std::string keep = text_of(root, "run_files", false);
      if (keep == "keep" || keep == "discard")
        s.keep_run_files = keep == "keep";
      else
        problems_.add(root["run_files"], "run_files",
                      "expected keep (every run's file stays in runs/) or discard (only its summaries), found '" +
                          keep + "'");
    }
    const YAML::Node params = root["parameters"];
    if (!params || !params.IsMap() || params.size() == 0)
      problems_.add(params ? params : root, "parameters",
                    "expected a map of parameter paths to {values | range | uniform}");
    else
      for (const auto& kv : params) s.parameters.push_back(parameter(kv.first, kv.second, s.design));
    s.summaries = summaries(root["summaries"]);
    if (!s.keep_run_files && s.summaries.empty())
      problems_.add(root, "summaries", "run_files: discard keeps only the summaries, and this sweep has none");
    const bool sensitivity = s.design == Sweep::Design::saltelli || s.design == Sweep::Design::morris;
    for (const auto& p : s.parameters)
      if (sensitivity && p.kind != SweepParameter::Kind::uniform)
        problems_.add(root["parameters"][p.path], "parameters." + p.path,
                      "a " + design + " design varies each parameter over an interval: use {uniform: {from, to}}");
    if (s.design == Sweep::Design::saltelli && s.parameters.size() > kSaltelliMaxParameters)
      problems_.add(root["parameters"], "parameters",
                    "a saltelli design takes at most " + std::to_string(kSaltelliMaxParameters) + " parameters");
    if (s.design == Sweep::Design::sobol && s.parameters.size() > max_sobol_dimensions())
      problems_.add(root["parameters"], "parameters",
                    "a sobol design takes at most " + std::to_string(max_sobol_dimensions()) + " parameters");
    std::int64_t runs = s.design == Sweep::Design::grid       ? 1
                        : s.design == Sweep::Design::saltelli ? s.points * static_cast<std::int64_t>(s.parameters.size() + 2)
                        : s.design == Sweep::Design::morris   ? s.points * static_cast<std::int64_t>(s.parameters.size() + 1)
                                                              : s.points;
    if (s.design == Sweep::Design::grid)
      for (const auto& p : s.parameters)
        runs *= std::max<std::int64_t>(
            1, p.kind == SweepParameter::Kind::range ? p.steps : static_cast<std::int64_t>(p.values.size()));
    if (runs * s.replicates > kMaxRuns)
      problems_.add(root, "",
                    "the sweep has " + std::to_string(runs * s.replicates) + " runs; at most " +
                        std::to_string(kMaxRuns) + " are supported");
    problems_.throw_if_any();
    return s;
  }

 private:
  SweepParameter parameter(const YAML::Node& key, const YAML::Node& spec, Sweep::Design design) {
    SweepParameter p;
    p.path = key.Scalar();
    p.where = problems_.at(key.Mark());
    const std::string path = "parameters." + p.path;
    if (!spec.IsMap() || spec.size() != 1) {
      problems_.add(spec, path, "expected one of {values: [...]}, {range: {from, to, steps}}, {uniform: {from, to}}");
      return p;
    }
    problems_.reject_unknown_keys(spec, path, {"values", "range", "uniform"});
    if (const YAML::Node values = spec["values"]) {
      p.kind = SweepParameter::Kind::values;
      if (!values.IsSequence() || values.size() == 0)
        problems_.add(values, path + ".values", "expected a non-empty list");
      else
        for (const auto& v : values) {
          if (!v.IsScalar())
            problems_.add(v, path + ".values", "expected a list of single values");
          else
            p.values.push_back(v.Scalar());
        }
    } else if (const YAML::Node range = spec["range"]) {
      p.kind = SweepParameter::Kind::range;
      problems_.reject_unknown_keys(range, path + ".range", {"from", "to", "steps"});
      if (!range["from"] || !range["to"] || !range["steps"]) {
        problems_.add(range, path + ".range", "expected from, to and steps");
      } else {
        p.from = real(range["from"], path + ".range.from");
        p.to = real(range["to"], path + ".range.to");
        p.steps = integer(range["steps"], path + ".range.steps", 1, kMaxRuns);
        if (p.steps == 1 && p.from != p.to)
          problems_.add(range["steps"], path + ".range.steps", "one step cannot span from ≠ to; use steps ≥ 2");
      }
    } else if (const YAML::Node uniform = spec["uniform"]) {
      p.kind = SweepParameter::Kind::uniform;
      problems_.reject_unknown_keys(uniform, path + ".uniform", {"from", "to"});
      if (!uniform["from"] || !uniform["to"]) {
        problems_.add(uniform, path + ".uniform", "expected from and to");
      } else {
        p.from = real(uniform["from"], path + ".uniform.from");
        p.to = real(uniform["to"], path + ".uniform.to");
        if (!(p.from < p.to)) problems_.add(uniform, path + ".uniform", "expected from < to");
      }
      if (design == Sweep::Design::grid)
        problems_.add(uniform, path + ".uniform",
                      "a grid needs countable values: use values or range, or another design");
    }
    return p;
  }

};

std::string number_text(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

// The value of parameter p at coordinate u in [0, 1) (Latin hypercube) or at index k (grid).
std::string value_at(const SweepParameter& p, double u) {
  switch (p.kind) {
    case SweepParameter::Kind::values:
      return p
          .values[std::min(p.values.size() - 1, static_cast<std::size_t>(u * static_cast<double>(p.values.size())))];
    case SweepParameter::Kind::range: {
      const auto k = std::min<std::int64_t>(p.steps - 1, static_cast<std::int64_t>(u * static_cast<double>(p.steps)));
      return number_text(
          p.steps == 1 ? p.from : p.from + (p.to - p.from) * static_cast<double>(k) / static_cast<double>(p.steps - 1));
    }
    case SweepParameter::Kind::uniform: {
      const double x = p.from + (p.to - p.from) * u;
      return number_text(p.whole ? std::round(x) : x);
    }
  }
  return "";
}

std::int64_t count_of(const SweepParameter& p) {
  return p.kind == SweepParameter::Kind::range ? p.steps : static_cast<std::int64_t>(p.values.size());
}

// Sobol direction numbers of Joe and Kuo (new-joe-kuo-6.21201) for dimensions 2 … 16:
// the degree s and coefficients a of each primitive polynomial, and its initial m_1 … m_s.
struct SobolDimension {
  unsigned s, a;
  std::vector<std::uint32_t> m;
};
const std::vector<SobolDimension>& sobol_table() {
  static const std::vector<SobolDimension> table = {{1, 0, {1}},
                                                    {2, 1, {1, 3}},
                                                    {3, 1, {1, 3, 1}},
                                                    {3, 2, {1, 1, 1}},
                                                    {4, 1, {1, 1, 3, 3}},
                                                    {4, 4, {1, 3, 5, 13}},
                                                    {5, 2, {1, 1, 5, 5, 17}},
                                                    {5, 4, {1, 1, 5, 5, 5}},
                                                    {5, 7, {1, 1, 7, 11, 19}},
                                                    {5, 11, {1, 1, 5, 1, 1}},
                                                    {5, 13, {1, 1, 1, 3, 11}},
                                                    {5, 14, {1, 3, 5, 5, 31}},
                                                    {6, 1, {1, 3, 3, 9, 7, 49}},
                                                    {6, 13, {1, 1, 1, 15, 21, 21}},
                                                    {6, 16, {1, 3, 1, 13, 27, 49}}};
  return table;
}

}  // namespace

std::size_t max_sobol_dimensions() { return sobol_table().size() + 1; }

std::vector<std::vector<double>> sobol_points(std::size_t n, std::size_t dims) {
  constexpr unsigned kBits = 32;
  if (dims > max_sobol_dimensions()) throw std::invalid_argument("Sobol points are available for up to 16 dimensions");
  if (n > (std::size_t{1} << kBits)) throw std::invalid_argument("too many Sobol points");
  std::vector<std::vector<std::uint32_t>> v(dims, std::vector<std::uint32_t>(kBits + 1));
  for (unsigned k = 1; k <= kBits; ++k) v[0][k] = std::uint32_t{1} << (kBits - k);
  for (std::size_t j = 1; j < dims; ++j) {
    const auto& d = sobol_table()[j - 1];
    for (unsigned k = 1; k <= kBits; ++k) {
      if (k <= d.s) {
        v[j][k] = d.m[k - 1] << (kBits - k);
      } else {
        std::uint32_t x = v[j][k - d.s] ^ (v[j][k - d.s] >> d.s);
        for (unsigned i = 1; i < d.s; ++i)
          if ((d.a >> (d.s - 1 - i)) & 1u) x ^= v[j][k - i];
        v[j][k] = x;
      }
    }
  }
  // Gray-code order: point i differs from point i − 1 by the direction of i − 1's lowest zero bit.
  std::vector<std::vector<double>> points(n, std::vector<double>(dims, 0.0));
  std::vector<std::uint32_t> x(dims, 0);
  for (std::size_t i = 1; i < n; ++i) {
    unsigned c = 1;
    for (std::size_t value = i - 1; value & 1u; value >>= 1) ++c;
    for (std::size_t j = 0; j < dims; ++j) {
      x[j] ^= v[j][c];
      points[i][j] = static_cast<double>(x[j]) / 4294967296.0;
    }
  }
  return points;
}

Sweep load_sweep(const std::string& path) {
  return with_yaml_shape_errors(path, [&] { return SweepReader(path).read(); });
}
Sweep load_sweep_text(const std::string& text, const std::string& path) {
  return with_yaml_shape_errors(path, [&] { return SweepReader(path).read(text); });
}

std::string to_string(Sweep::Design design) {
  switch (design) {
    case Sweep::Design::grid:
      return "grid";
    case Sweep::Design::latin_hypercube:
      return "latin_hypercube";
    case Sweep::Design::sobol:
      return "sobol";
    case Sweep::Design::saltelli:
      return "saltelli";
    case Sweep::Design::morris:
      return "morris";
  }
  return "?";
}

std::uint64_t sweep_run_seed(std::uint64_t master_seed, std::int64_t index) {
  RandomStream stream(master_seed, StreamOwner::world, static_cast<std::uint64_t>(index), 0, Purpose::sweep_seed);
  return stream.next_u64() >> 11;  // 53 bits: a seed any scenario file or JSON reader holds exactly
}

std::vector<SweepRun> expand_sweep(const Sweep& sweep) {
  // Each design point as one coordinate per parameter (grid: the value's index; LHS: u in [0, 1)).
  std::vector<std::vector<std::string>> points;
  if (sweep.design == Sweep::Design::grid) {
    std::int64_t total = 1;
    for (const auto& p : sweep.parameters) total *= count_of(p);
    for (std::int64_t i = 0; i < total; ++i) {
      std::vector<std::string> values;
      std::int64_t rest = i;
      std::vector<std::int64_t> index(sweep.parameters.size());
      for (std::size_t j = sweep.parameters.size(); j-- > 0;) {  // the last parameter varies fastest
        index[j] = rest % count_of(sweep.parameters[j]);
        rest /= count_of(sweep.parameters[j]);
      }
      for (std::size_t j = 0; j < sweep.parameters.size(); ++j) {
        const auto& p = sweep.parameters[j];
        values.push_back(value_at(p, (static_cast<double>(index[j]) + 0.5) / static_cast<double>(count_of(p))));
      }
      points.push_back(std::move(values));
    }
  } else if (sweep.design == Sweep::Design::saltelli || sweep.design == Sweep::Design::morris) {
    const auto k = sweep.parameters.size();
    const auto n = static_cast<std::size_t>(sweep.points);
    const auto unit = sweep.design == Sweep::Design::saltelli
                          ? saltelli_design(n, k).points
                          : morris_design(n, k, static_cast<std::size_t>(sweep.levels), sweep.master_seed).points;
    for (const auto& u : unit) {
      std::vector<std::string> values;
      for (std::size_t j = 0; j < k; ++j) values.push_back(value_at(sweep.parameters[j], u[j]));
      points.push_back(std::move(values));
    }
  } else if (sweep.design == Sweep::Design::sobol) {
    for (const auto& u : sobol_points(static_cast<std::size_t>(sweep.points), sweep.parameters.size())) {
      std::vector<std::string> values;
      for (std::size_t j = 0; j < sweep.parameters.size(); ++j) values.push_back(value_at(sweep.parameters[j], u[j]));
      points.push_back(std::move(values));
    }
  } else {
    const auto n = static_cast<std::size_t>(sweep.points);
    points.assign(n, {});
    for (std::size_t j = 0; j < sweep.parameters.size(); ++j) {
      RandomStream draw(sweep.master_seed, StreamOwner::world, j, 0, Purpose::sweep_design);
      std::vector<std::size_t> stratum(n);
      std::iota(stratum.begin(), stratum.end(), std::size_t{0});
      for (std::size_t i = 0; i + 1 < n; ++i)
        std::swap(stratum[i], stratum[static_cast<std::size_t>(
                                  draw_integer(draw, static_cast<std::int64_t>(i), static_cast<std::int64_t>(n) - 1))]);
      for (std::size_t i = 0; i < n; ++i) {
        const double within = draw_uniform(draw, 0.0, 1.0, "a Latin hypercube coordinate");
        const double u = (static_cast<double>(stratum[i]) + within) / static_cast<double>(n);
        points[i].push_back(value_at(sweep.parameters[j], u));
      }
    }
  }
  std::vector<SweepRun> runs;
  for (std::size_t point = 0; point < points.size(); ++point)
    for (std::int64_t r = 0; r < sweep.replicates; ++r) {
      SweepRun run;
      run.index = static_cast<std::int64_t>(runs.size());
      run.point = static_cast<std::int64_t>(point);
      run.replicate = r;
      // A Morris trajectory's points share their seeds (common random numbers): an elementary effect
      // is then the change one parameter makes, not that plus the difference of two seeds' noise.
      const auto seed_index = sweep.design == Sweep::Design::morris
                                  ? static_cast<std::int64_t>(point / (sweep.parameters.size() + 1)) * sweep.replicates + r
                                  : run.index;
      run.seed = sweep_run_seed(sweep.master_seed, seed_index);
      run.values = points[point];
      for (std::size_t j = 0; j < sweep.parameters.size(); ++j)
        run.overrides.push_back(sweep.parameters[j].path + "=" + points[point][j]);
      runs.push_back(std::move(run));
    }
  return runs;
}

}  // namespace confsim::sim
