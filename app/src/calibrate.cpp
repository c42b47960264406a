// confsim calibrate: ABC-SMC over a base scenario. Every simulation is a sweep run (its summaries
// kept in DIR/generation_GGG/runs/), made by this machine's threads or by every MPI rank; every
// process runs the same deterministic sampler over the same records, so a calibration killed at any
// moment and started again recomputes what it had and writes the same posterior, byte for byte.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "confsim/output/manifest.hpp"
#include "confsim/output/study_files.hpp"
#include "confsim/output/targets.hpp"
#include "confsim/sim/distributions.hpp"
#include "confsim/sim/calibration.hpp"
#include "confsim/sim/rng.hpp"
#include "confsim/sim/scenario.hpp"
#include "confsim/sim/statistics.hpp"
#include "run.hpp"
#include "studies.hpp"

namespace confsim::app {
namespace {

namespace fs = std::filesystem;

// Thrown on the processes that follow the leader when the leader failed; it reports the error.
struct FollowerStopped {};

const char* const kCalibrationCopy = "calibration.yaml";

std::string number_text(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", v);
  return text;
}

std::string short_number(double v) {
  std::ostringstream s;
  s << std::setprecision(4) << v;
  return s.str();
}

// One term of the distance: how far a particle's mean is from what was observed, in units of the
// observation's uncertainty. A target's range gives its centre and half-width; a one-sided one
// counts only the shortfall.
struct FitTerm {
  std::string name;
  double value = 0, scale = 1;
  enum class Side { both, at_least, at_most } side = Side::both;
  double term(double simulated) const {
    switch (side) {
      case Side::both:
        return (simulated - value) / scale;
      case Side::at_least:
        return std::max(0.0, value - simulated) / scale;
      case Side::at_most:
        return std::max(0.0, simulated - value) / scale;
    }
    return 0;
  }
};

FitTerm term_of(const output::Target& t) {
  FitTerm f;
  f.name = "target " + t.name;
  if (std::isfinite(t.low) && std::isfinite(t.high)) {
    f.value = (t.low + t.high) / 2;
    f.scale = t.high > t.low ? (t.high - t.low) / 2 : std::max(1.0, std::abs(f.value) * 0.05);
  } else if (std::isfinite(t.low)) {
    f.side = FitTerm::Side::at_least;
    f.value = t.low;
    f.scale = std::max(1.0, std::abs(t.low));
  } else {
    f.side = FitTerm::Side::at_most;
    f.value = t.high;
    f.scale = std::max(1.0, std::abs(t.high));
  }
  return f;
}

// The days a target looks at: its event window, or the day it reads a series.
std::pair<std::optional<sim::Date>, std::optional<sim::Date>> window_of(const output::Target& t) {
  if (t.events) return {t.events->from, t.events->to};
  return {t.at, t.at};
}

// The targets of a file that can inform parameters, inside the selection's dates.
std::vector<output::Target> select_targets(const sim::TargetSelection& selection) {
  std::vector<output::Target> out;
  for (auto& t : output::load_targets(selection.file)) {
    if (t.report_only || t.by_construction || t.observed) continue;
    const auto [from, to] = window_of(t);
    if (selection.until && (!to || *to > *selection.until)) continue;
    if (selection.from && (!from || *from < *selection.from)) continue;
    out.push_back(std::move(t));
  }
  if (out.empty())
    throw sim::InputError({{selection.where, "targets",
                            "no target of " + selection.file +
                                " can be fitted in these dates (report-only, by-construction and observed-file "
                                "targets are left out)"}});
  return out;
}

// Makes DIR for a calibration (with the file as given, DIR/calibration.yaml), or checks that DIR
// was made with this very file; true when it was (a resume).
bool prepare_calibration_directory(const CalibrateRequest& request, const std::string& text) {
  const fs::path dir(request.directory), copy = dir / kCalibrationCopy;
  std::error_code error;
  if (fs::exists(copy, error)) {
    if (read_text_file(copy.string()) != text)
      throw sim::InputError({{{request.calibration_path, 0, 0, ""},
                              "",
                              "the calibration file has changed since " + request.directory +
                                  " was made with it; use a new output directory, or restore the file"}});
    return true;
  }
  if (fs::exists(dir, error) && !fs::is_empty(dir, error))
    throw sim::InputError({{{request.directory, 0, 0, ""},
                            "",
                            "the output directory exists, is not empty and holds no calibration.yaml"}});
  fs::create_directories(dir);
  write_text_file_atomically(copy.string(), text);
  return false;
}

class Calibrator {
 public:
  Calibrator(const CalibrateRequest& request, RunExecutor& executor)
      : request_(request), executor_(executor), leader_(executor.leader()) {}

