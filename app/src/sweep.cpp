// The sweep executors: local (worker threads), MPI (ranks share a run counter) and Slurm array
// tasks (each takes every N-th run). All write DIR/runs/run_NNNNNN.h5 atomically with the same
// seeds and overrides, so every executor gives the same bytes; the manifest is built from the files.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <iomanip>
#include <set>
#include <sstream>
#include <thread>

#include "confsim/output/manifest.hpp"
#include "confsim/output/temporary_file.hpp"
#include "confsim/sim/scenario.hpp"
#include "confsim/sim/sweep.hpp"
#include "run.hpp"
#include "sweep_internal.hpp"

namespace confsim::app {
namespace {

namespace fs = std::filesystem;

const char* const kSweepCopy = "sweep.yaml";
const char* const kSweepOrigin = ".sweep_origin";

std::string read_file(const fs::path& path) { return read_text_file(path.string()); }
void write_file_atomically(const fs::path& path, const std::string& text) {
  write_text_file_atomically(path.string(), text);
}

// What differs between the sweep a directory was made with and the one given now.
std::string describe_change(const sim::Sweep& before, const sim::Sweep& now) {
  std::vector<std::string> changes;
  if (before.scenario != now.scenario) changes.push_back("scenario");
  if (before.ticks != now.ticks) changes.push_back("ticks");
  if (before.design != now.design || before.points != now.points) changes.push_back("design");
  if (before.replicates != now.replicates) changes.push_back("replicates");
  if (before.master_seed != now.master_seed) changes.push_back("master_seed");
  std::set<std::string> paths_before, paths_now;
  for (const auto& p : before.parameters) paths_before.insert(p.path);
  for (const auto& p : now.parameters) paths_now.insert(p.path);
  for (const auto& p : paths_now)
    if (!paths_before.count(p)) changes.push_back("parameter " + p + " added");
  for (const auto& p : paths_before)
    if (!paths_now.count(p)) changes.push_back("parameter " + p + " removed");
  const auto before_runs = sim::expand_sweep(before), now_runs = sim::expand_sweep(now);
  if (before_runs.size() != now_runs.size())
    changes.push_back("runs " + std::to_string(before_runs.size()) + " → " + std::to_string(now_runs.size()));
  for (std::size_t i = 0; i < std::min(before_runs.size(), now_runs.size()); ++i)
    if (before_runs[i].overrides != now_runs[i].overrides) {
      changes.push_back("values of run " + std::to_string(i) + " and later");
      break;
    }
  if (before.summaries.size() != now.summaries.size()) changes.push_back("summaries");
  std::string out;
  for (const auto& c : changes) out += (out.empty() ? "" : ", ") + c;
  return out.empty() ? "names, summaries or comments" : out;
}

class Progress {
 public:
  Progress(std::size_t total, std::size_t already, bool shown)
      : total_(total), done_(already), start_done_(already), shown_(shown) {}
  void one_more() {
    std::lock_guard<std::mutex> lock(mutex_);
    ++done_;
    if (!shown_) return;
    const double elapsed = std::chrono::duration<double>(clock::now() - start_).count();
    const bool terminal = ::isatty(STDERR_FILENO) != 0;
    if (!terminal && elapsed - last_line_ < 30 && done_ != total_) return;  // batch logs: a line every 30 s
    last_line_ = elapsed;
    const double rate = static_cast<double>(done_ - start_done_) / std::max(elapsed, 1e-9);
    const double eta = rate > 0 ? static_cast<double>(total_ - done_) / rate : 0;
    std::ostringstream line;
    line << "sweep: " << done_ << "/" << total_ << " runs, " << std::fixed << std::setprecision(2) << rate * 60
         << " runs/min, ETA " << std::setprecision(0) << eta << " s";
    std::cerr << (terminal ? "\r" + line.str() + "   " : line.str() + "\n") << std::flush;
    if (terminal && done_ == total_) std::cerr << "\n";
  }

