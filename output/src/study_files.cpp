#include "confsim/output/study_files.hpp"

#include <cmath>
#include <map>

#include "confsim/output/temporary_file.hpp"
#include "hdf5_util.hpp"

namespace confsim::output {
namespace {

using detail::check;
using detail::Handle;

// A file being written under its temporary name, with the helpers both study files use.
class StudyFile {
 public:
  explicit StudyFile(const std::string& path) : temporary_(path) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create file properties");
    check(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track link order");
    check(H5Pset_obj_track_times(fcpl, false), "omit object times");
    file_ = Handle(H5Fcreate(temporary_.path().c_str(), H5F_ACC_TRUNC, fcpl, H5P_DEFAULT), H5Fclose,
                   "create " + temporary_.path());
  }
  hid_t id() const { return file_; }

  void dimension(const std::string& name, const std::string& long_name, std::size_t size,
                 const std::vector<std::string>& labels = {}) {
    detail::create_dimension(file_, name, long_name, size, false, labels);
    sizes_[name] = size;
  }

  void numbers(const std::string& name, const std::vector<std::string>& dims, const std::vector<double>& values,
               const std::string& long_name, const std::string& units = "") {
    std::vector<hsize_t> shape;
    for (const auto& d : dims) shape.push_back(sizes_.at(d));
    Handle ds = detail::create_dataset(file_, name, H5T_IEEE_F64LE, shape, shape, {}, 0);
    if (!values.empty()) detail::write_all(ds, H5T_NATIVE_DOUBLE, values.data(), name);
    detail::describe(ds, long_name, units);
    detail::attach_dimensions(file_, ds, dims);
  }

  void integers(const std::string& name, const std::vector<std::string>& dims, const std::vector<std::int64_t>& values,
                const std::string& long_name) {
    std::vector<hsize_t> shape;
    for (const auto& d : dims) shape.push_back(sizes_.at(d));
    Handle ds = detail::create_dataset(file_, name, H5T_STD_I64LE, shape, shape, {}, 0);
    if (!values.empty()) detail::write_all(ds, H5T_NATIVE_INT64, values.data(), name);
    detail::describe(ds, long_name, "1");
    detail::attach_dimensions(file_, ds, dims);
  }

  void texts(const std::string& name, const std::vector<std::string>& dims, const std::vector<std::string>& values,
             const std::string& long_name) {
    std::vector<hsize_t> shape;
    for (const auto& d : dims) shape.push_back(sizes_.at(d));
    const Handle type = detail::utf8_string_type();
    Handle ds = detail::create_dataset(file_, name, type, shape, shape, {}, 0);
    std::vector<const char*> pointers;
    for (const auto& v : values) pointers.push_back(v.c_str());
    if (!values.empty()) detail::write_all(ds, type, pointers.data(), name);
    detail::describe(ds, long_name, "");
    detail::attach_dimensions(file_, ds, dims);
  }

  void publish() {
    file_ = Handle();
    temporary_.publish();
  }