  int run() {
    cal_ = sim::load_calibration(request_.calibration_path);
    resolve_priors();
    prepare_directory();
    set_up_fit();
    sim::AbcSettings settings;
    settings.population = static_cast<std::size_t>(cal_.population);
    settings.generations = static_cast<std::size_t>(cal_.generations);
    settings.tolerance_quantile = cal_.tolerance_quantile;
    settings.min_tolerance = cal_.min_tolerance;
    settings.max_simulations = cal_.max_simulations;
    settings.master_seed = cal_.master_seed;
    if (leader_)
      std::cerr << "calibrate: " << cal_.parameters.size() << " parameters, " << terms_.size() << " summaries, "
                << cal_.population << " particles × " << cal_.replicates << " replicates, up to " << cal_.generations
                << " generations, on " << executor_.describe() << "\n";
    evaluated_.clear();
    const auto result = sim::abc_smc(
        priors_, settings,
        [&](std::size_t g, std::int64_t first, const std::vector<std::vector<double>>& thetas) {
          return evaluate(g, first, thetas);
        },
        [&](const std::vector<sim::Generation>& gens) { write_posterior(gens, "running"); });
    if (result.generations.empty())
      throw std::runtime_error("max_simulations (" + std::to_string(cal_.max_simulations) +
                               ") was reached before the first generation filled");
    const std::string stopped = result.stopped == sim::AbcStop::generations       ? "generations"
                                : result.stopped == sim::AbcStop::min_tolerance   ? "min_tolerance"
                                                                                  : "max_simulations";
    write_posterior(result.generations, stopped);
    write_posterior_mean(result.generations.back());
    validate(result.generations.back());
    leader_does([&] { report(result.generations, stopped); });
    return kExitOk;
  }

 private:
  const CalibrateRequest& request_;
  RunExecutor& executor_;
  bool leader_;
  sim::Calibration cal_;
  sim::ScenarioPtr base_;
  std::vector<sim::Prior> priors_;
  std::vector<FitTerm> terms_;
  std::vector<output::Target> fit_targets_, validation_targets_;
  std::vector<std::string> record_names_;
  std::map<std::pair<std::size_t, std::int64_t>, std::vector<double>> evaluated_;  // (g, k) → mean summaries
  std::int64_t runs_made_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();

  fs::path dir() const { return fs::path(request_.directory); }

  // Work only the leader does (files every process shares), then a collective check: if it failed,
  // the leader rethrows its error and the other processes stop quietly.
  void leader_does(const std::function<void()>& work) {
    std::exception_ptr failure;
    if (leader_) try {
        work();
      } catch (...) {
        failure = std::current_exception();
      }
    if (!executor_.all_succeeded(!failure)) {
      if (failure) std::rethrow_exception(failure);
      throw FollowerStopped{};
    }
  }

  sim::InputError at(const sim::SourceLocation& where, const std::string& path, const std::string& message) const {
    return sim::InputError({{where, path, message}});
  }