 private:
  using clock = std::chrono::steady_clock;
  std::mutex mutex_;
  std::size_t total_, done_, start_done_;
  bool shown_;
  clock::time_point start_ = clock::now();
  double last_line_ = 0;
};

}  // namespace

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text_file_atomically(const std::string& path, const std::string& text) {
  output::TemporaryFile temp(path);
  {
    std::ofstream out(temp.path(), std::ios::binary);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write " + temp.path());
  }
  temp.publish();
}

namespace {
class LocalExecutor : public RunExecutor {
 public:
  explicit LocalExecutor(int jobs)
      : jobs_(jobs > 0 ? jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {}
  SweepOutcome run(const SweepPlan& plan) override {
    std::vector<std::int64_t> all(plan.runs.size());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int64_t>(i);
    return execute_runs(plan, all, jobs_);
  }
  std::string describe() const override { return std::to_string(jobs_) + (jobs_ == 1 ? " thread" : " threads"); }

 private:
  int jobs_;
};
}  // namespace

// Temporary files of runs killed with SIGKILL (their process is gone). Only the local executor
// does this: array tasks on other nodes have process ids this machine cannot check.
void remove_stale_temporaries(const std::string& runs_folder) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(runs_folder, error)) {
    const std::string name = entry.path().filename().string();
    const auto at = name.rfind(".tmp-");
    if (name.empty() || name[0] != '.' || at == std::string::npos) continue;
    const long pid = std::strtol(name.c_str() + at + 5, nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove(entry.path(), error);
  }
}

std::unique_ptr<RunExecutor> local_executor(int jobs) { return std::make_unique<LocalExecutor>(jobs); }

SweepPlan prepare_sweep(const SweepRequest& request, bool create_directory) {
  SweepPlan plan;
  plan.sweep = sim::load_sweep(request.sweep_path);
  // A uniform interval over a parameter that takes whole numbers (a vision, a jail term) is drawn
  // from and rounded.
  if (std::any_of(plan.sweep.parameters.begin(), plan.sweep.parameters.end(),
                  [](const auto& p) { return p.kind == sim::SweepParameter::Kind::uniform; })) {
    const auto base = load(plan.sweep.scenario, {}, plan.sweep.ticks);
    for (auto& p : plan.sweep.parameters) try {
        p.whole = p.kind == sim::SweepParameter::Kind::uniform &&
                  (base->parameter(p.path).spec->type == sim::ValueType::integer ||
                   base->parameter(p.path).spec->type == sim::ValueType::integer_or_keyword);
      } catch (const std::out_of_range&) {  // an unknown path: the design points' check names it
      }
  }
  plan.runs = sim::expand_sweep(plan.sweep);
  plan.directory = request.directory;
  // A sensitivity design spans corners no one has tried: a point that makes an invalid scenario is
  // counted as failed, and its rows left out of the indices, rather than stopping the analysis.
  plan.record_failures = !plan.sweep.keep_run_files && (plan.sweep.design == sim::Sweep::Design::saltelli ||
                                                        plan.sweep.design == sim::Sweep::Design::morris);
  // Every design point must make a valid scenario before anything runs; for a sensitivity design,
  // whose corners no one has tried, only each parameter's path is checked here and an invalid
  // point is counted as failed when it comes.
  std::set<std::vector<std::string>> checked;
  if (plan.record_failures) {
    const auto base = load(plan.sweep.scenario, {}, plan.sweep.ticks);
    for (const auto& p : plan.sweep.parameters) try {
        base->parameter(p.path);
      } catch (const std::out_of_range&) {
        throw sim::InputError(
            {{p.where, "parameters." + p.path, "the scenario " + plan.sweep.scenario + " has no parameter " + p.path}});
      }
  }
  for (const auto& run : plan.runs) {
    if (plan.record_failures) break;
    if (!checked.insert(run.overrides).second) continue;
    try {
      load(plan.sweep.scenario, run.overrides, plan.sweep.ticks);
    } catch (const sim::InputError& e) {
      std::vector<sim::Diagnostic> problems;
      for (auto d : e.diagnostics()) {
        d.message += " (design point " + std::to_string(run.point) + " of " + request.sweep_path + ")";
        problems.push_back(d);
      }
      throw sim::InputError(problems);
    }
  }
  const fs::path dir(request.directory), copy = dir / kSweepCopy;
  std::error_code error;
  if (fs::exists(copy, error)) {
    if (read_file(copy) != plan.sweep.text) {
      std::string what = "the sweep file has changed";
      try {
        // The recorded copy is read as if it stood where that sweep file did, so paths resolve alike.
        std::string origin = read_file(dir / kSweepOrigin);
        while (!origin.empty() && (origin.back() == '\n' || origin.back() == '\r')) origin.pop_back();
        what += " (" + describe_change(sim::load_sweep_text(read_file(copy), origin), plan.sweep) + ")";
      } catch (const std::exception&) {
      }
      throw sim::InputError({{{request.sweep_path, 0, 0, ""},
                              "",
                              what + " since " + request.directory +
                                  " was made with it; use a new output "
                                  "directory, or restore the sweep file"}});
    }
    plan.resuming = true;
  } else if (fs::exists(dir, error) && !fs::is_empty(dir, error)) {
    throw sim::InputError(
        {{{request.directory, 0, 0, ""},
          "",
          "the output directory exists, is not empty and holds no sweep.yaml: not a sweep directory"}});
  } else if (create_directory) {
    fs::create_directories(dir / "runs");
    write_file_atomically(dir / kSweepOrigin, fs::absolute(request.sweep_path).string() + "\n");
    write_file_atomically(copy, plan.sweep.text);
  }
  return plan;
}

namespace {

std::string run_path(const SweepPlan& plan, const sim::SweepRun& run) {
  return (fs::path(plan.directory) / (plan.sweep.keep_run_files ? output::run_file_name(run.index)
                                                                : output::summary_record_name(run.index)))
      .string();
}

std::vector<std::string> record_names(const SweepPlan& plan) {
  if (!plan.record_names.empty()) return plan.record_names;
  std::vector<std::string> names;
  for (const auto& s : plan.sweep.summaries) names.push_back(s.name);
  return names;
}

std::vector<double> summarise_file(const SweepPlan& plan, const std::string& file) {
  return plan.summarise ? plan.summarise(file) : output::summarise_run(file, plan.sweep.summaries);
}

}  // namespace

bool run_finished(const SweepPlan& plan, const sim::SweepRun& run) {
  const std::string path = run_path(plan, run);
  if (plan.sweep.keep_run_files) {
    std::string why_not;
    return output::is_finished_run(path, run, why_not);
  }
  std::vector<double> values;
  double wall = 0;
  return output::read_summary_record(path, run, record_names(plan), values, wall);
}

std::vector<double> run_summaries(const SweepPlan& plan, const sim::SweepRun& run, double& wall_seconds) {
  const std::string path = run_path(plan, run);
  if (plan.sweep.keep_run_files) {
    wall_seconds = output::run_wall_seconds(path);
    return summarise_file(plan, path);
  }
  std::vector<double> values;
  if (!output::read_summary_record(path, run, record_names(plan), values, wall_seconds))
    throw std::runtime_error(path + ": not a finished summaries record of this run");
  return values;
}

bool run_one(const SweepPlan& plan, const sim::SweepRun& run) {
  if (run_finished(plan, run)) return false;
  sim::ScenarioPtr scenario;
  try {
    scenario = load(plan.sweep.scenario, run.overrides, plan.sweep.ticks);
  } catch (const sim::InputError& e) {
    if (!plan.record_failures) throw;
    output::write_summary_record(run_path(plan, run), run, 0, record_names(plan),
                                 std::vector<double>(record_names(plan).size(), std::nan("")), e.what());
    return true;
  }
  try {
    if (plan.sweep.keep_run_files) {
      detail::run_loaded(scenario, run_path(plan, run), run.seed, 1, false);
    } else {
      // The run's file exists only while it is summarised; a killed process leaves it under a
      // temporary name that a resumed sweep removes.
      output::TemporaryFile scratch((fs::path(plan.directory) / output::run_file_name(run.index)).string());
      detail::run_loaded(scenario, scratch.path(), run.seed, 1, false);
      const auto values = summarise_file(plan, scratch.path());
      output::write_summary_record(run_path(plan, run), run, output::run_wall_seconds(scratch.path()),
                                   record_names(plan), values);
    }
  } catch (sim::NumericError& e) {
    if (plan.record_failures) {
      output::write_summary_record(run_path(plan, run), run, 0, record_names(plan),
                                   std::vector<double>(record_names(plan).size(), std::nan("")), e.what());
      return true;
    }
    std::string settings;
    for (const auto& o : run.overrides) settings += " --set " + o;
    e.add_context("run " + std::to_string(run.index) + " of the sweep (seed " + std::to_string(run.seed) + settings + ")");
    throw;
  }
  return true;
}

SweepOutcome execute_runs(const SweepPlan& plan, const std::vector<std::int64_t>& mine, int jobs,
                          const std::function<std::int64_t()>& next_shared) {
  std::size_t already = 0;
  for (std::int64_t i : mine) already += run_finished(plan, plan.runs[static_cast<std::size_t>(i)]);
  Progress progress(mine.size(), already, !next_shared && plan.show_progress);
  std::atomic<std::size_t> cursor{0};
  std::atomic<std::size_t> ran{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  const auto worker = [&] {
    while (!detail::stop_signal()) {
      std::int64_t index;
      if (next_shared) {
        index = next_shared();
        if (index >= static_cast<std::int64_t>(plan.runs.size())) return;
      } else {
        const std::size_t k = cursor.fetch_add(1);
        if (k >= mine.size()) return;
        index = mine[k];
      }
      try {
        if (run_one(plan, plan.runs[static_cast<std::size_t>(index)])) {
          ++ran;
          progress.one_more();
        }
      } catch (const Interrupted&) {
        return;
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < std::max(1, jobs); ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  return {ran.load(), already, detail::stop_signal()};
}

std::size_t collect_sweep(const SweepPlan& plan) {
  std::vector<output::SweepRunResult> results;
  std::size_t finished = 0;
  for (const auto& run : plan.runs) {
    output::SweepRunResult r;
    r.run = run;
    r.file_kept = plan.sweep.keep_run_files;
    r.finished = run_finished(plan, run);
    if (r.finished) {
      r.summaries = run_summaries(plan, run, r.wall_seconds);
      ++finished;
    } else {
      r.summaries.assign(plan.sweep.summaries.size(), std::nan(""));
    }
    results.push_back(std::move(r));
  }
  output::write_manifest((fs::path(plan.directory) / "manifest.h5").string(), plan.sweep, results, version());
  return finished;
}

SweepPlan plan_for_collect(const std::string& directory) {
  const fs::path origin = fs::path(directory) / kSweepOrigin;
  std::error_code error;
  if (!fs::exists(origin, error))
    throw sim::InputError(
        {{{directory, 0, 0, ""}, "", "not a sweep directory (no " + std::string(kSweepOrigin) + ")"}});
  std::string sweep_path = read_file(origin);
  while (!sweep_path.empty() && (sweep_path.back() == '\n' || sweep_path.back() == '\r')) sweep_path.pop_back();
  SweepRequest request;
  request.sweep_path = sweep_path;
  request.directory = directory;
  return prepare_sweep(request, false);
}

std::string slurm_script(const SweepPlan& plan, const SweepRequest& request, const std::string& executable) {
  const std::size_t tasks = std::min<std::size_t>(plan.runs.size(), static_cast<std::size_t>(request.slurm_tasks));
  const fs::path dir = fs::absolute(request.directory);
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# A Slurm array job for the sweep " << plan.sweep.name << " (" << plan.runs.size() << " runs in " << tasks
    << " tasks). Submit with: sbatch " << (dir / "slurm" / "sweep.sbatch").string() << "\n"
    << "# then build the manifest with: confsim sweep --collect " << dir.string() << "\n"
    << "#SBATCH --job-name=confsim-" << (plan.sweep.name.empty() ? "sweep" : plan.sweep.name) << "\n"
    << "#SBATCH --array=0-" << tasks - 1;
  if (request.array_max > 0) s << "%" << request.array_max;
  s << "\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n"
    << "#SBATCH --output=" << (dir / "slurm" / "task_%a.log").string() << "\n";
  if (!request.partition.empty()) s << "#SBATCH --partition=" << request.partition << "\n";
  s << "set -euo pipefail\n"
    << "# Each task runs the runs whose index modulo the task count is its own; finished runs are skipped.\n"
    << "'" << executable << "' sweep '" << fs::absolute(request.sweep_path).string() << "' -o '" << dir.string()
    << "' --task \"$SLURM_ARRAY_TASK_ID\" --tasks \"$SLURM_ARRAY_TASK_COUNT\"\n";
  return s.str();
}

int sweep_command(const SweepRequest& request) {
  if (request.collect) {
    const SweepPlan plan = plan_for_collect(request.directory);
    const std::size_t finished = collect_sweep(plan);
    std::cout << "wrote " << (fs::path(request.directory) / "manifest.h5").string() << " (" << finished << "/"
              << plan.runs.size() << " runs finished)\n";
    if (request.after_collect && finished == plan.runs.size()) request.after_collect(plan);
    return kExitOk;
  }
  if (mpi_launched()) return run_sweep_mpi(request);
  if (request.slurm) {
    const SweepPlan plan = prepare_sweep(request, true);
    const fs::path dir = fs::path(request.directory) / "slurm";
    fs::create_directories(dir);
    write_file_atomically(dir / "sweep.sbatch",
                          slurm_script(plan, request, fs::read_symlink("/proc/self/exe").string()));
    std::cout << "wrote " << (dir / "sweep.sbatch").string() << " (" << plan.runs.size() << " runs)\n"
              << "submit it with:   sbatch " << (dir / "sweep.sbatch").string() << "\n"
              << "then, when done:  "
              << (request.command == "sweep" ? "confsim sweep --collect " + request.directory
                                             : "confsim " + request.command + " " + request.sweep_path + " -o " +
                                                   request.directory)
              << "\n";
    return kExitOk;
  }
  std::error_code error;
  if (request.resume && !fs::exists(fs::path(request.directory) / kSweepCopy, error))
    throw sim::InputError({{{request.directory, 0, 0, ""}, "", "--resume: no sweep to resume here (no sweep.yaml)"}});
  detail::StopSignals signals;
  const SweepPlan plan = prepare_sweep(request, true);
  if (plan.resuming) std::cerr << "sweep: " << request.directory << " holds this sweep; finished runs are kept\n";
  if (plan.resuming && request.tasks <= 0) remove_stale_temporaries((fs::path(plan.directory) / "runs").string());
  std::vector<std::int64_t> mine;
  for (const auto& run : plan.runs)
    if (request.tasks <= 0 || run.index % request.tasks == request.task) mine.push_back(run.index);
  const int jobs =
      request.jobs > 0 ? request.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const SweepOutcome outcome = execute_runs(plan, mine, jobs);
  if (outcome.stopped_by) {
    std::cerr << "sweep: stopped by " << (outcome.stopped_by == SIGINT ? "SIGINT" : "SIGTERM") << " after "
              << outcome.ran << " new runs; finished runs are kept. Resume with: confsim " << request.command << " "
              << request.sweep_path
              << " -o " << request.directory << " --resume\n";
    return 128 + outcome.stopped_by;
  }
  if (request.tasks > 0) {
    std::cout << "task " << request.task << "/" << request.tasks << ": " << outcome.ran << " runs made, "
              << outcome.already_done << " already done\n";
    return kExitOk;
  }
  const std::size_t finished = collect_sweep(plan);
  std::cout << "wrote " << (fs::path(request.directory) / "manifest.h5").string() << " (" << finished << "/"
            << plan.runs.size() << " runs; " << outcome.ran << " made now)\n";
  if (request.after_collect) request.after_collect(plan);
  return kExitOk;
}

}  // namespace confsim::app
