// confsim sensitivity: a sweep of a Saltelli or Morris design (so local threads, MPI ranks and Slurm
// array tasks make it, resumably), then Sobol indices or elementary effects of every summary in
// DIR/sensitivity.h5. Replicates are averaged per design point, and the seed's share of a run's
// variance is reported beside the indices.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <numeric>

#include "confsim/output/study_files.hpp"
#include "confsim/sim/sensitivity.hpp"
#include "run.hpp"
#include "studies.hpp"

namespace confsim::app {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kBootstrapResamples = 1000;
constexpr double kConfidence = 0.95;

double variance(const std::vector<double>& x) {
  if (x.size() < 2) return std::nan("");
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double s = 0;
  for (double v : x) s += (v - mean) * (v - mean);
  return s / static_cast<double>(x.size() - 1);
}

void analyse(const SweepPlan& plan) {
  const sim::Sweep& sweep = plan.sweep;
  const std::size_t k = sweep.parameters.size(), n = static_cast<std::size_t>(sweep.points);
  const auto R = static_cast<std::size_t>(sweep.replicates);
  const bool saltelli = sweep.design == sim::Sweep::Design::saltelli;
  const std::size_t points = plan.runs.size() / R;
  // runs[point * R + r]: each run's summaries
  std::vector<std::vector<double>> run_values;
  for (const auto& run : plan.runs) {
    double wall = 0;
    run_values.push_back(run_summaries(plan, run, wall));
  }
  output::SensitivityTable t;
  t.method = saltelli ? "saltelli" : "morris";
  for (const auto& p : sweep.parameters) {
    t.parameters.push_back(p.path);
    t.low.push_back(p.from);
    t.high.push_back(p.to);
  }
  for (const auto& s : sweep.summaries) t.summaries.push_back(s.name);
  t.design_points = static_cast<std::int64_t>(points);
  t.runs = static_cast<std::int64_t>(plan.runs.size());
  t.replicates = sweep.replicates;
  t.base = sweep.points;
  t.resamples = static_cast<std::int64_t>(kBootstrapResamples);
  t.confidence = kConfidence;
  t.sweep_file = sweep.file;
  t.sweep_text = sweep.text;
  t.scenario_file = sweep.scenario;
  t.version = version();
  const auto saltelli_points = saltelli ? sim::saltelli_design(n, k) : sim::SaltelliDesign{};
  const auto morris_points =
      saltelli ? sim::MorrisDesign{} : sim::morris_design(n, k, static_cast<std::size_t>(sweep.levels), sweep.master_seed);

  for (std::size_t s = 0; s < sweep.summaries.size(); ++s) {
    std::vector<double> point_mean(points), all_runs, within;
    std::int64_t failed = 0;
    for (std::size_t p = 0; p < points; ++p) {
      std::vector<double> x;
      for (std::size_t r = 0; r < R; ++r) x.push_back(run_values[p * R + r][s]);
      const bool finite = std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); });
      if (!finite) {
        point_mean[p] = std::nan("");
        ++failed;
        continue;
      }
      point_mean[p] = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(R);
      all_runs.insert(all_runs.end(), x.begin(), x.end());
      if (R >= 2) within.push_back(variance(x));
    }
    t.failed_points.push_back(failed);
    const double total_variance = variance(all_runs);
    t.seed_share.push_back(R >= 2 && total_variance > 0
                               ? std::accumulate(within.begin(), within.end(), 0.0) /
                                     static_cast<double>(within.size()) / total_variance
                               : std::nan(""));
    if (saltelli) {
      // Base rows whose A, B and every AB_i point have a value; the others are left out, counted.
      sim::SaltelliDesign kept;
      kept.parameters = k;
      std::vector<std::size_t> rows;
      for (std::size_t j = 0; j < n; ++j) {
        bool ok = true;
        for (std::size_t m = 0; m < k + 2; ++m) ok = ok && std::isfinite(point_mean[m * n + j]);
        if (ok) rows.push_back(j);
      }
      kept.base = rows.size();
      std::vector<double> outputs;
      for (std::size_t m = 0; m < k + 2; ++m)
        for (std::size_t j : rows) {
          kept.points.push_back(saltelli_points.points[m * n + j]);
          outputs.push_back(point_mean[m * n + j]);
        }
      const auto idx = rows.size() >= 2 ? sim::sobol_indices(kept, outputs, kBootstrapResamples, kConfidence,
                                                              sweep.master_seed)
                                        : sim::SobolIndices{};
      const auto or_nan = [&](const std::vector<double>& v) {
        return v.empty() ? std::vector<double>(k, std::nan("")) : v;
      };
      t.first.push_back(or_nan(idx.first));
      t.first_low.push_back(or_nan(idx.first_low));
      t.first_high.push_back(or_nan(idx.first_high));
      t.total.push_back(or_nan(idx.total));
      t.total_low.push_back(or_nan(idx.total_low));
      t.total_high.push_back(or_nan(idx.total_high));
      t.variance.push_back(idx.variance);
    } else {
      sim::MorrisDesign kept = morris_points;
      kept.points.clear();
      kept.moved.clear();
      std::vector<double> outputs;
      for (std::size_t tr = 0; tr < n; ++tr) {
        bool ok = true;
        for (std::size_t m = 0; m <= k; ++m) ok = ok && std::isfinite(point_mean[tr * (k + 1) + m]);
        if (!ok) continue;
        for (std::size_t m = 0; m <= k; ++m) {
          kept.points.push_back(morris_points.points[tr * (k + 1) + m]);
          outputs.push_back(point_mean[tr * (k + 1) + m]);
        }
        kept.moved.push_back(morris_points.moved[tr]);
      }
      kept.trajectories = kept.moved.size();
      const auto e = kept.trajectories > 0 ? sim::morris_effects(kept, outputs) : sim::MorrisEffects{};
      const auto or_nan = [&](const std::vector<double>& v) {
        return v.empty() ? std::vector<double>(k, std::nan("")) : v;
      };
      t.mu.push_back(or_nan(e.mu));
      t.mu_star.push_back(or_nan(e.mu_star));
      t.sigma.push_back(or_nan(e.sigma));
      std::vector<double> finite;
      for (double v : point_mean)
        if (std::isfinite(v)) finite.push_back(v);
      t.variance.push_back(variance(finite));
    }
  }
  const std::string path = (fs::path(plan.directory) / "sensitivity.h5").string();
  output::write_sensitivity(path, t);

  // A table per summary, the most influential parameter first.
  for (std::size_t s = 0; s < t.summaries.size(); ++s) {
    const auto& key = saltelli ? t.total[s] : t.mu_star[s];
    std::vector<std::size_t> order(k);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return (std::isnan(key[a]) ? -1.0 : key[a]) > (std::isnan(key[b]) ? -1.0 : key[b]);
    });
    std::cout << t.summaries[s] << " (seed's share of a run's variance "
              << (std::isnan(t.seed_share[s]) ? std::string("n/a: one replicate") : [&] {
                   std::ostringstream x;
                   x << std::fixed << std::setprecision(2) << t.seed_share[s];
                   return x.str();
                 }())
              << (t.failed_points[s] ? ", " + std::to_string(t.failed_points[s]) + " design points without a value"
                                     : std::string())
              << ")\n";
    std::cout << std::fixed << std::setprecision(3);
    for (std::size_t a : order) {
      std::cout << "  " << std::left << std::setw(32) << t.parameters[a] << std::right;
      if (saltelli)
        std::cout << " S1 " << std::setw(7) << t.first[s][a] << " [" << t.first_low[s][a] << ", " << t.first_high[s][a]
                  << "]   ST " << std::setw(7) << t.total[s][a] << " [" << t.total_low[s][a] << ", "
                  << t.total_high[s][a] << "]\n";
      else
        std::cout << " mu* " << std::setw(9) << t.mu_star[s][a] << "   mu " << std::setw(9) << t.mu[s][a]
                  << "   sigma " << std::setw(9) << t.sigma[s][a] << "\n";
    }
    std::cout << std::defaultfloat;
  }
  std::cout << "wrote " << path << "\n";
}

}  // namespace

int sensitivity_command(SweepRequest request) {
  if (!request.collect) {
    const sim::Sweep sweep = sim::load_sweep(request.sweep_path);
    if (sweep.design != sim::Sweep::Design::saltelli && sweep.design != sim::Sweep::Design::morris)
      throw sim::InputError({{{request.sweep_path, 0, 0, ""},
                              "design",
                              "a sensitivity analysis needs design: saltelli (Sobol indices) or morris (elementary "
                              "effects), found " +
                                  sim::to_string(sweep.design)}});
  }
  request.command = "sensitivity";
  request.after_collect = analyse;
  return sweep_command(request);
}

}  // namespace confsim::app