  void resolve_priors() {
    base_ = load(cal_.scenario, {}, cal_.ticks);
    std::vector<std::string> midpoints;
    for (auto& p : cal_.parameters) {
      const sim::Parameter* parameter = nullptr;
      try {
        parameter = &base_->parameter(p.path);
      } catch (const std::out_of_range&) {
        throw at(p.where, "parameters." + p.path, "the scenario " + cal_.scenario + " has no parameter " + p.path);
      }
      const sim::ParamSpec& spec = *parameter->spec;
      if (spec.type != sim::ValueType::real)
        throw at(p.where, "parameters." + p.path,
                 "calibration fits real numbers; " + p.path + " is " + sim::describe_type(spec));
      auto& prior = p.prior;
      const bool bounded = std::isfinite(spec.min) && std::isfinite(spec.max);
      if (prior.kind == sim::Prior::Kind::declared_range) {
        if (!bounded)
          throw at(p.where, "parameters." + p.path,
                   p.path + " declares no finite range (" + sim::describe_range(spec) +
                       "): give a prior, e.g. {uniform: {from, to}}");
        prior.low = spec.min;
        prior.high = spec.max;
      } else if (prior.kind == sim::Prior::Kind::normal && (std::isfinite(spec.min) || std::isfinite(spec.max))) {
        // A normal prior is cut to the values the parameter can take.
        prior.kind = sim::Prior::Kind::truncated_normal;
        prior.low = spec.min;
        prior.high = spec.max;
      } else if (prior.low < spec.min || prior.high > spec.max) {
        throw at(p.where, "parameters." + p.path,
                 "the prior " + prior.describe() + " reaches outside the parameter's range " +
                     sim::describe_range(spec));
      }
      priors_.push_back(prior);
      const double mid = std::isfinite(prior.low) && std::isfinite(prior.high) ? (prior.low + prior.high) / 2
                                                                               : prior.mean;
      midpoints.push_back(p.path + "=" + number_text(mid));
    }
    load(cal_.scenario, midpoints, cal_.ticks);  // the prior's middle must make a valid scenario
  }

  void prepare_directory() {
    leader_does([&] {
      if (prepare_calibration_directory(request_, cal_.text))
        std::cerr << "calibrate: " << request_.directory << " holds this calibration; its runs are kept\n";
    });
  }

  sim::Sweep sweep_of() const {
    sim::Sweep s;
    s.file = cal_.file;
    s.name = cal_.name;
    s.scenario = cal_.scenario;
    s.ticks = cal_.ticks;
    s.summaries = cal_.summaries;
    s.keep_run_files = cal_.keep_run_files;
    return s;
  }

  SweepPlan plan_in(const fs::path& folder, std::vector<sim::SweepRun> runs) {
    SweepPlan plan;
    plan.sweep = sweep_of();
    plan.runs = std::move(runs);
    plan.directory = folder.string();
    plan.show_progress = false;
    plan.record_failures = !cal_.keep_run_files;
    plan.record_names = record_names_;
    std::vector<output::Target> all = fit_targets_;
    all.insert(all.end(), validation_targets_.begin(), validation_targets_.end());
    const auto summaries = cal_.summaries;
    plan.summarise = [summaries, all](const std::string& file) {
      auto values = output::summarise_run(file, summaries);
      if (!all.empty())
        for (const auto& r : output::score_runs(all, {file}))
          values.push_back(r.per_run.empty() ? std::nan("") : r.per_run.front());
      return values;
    };
    leader_does([&] {
      fs::create_directories(folder / "runs");
      if (!request_.under_mpi) remove_stale_temporaries((folder / "runs").string());
    });
    return plan;
  }

  // Runs a plan (skipping finished runs) and returns each run's numbers.
  std::vector<std::vector<double>> run_plan(const SweepPlan& plan) {
    const SweepOutcome outcome = executor_.run(plan);
    if (outcome.stopped_by) throw Interrupted(outcome.stopped_by);
    runs_made_ += static_cast<std::int64_t>(outcome.ran);
    std::vector<std::vector<double>> out;
    for (const auto& run : plan.runs) {
      double wall = 0;
      out.push_back(run_summaries(plan, run, wall));
    }
    return out;
  }