 private:
  TemporaryFile temporary_;
  Handle file_;
  std::map<std::string, std::size_t> sizes_;
};

std::vector<double> flat(const std::vector<std::vector<double>>& rows) {
  std::vector<double> out;
  for (const auto& r : rows) out.insert(out.end(), r.begin(), r.end());
  return out;
}

}  // namespace

void write_posterior(const std::string& path, const PosteriorTable& t) {
  StudyFile f(path);
  detail::set_text_attribute(f.id(), "title", "ABC-SMC posterior of " + t.calibration_file);
  detail::set_text_attribute(f.id(), "confsim_version", t.version);
  detail::set_text_attribute(f.id(), "calibration_file", t.calibration_file);
  detail::set_text_attribute(f.id(), "calibration_text", t.calibration_text);
  detail::set_text_attribute(f.id(), "scenario_file", t.scenario_file);
  detail::set_text_attribute(f.id(), "stopped_by", t.stopped);
  detail::set_uint_attribute(f.id(), "master_seed", t.master_seed);
  detail::set_int_attribute(f.id(), "replicates", t.replicates);
  const std::size_t G = t.generations.size(), N = G ? t.generations.front().values.size() : 0,
                    P = t.parameters.size(), S = t.summaries.size();
  f.dimension("generation", "ABC-SMC generation (0: the prior)", G);
  f.dimension("particle", "particle of a generation's population", N);
  f.dimension("parameter", "calibrated parameter", P, t.parameters);
  f.dimension("summary", "what the distance compares", S, t.summaries);
  std::vector<double> values, weights, distances, tolerance, acceptance, ess, sims;
  std::vector<std::int64_t> proposals, failed, proposal;
  std::vector<double> summaries;
  for (std::size_t g = 0; g < G; ++g) {
    const auto& gen = t.generations[g];
    for (std::size_t i = 0; i < N; ++i) {
      values.insert(values.end(), gen.values[i].begin(), gen.values[i].end());
      weights.push_back(gen.weights[i]);
      proposal.push_back(gen.proposal[i]);
      distances.push_back(gen.distances[i]);
      for (std::size_t s = 0; s < S; ++s) summaries.push_back(t.particle_summaries[g][i][s]);
    }
    tolerance.push_back(gen.tolerance);
    acceptance.push_back(gen.acceptance_rate());
    ess.push_back(gen.effective_sample_size());
    proposals.push_back(gen.proposals);
    failed.push_back(gen.failed);
  }
  f.numbers("values", {"generation", "particle", "parameter"}, values, "particle's parameter values");
  f.numbers("weights", {"generation", "particle"}, weights, "importance weight (normalised per generation)");
  f.numbers("distances", {"generation", "particle"}, distances,
            "distance of the particle's summaries to the observed ones (root mean square of scaled differences)");
  f.numbers("summaries", {"generation", "particle", "summary"}, summaries,
            "particle's summaries: the mean over its replicate runs");
  f.integers("proposal", {"generation", "particle"}, proposal,
             "the particle's proposal index: its runs are generation_GGG/runs/run_NNNNNN with NNNNNN = proposal × "
             "replicates + replicate");
  f.numbers("tolerance", {"generation"}, tolerance, "acceptance tolerance (inf: the prior)");
  f.numbers("acceptance_rate", {"generation"}, acceptance, "accepted particles / proposals until the population filled");
  f.numbers("effective_sample_size", {"generation"}, ess, "(sum w)^2 / sum w^2");
  f.integers("proposals", {"generation"}, proposals, "proposals simulated until the population filled");
  f.integers("failed", {"generation"}, failed, "proposals whose summaries were not finite (rejected, counted)");
  f.numbers("observed", {"summary"}, t.observed, "observed value of each summary");
  f.numbers("scale", {"summary"}, t.scales, "scale of each summary's difference in the distance");
  std::vector<std::string> kinds;
  std::vector<double> low, high, mean, sd;
  for (const auto& p : t.priors) {
    kinds.push_back(p.kind == sim::Prior::Kind::declared_range ? "uniform" : sim::to_string(p.kind));
    low.push_back(p.low);
    high.push_back(p.high);
    mean.push_back(p.kind == sim::Prior::Kind::normal || p.kind == sim::Prior::Kind::truncated_normal ? p.mean
                                                                                                       : std::nan(""));
    sd.push_back(p.kind == sim::Prior::Kind::normal || p.kind == sim::Prior::Kind::truncated_normal ? p.sd
                                                                                                     : std::nan(""));
  }
  f.texts("prior", {"parameter"}, kinds, "prior distribution");
  f.numbers("prior_low", {"parameter"}, low, "prior's lower bound (-inf: none)");
  f.numbers("prior_high", {"parameter"}, high, "prior's upper bound (inf: none)");
  f.numbers("prior_mean", {"parameter"}, mean, "normal priors' mean");
  f.numbers("prior_sd", {"parameter"}, sd, "normal priors' standard deviation");
  f.publish();
}

void write_sensitivity(const std::string& path, const SensitivityTable& t) {
  StudyFile f(path);
  detail::set_text_attribute(f.id(), "title", "sensitivity analysis (" + t.method + ") of " + t.sweep_file);
  detail::set_text_attribute(f.id(), "confsim_version", t.version);
  detail::set_text_attribute(f.id(), "method", t.method);
  detail::set_text_attribute(f.id(), "sweep_file", t.sweep_file);
  detail::set_text_attribute(f.id(), "sweep_text", t.sweep_text);
  detail::set_text_attribute(f.id(), "scenario_file", t.scenario_file);
  detail::set_int_attribute(f.id(), "design_points", t.design_points);
  detail::set_int_attribute(f.id(), "runs", t.runs);
  detail::set_int_attribute(f.id(), "replicates", t.replicates);
  detail::set_int_attribute(f.id(), t.method == "saltelli" ? "base_rows" : "trajectories", t.base);
  if (t.method == "saltelli") {
    detail::set_int_attribute(f.id(), "bootstrap_resamples", t.resamples);
    detail::set_double_attribute(f.id(), "confidence", t.confidence);
  }
  f.dimension("summary", "summary of a run", t.summaries.size(), t.summaries);
  f.dimension("parameter", "varied parameter", t.parameters.size(), t.parameters);
  f.numbers("parameter_low", {"parameter"}, t.low, "lower end of the parameter's interval");
  f.numbers("parameter_high", {"parameter"}, t.high, "upper end of the parameter's interval");
  const std::vector<std::string> dims = {"summary", "parameter"};
  if (t.method == "saltelli") {
    const std::string ci = std::to_string(static_cast<int>(std::lround(t.confidence * 100))) + "% bootstrap ";
    f.numbers("S1", dims, flat(t.first), "first-order Sobol index (Saltelli 2010)");
    f.numbers("S1_low", dims, flat(t.first_low), ci + "lower bound of S1");
    f.numbers("S1_high", dims, flat(t.first_high), ci + "upper bound of S1");
    f.numbers("ST", dims, flat(t.total), "total-order Sobol index (Jansen 1999)");
    f.numbers("ST_low", dims, flat(t.total_low), ci + "lower bound of ST");
    f.numbers("ST_high", dims, flat(t.total_high), ci + "upper bound of ST");
  } else {
    f.numbers("mu", dims, flat(t.mu), "mean elementary effect (per unit of the parameter's interval)");
    f.numbers("mu_star", dims, flat(t.mu_star), "mean absolute elementary effect (Campolongo et al. 2007)");
    f.numbers("sigma", dims, flat(t.sigma), "standard deviation of the elementary effects");
  }
  f.numbers("variance", {"summary"}, t.variance, "variance of the summary over the design");
  f.numbers("seed_share", {"summary"}, t.seed_share,
            "share of a run's variance from its seed: mean within-point variance / variance over all runs");
  f.integers("failed_points", {"summary"}, t.failed_points,
             "design points with a non-finite summary (their rows or trajectories are left out)");
  f.publish();
}

}  // namespace confsim::output
