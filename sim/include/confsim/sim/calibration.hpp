#pragma once
// Calibration by approximate Bayesian computation: a calibration file names a base scenario, the
// parameters to fit with their priors, what the runs are compared with (summaries with observed
// values, a run made at known values, or a targets file's windows), and the ABC-SMC settings.
// The sampler (Beaumont et al. 2009's population Monte Carlo with Del Moral-style adaptive
// tolerances) is a pure function of the simulations' distances: proposal k of generation g is
// drawn from a stream keyed by (master seed, g, k), and a generation keeps its first N accepted
// proposals in index order, so the posterior never depends on how simulations were spread over
// threads, ranks or restarts.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "confsim/sim/calendar.hpp"
#include "confsim/sim/diagnostics.hpp"
#include "confsim/sim/sweep.hpp"

namespace confsim::sim {

struct Prior {
  // declared_range: uniform over the range the scenario's schema declares for the parameter
  // (resolved once the scenario is loaded, then uniform).
  enum class Kind { uniform, log_uniform, normal, truncated_normal, declared_range };
  Kind kind = Kind::declared_range;
  double low = -std::numeric_limits<double>::infinity();  // uniform, log_uniform, truncated_normal
  double high = std::numeric_limits<double>::infinity();
  double mean = 0, sd = 1;                    // normal, truncated_normal

  double density(double x) const;  // 0 outside the support; normalised
  double draw(double u) const;              // by its quantile at a uniform u in (0, 1)
  std::string describe() const;             // "uniform(0.6, 1)"
};
std::string to_string(Prior::Kind kind);

struct CalibrationParameter {
  std::string path;  // as given to --set
  Prior prior;
  SourceLocation where;
};

// What one summary is compared with: observed ± scale (the distance counts |simulated − value| / scale).
struct ObservedSummary {
  std::string name;
  double value = 0, scale = 1;
};

// Observed values from runs at known parameter values: a known-answer test of the calibration.
struct ReferenceRuns {
  std::vector<std::string> overrides;  // "path=value"
  std::int64_t replicates = 10;
  std::uint64_t master_seed = 0;
};

// A targets file's targets, by the end of their window: `until` keeps those ending on or before it,
// `from` those starting on or after it (out-of-sample scoring).
struct TargetSelection {
  std::string file;  // resolved against the calibration file's folder
  std::optional<Date> from, until;
  SourceLocation where;
};

struct Calibration {
  std::string file, text, name, description;
  std::string scenario;  // resolved against the calibration file's folder
  std::optional<std::int64_t> ticks;
  std::uint64_t master_seed = 0;
  std::vector<CalibrationParameter> parameters;
  std::vector<SweepSummary> summaries;
  std::vector<ObservedSummary> observed;  // per summary, in the summaries' order (summaries mode)
  std::optional<ReferenceRuns> reference;  // observed values made by runs at known values
  std::optional<TargetSelection> fit, validation;
  std::int64_t replicates = 1;  // runs per particle; its distance uses their mean
  std::int64_t population = 100;
  std::int64_t generations = 5;
  double tolerance_quantile = 0.5;  // a generation's tolerance: this quantile of the last one's distances
  double min_tolerance = 0;          // stop once a generation's tolerance is this small
  std::int64_t max_simulations = 1'000'000;
  std::int64_t validation_draws = 20;  // posterior draws scored on the validation targets
  bool keep_run_files = false;
};

// Reads and validates a calibration file; throws InputError (file:line:column, what was expected).
Calibration load_calibration(const std::string& path);

// One generation of the sampler.
struct Generation {
  double tolerance = 0;  // +∞ for the first (the prior)
  std::vector<std::vector<double>> values;  // per particle, per parameter
  std::vector<double> weights;              // normalised
  std::vector<double> distances;
  std::vector<std::int64_t> proposal;  // each particle's proposal index (its runs' folder and names)
  std::int64_t proposals = 0;  // simulated particles (accepted, rejected and failed)
  std::int64_t failed = 0;     // proposals whose summaries were not finite
  double acceptance_rate() const { return proposals > 0 ? static_cast<double>(values.size()) / static_cast<double>(proposals) : 0; }
  double effective_sample_size() const;
};

struct AbcSettings {
  std::size_t population = 100, generations = 5;
  double tolerance_quantile = 0.5, min_tolerance = 0;
  std::int64_t max_simulations = 1'000'000;
  std::uint64_t master_seed = 0;
};

// The distances of proposals [first, first + parameters.size()) of a generation; NaN for a failed
// simulation. It may throw to stop the sampler (a stop signal); a restart recomputes the same.
using EvaluateBatch = std::function<std::vector<double>(std::size_t generation, std::int64_t first,
                                                        const std::vector<std::vector<double>>& parameters)>;
// Called after each finished generation with all the generations so far.
using GenerationDone = std::function<void(const std::vector<Generation>&)>;

// Why the sampler stopped.
enum class AbcStop { generations, min_tolerance, max_simulations };

struct AbcResult {
  std::vector<Generation> generations;
  AbcStop stopped = AbcStop::generations;
};

AbcResult abc_smc(const std::vector<Prior>& priors, const AbcSettings& settings, const EvaluateBatch& evaluate,
                  const GenerationDone& done = {});

// The proposal k of a generation: the prior's draw for the first; else a particle of `previous`
// chosen by weight and moved by the Gaussian kernel of covariance `kernel` (lower Cholesky factor),
// drawn again until the prior holds it.
std::vector<double> abc_proposal(const std::vector<Prior>& priors, const Generation* previous,
                                 const std::vector<std::vector<double>>& kernel_cholesky, std::uint64_t master_seed,
                                 std::size_t generation, std::int64_t k);

// The weighted mean and the weighted quantile (by the weights' cumulative sum) of one parameter.
double weighted_mean(const std::vector<double>& x, const std::vector<double>& w);
double weighted_quantile(const std::vector<double>& x, const std::vector<double>& w, double q);

// The seed of replicate r of proposal k in generation g, and of a validation run.
std::uint64_t calibration_run_seed(std::uint64_t master_seed, std::size_t generation, std::int64_t k, std::int64_t r);
std::uint64_t validation_run_seed(std::uint64_t master_seed, std::int64_t index);

}  // namespace confsim::sim