  std::vector<sim::SweepRun> runs_for(const std::vector<std::string>& overrides, std::int64_t first_index,
                                      std::int64_t replicates, const std::function<std::uint64_t(std::int64_t)>& seed) {
    std::vector<sim::SweepRun> runs;
    for (std::int64_t r = 0; r < replicates; ++r) {
      sim::SweepRun run;
      run.index = first_index + r;
      run.point = first_index / std::max<std::int64_t>(1, replicates);
      run.replicate = r;
      run.seed = seed(r);
      run.overrides = overrides;
      for (const auto& o : overrides) run.values.push_back(o.substr(o.find('=') + 1));
      runs.push_back(std::move(run));
    }
    return runs;
  }

  void set_up_fit() {
    for (const auto& s : cal_.summaries) record_names_.push_back(s.name);
    if (cal_.fit) fit_targets_ = select_targets(*cal_.fit);
    if (cal_.validation) validation_targets_ = select_targets(*cal_.validation);
    for (const auto& t : fit_targets_) record_names_.push_back("target " + t.name);
    for (const auto& t : validation_targets_) record_names_.push_back("validation " + t.name);
    if (!cal_.observed.empty()) {
      for (const auto& o : cal_.observed) terms_.push_back({o.name, o.value, o.scale, FitTerm::Side::both});
    } else if (cal_.reference) {
      const auto& ref = *cal_.reference;
      auto plan = plan_in(dir() / "reference", runs_for(ref.overrides, 0, ref.replicates, [&](std::int64_t r) {
                            return sim::sweep_run_seed(ref.master_seed, r);
                          }));
      if (leader_)
        std::cerr << "calibrate: " << ref.replicates << " reference runs at the known values (" << [&] {
          std::string s;
          for (const auto& o : ref.overrides) s += (s.empty() ? "" : ", ") + o;
          return s;
        }() << ")\n";
      const auto values = run_plan(plan);
      for (std::size_t i = 0; i < cal_.summaries.size(); ++i) {
        std::vector<double> x;
        for (const auto& v : values) x.push_back(v[i]);
        double mean = 0, squares = 0;
        for (double v : x) mean += v / static_cast<double>(x.size());
        for (double v : x) squares += (v - mean) * (v - mean);
        double sd = std::sqrt(squares / static_cast<double>(x.size() - 1));
        if (!std::isfinite(mean))
          throw std::runtime_error("the reference runs' summary " + cal_.summaries[i].name + " is not finite");
        // A summary the seed does not move gets a scale of 1% of its value, so the distance stays defined.
        if (!(sd > 0)) sd = std::max(1e-9, 0.01 * std::abs(mean));
        terms_.push_back({cal_.summaries[i].name, mean, sd, FitTerm::Side::both});
      }
    }
    for (const auto& t : fit_targets_) terms_.push_back(term_of(t));
  }

  // The particle's numbers in the order of terms_ (a run's record starts with the summaries, then
  // the fitted targets), each the mean over its replicate runs.
  std::vector<double> fitted_means(const std::vector<std::vector<double>>& replicate_values) const {
    std::vector<double> means(terms_.size(), 0.0);
    for (std::size_t j = 0; j < terms_.size(); ++j)
      for (const auto& v : replicate_values) means[j] += v[j] / static_cast<double>(replicate_values.size());
    return means;
  }

  double distance(const std::vector<double>& means) const {
    double sum = 0;
    for (std::size_t j = 0; j < terms_.size(); ++j) {
      const double t = terms_[j].term(means[j]);
      if (!std::isfinite(t)) return std::nan("");
      sum += t * t;
    }
    return std::sqrt(sum / static_cast<double>(terms_.size()));
  }

  std::vector<std::string> overrides_of(const std::vector<double>& theta) const {
    std::vector<std::string> out;
    for (std::size_t a = 0; a < theta.size(); ++a) out.push_back(cal_.parameters[a].path + "=" + number_text(theta[a]));
    return out;
  }

  std::vector<double> evaluate(std::size_t g, std::int64_t first, const std::vector<std::vector<double>>& thetas) {
    char name[32];
    std::snprintf(name, sizeof name, "generation_%03zu", g);
    std::vector<sim::SweepRun> runs;
    const std::int64_t R = cal_.replicates;
    for (std::size_t i = 0; i < thetas.size(); ++i) {
      const std::int64_t k = first + static_cast<std::int64_t>(i);
      auto more = runs_for(overrides_of(thetas[i]), k * R, R,
                           [&](std::int64_t r) { return sim::calibration_run_seed(cal_.master_seed, g, k, r); });
      runs.insert(runs.end(), more.begin(), more.end());
    }
    const auto values = run_plan(plan_in(dir() / name, std::move(runs)));
    std::vector<double> distances;
    for (std::size_t i = 0; i < thetas.size(); ++i) {
      const std::vector<std::vector<double>> replicate_values(values.begin() + static_cast<std::ptrdiff_t>(i * R),
                                                              values.begin() + static_cast<std::ptrdiff_t>((i + 1) * R));
      const auto means = fitted_means(replicate_values);
      evaluated_[{g, first + static_cast<std::int64_t>(i)}] = means;
      distances.push_back(distance(means));
    }
    if (leader_) progress(g, first + static_cast<std::int64_t>(thetas.size()));
    return distances;
  }

  void progress(std::size_t g, std::int64_t proposals) const {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    std::cerr << "calibrate: generation " << g + 1 << "/" << cal_.generations << ": " << proposals
              << " proposals simulated; " << runs_made_ << " runs in " << std::fixed << std::setprecision(0) << elapsed
              << " s (" << std::setprecision(1) << static_cast<double>(runs_made_) / std::max(elapsed, 1e-9)
              << " runs/s)\n"
              << std::defaultfloat;
  }

  void write_posterior(const std::vector<sim::Generation>& gens, const std::string& stopped) {
    leader_does([&] {
      output::PosteriorTable t;
      for (const auto& p : cal_.parameters) t.parameters.push_back(p.path);
      t.priors = priors_;
      for (const auto& term : terms_) {
        t.summaries.push_back(term.name);
        t.observed.push_back(term.value);
        t.scales.push_back(term.scale);
      }
      t.generations = gens;
      for (std::size_t g = 0; g < gens.size(); ++g) {
        std::vector<std::vector<double>> rows;
        for (const auto k : gens[g].proposal) rows.push_back(evaluated_.at({g, k}));
        t.particle_summaries.push_back(std::move(rows));
      }
      t.calibration_file = cal_.file;
      t.calibration_text = cal_.text;
      t.scenario_file = cal_.scenario;
      t.stopped = stopped;
      t.version = version();
      t.master_seed = cal_.master_seed;
      t.replicates = cal_.replicates;
      output::write_posterior((dir() / "posterior.h5").string(), t);
      const auto& last = gens.back();
      std::cerr << "calibrate: generation " << gens.size() << " done: tolerance " << short_number(last.tolerance)
                << ", acceptance " << short_number(last.acceptance_rate()) << " (" << last.proposals
                << " proposals, " << last.failed << " failed), effective sample size "
                << short_number(last.effective_sample_size()) << "\n";
    });
  }

  // The posterior's weighted mean and 90% interval of each parameter.
  struct Marginal {
    double mean, low, high;
  };
  std::vector<Marginal> marginals(const sim::Generation& g) const {
    std::vector<Marginal> out;
    for (std::size_t a = 0; a < cal_.parameters.size(); ++a) {
      std::vector<double> x;
      for (const auto& v : g.values) x.push_back(v[a]);
      out.push_back({sim::weighted_mean(x, g.weights), sim::weighted_quantile(x, g.weights, 0.05),
                     sim::weighted_quantile(x, g.weights, 0.95)});
    }
    return out;
  }

  // A scenario extending the base with each calibrated parameter at its posterior mean.
  void write_posterior_mean(const sim::Generation& g) {
    leader_does([&] { write_posterior_mean_file(g); });
  }

  void write_posterior_mean_file(const sim::Generation& g) {
    const auto m = marginals(g);
    std::ostringstream y;
    const std::string by = fs::path(cal_.file).filename().string();
    y << "# The posterior mean of the calibration " << by << " (confsim " << version() << "),\n"
      << "# over its base scenario. Made by confsim calibrate; the posterior itself is posterior.h5.\n"
      << "confsim: 1\n"
      << "extends: " << fs::relative(fs::absolute(cal_.scenario), fs::absolute(dir())).string() << "\n"
      << "name: " << base_->name() << "-posterior-mean\n"
      << "description: " << base_->name() << " with the posterior means of " << by << "\n";
    // Paths become nested maps, in the calibration's order.
    std::vector<std::string> open;
    for (std::size_t a = 0; a < cal_.parameters.size(); ++a) {
      std::vector<std::string> parts;
      std::stringstream path(cal_.parameters[a].path);
      for (std::string part; std::getline(path, part, '.');) parts.push_back(part);
      std::size_t same = 0;
      while (same < open.size() && same + 1 < parts.size() && open[same] == parts[same]) ++same;
      open.resize(same);
      for (std::size_t d = same; d + 1 < parts.size(); ++d) {
        y << std::string(2 * d, ' ') << parts[d] << ":\n";
        open.push_back(parts[d]);
      }
      y << std::string(2 * (parts.size() - 1), ' ') << parts.back() << ": {value: " << number_text(m[a].mean)
        << ", calibrated: {by: " << by << ", mean: " << short_number(m[a].mean) << ", interval: ["
        << short_number(m[a].low) << ", " << short_number(m[a].high) << "]}}\n";
    }
    write_text_file_atomically((dir() / "posterior_mean.yaml").string(), y.str());
  }

  // Posterior predictive runs, with seeds from a purpose the fit never draws from: every summary and
  // fitted target, and the validation targets the fit never saw.
  void validate(const sim::Generation& g) {
    const std::int64_t draws = cal_.validation_draws;
    std::vector<sim::SweepRun> runs;
    for (std::int64_t m = 0; m < draws; ++m) {
      sim::RandomStream stream(cal_.master_seed, sim::StreamOwner::world, static_cast<std::uint64_t>(m), 1,
                               sim::Purpose::calibration_validation);
      const std::size_t j = sim::pick_by_weight(g.weights, sim::draw_open_unit(stream));
      auto one = runs_for(overrides_of(g.values[j]), m, 1,
                          [&](std::int64_t) { return sim::validation_run_seed(cal_.master_seed, m); });
      runs.push_back(one.front());
    }
    const auto values = run_plan(plan_in(dir() / "validation", std::move(runs)));
    leader_does([&] { write_validation(values); });
  }

  void write_validation(const std::vector<std::vector<double>>& values) {
    std::ostringstream tsv;
    tsv << "name\tused\tobserved_low\tobserved_high\tmean\tp05\tp95\tshare_within\tpass\n";
    // A target passes as `confsim check` says: its mean within the range, or (with min_share) enough
    // runs within it; a summary passes when the runs' mean is within one scale of the observed value.
    const auto row = [&](const std::string& name, const std::string& used, double low, double high,
                         std::optional<double> min_share, std::size_t column) {
      std::vector<double> x;
      for (const auto& v : values) x.push_back(v[column]);
      double mean = 0;
      for (double v : x) mean += v / static_cast<double>(x.size());
      const double share = static_cast<double>(std::count_if(x.begin(), x.end(), [&](double v) {
                             return v >= low && v <= high;
                           })) / static_cast<double>(x.size());
      const bool pass = min_share ? share >= *min_share : mean >= low && mean <= high;
      tsv << name << "\t" << used << "\t" << low << "\t" << high << "\t" << mean << "\t" << sim::quantile(x, 0.05)
          << "\t" << sim::quantile(x, 0.95) << "\t" << share << "\t" << (pass ? "yes" : "no") << "\n";
    };
    std::size_t column = 0;
    for (std::size_t i = 0; i < cal_.summaries.size(); ++i, ++column) {
      const auto& t = terms_[i];
      row(cal_.summaries[i].name, "fitted", t.value - t.scale, t.value + t.scale, std::nullopt, column);
    }
    for (const auto& t : fit_targets_) row(t.name, "fitted", t.low, t.high, t.min_share, column++);
    for (const auto& t : validation_targets_) row(t.name, "held out", t.low, t.high, t.min_share, column++);
    write_text_file_atomically((dir() / "validation.tsv").string(), tsv.str());
  }

  void report(const std::vector<sim::Generation>& gens, const std::string& stopped) const {
    const auto m = marginals(gens.back());
    std::cout << "calibration " << cal_.name << ": " << gens.size() << " generations (stopped by " << stopped
              << "), final tolerance " << short_number(gens.back().tolerance) << ", "
              << "effective sample size " << short_number(gens.back().effective_sample_size()) << "\n";
    for (std::size_t a = 0; a < m.size(); ++a)
      std::cout << "  " << cal_.parameters[a].path << ": mean " << short_number(m[a].mean) << ", 90% interval ["
                << short_number(m[a].low) << ", " << short_number(m[a].high) << "]  (prior "
                << priors_[a].describe() << ")\n";
    std::cout << "wrote " << (dir() / "posterior.h5").string() << ", " << (dir() / "posterior_mean.yaml").string()
              << ", " << (dir() / "validation.tsv").string() << "\n";
  }
};

std::string calibrate_sbatch(const CalibrateRequest& request, const std::string& executable) {
  const fs::path dir = fs::absolute(request.directory);
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# Runs the calibration " << fs::absolute(request.calibration_path).string() << " on " << request.slurm_tasks
    << " MPI ranks.\n"
    << "# Submit with: sbatch " << (dir / "slurm" / "calibrate.sbatch").string() << "\n"
    << "# A job stopped by its time limit or a node failure is resumed by submitting it again: runs already\n"
    << "# made are kept, and the posterior is the one an uninterrupted calibration gives.\n"
    << "#SBATCH --job-name=confsim-calibrate\n"
    << "#SBATCH --ntasks=" << request.slurm_tasks << "\n#SBATCH --cpus-per-task=1\n"
    << "#SBATCH --time=" << request.time_limit << "\n"
    << "#SBATCH --output=" << (dir / "slurm" / "calibrate_%j.log").string() << "\n";
  if (!request.partition.empty()) s << "#SBATCH --partition=" << request.partition << "\n";
  s << "set -euo pipefail\n"
    << "mpirun -n \"$SLURM_NTASKS\" '" << executable << "' calibrate '"
    << fs::absolute(request.calibration_path).string() << "' -o '" << dir.string() << "'\n";
  return s.str();
}

}  // namespace

int calibrate_command(const CalibrateRequest& request) {
  if (request.slurm) {
    // A bad file is refused now, not in the queue; the directory is made (or checked) as a run would.
    prepare_calibration_directory(request, sim::load_calibration(request.calibration_path).text);
    const fs::path folder = fs::path(request.directory) / "slurm";
    fs::create_directories(folder);
    write_text_file_atomically((folder / "calibrate.sbatch").string(),
                               calibrate_sbatch(request, fs::read_symlink("/proc/self/exe").string()));
    std::cout << "wrote " << (folder / "calibrate.sbatch").string() << "\nsubmit it with:   sbatch "
              << (folder / "calibrate.sbatch").string() << "\n";
    return kExitOk;
  }
  CalibrateRequest this_run = request;
  this_run.under_mpi = mpi_launched();
  std::unique_ptr<RunExecutor> executor = this_run.under_mpi ? mpi_executor() : local_executor(request.jobs);
  detail::StopSignals signals;
  try {
    return Calibrator(this_run, *executor).run();
  } catch (const FollowerStopped&) {
    return kExitFailure;  // the leader has said why
  } catch (const Interrupted& e) {
    if (executor->leader())
      std::cerr << "calibrate: stopped by " << (e.signal() == SIGINT ? "SIGINT" : "SIGTERM")
                << "; runs made are kept. Resume with: confsim calibrate " << request.calibration_path << " -o "
                << request.directory << "\n";
    return 128 + e.signal();
  }
}

}  // namespace confsim::app
