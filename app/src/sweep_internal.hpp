#pragma once
// The sweep command's parts, shared by the local, MPI and Slurm executors.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "confsim/sim/sweep.hpp"

namespace confsim::app {

struct SweepPlan;

struct SweepRequest {
  std::string sweep_path;
  std::string directory;
  int jobs = 0;              // local worker threads (0: all cores)
  bool resume = false;       // explicit; resuming is also the default for a directory of the same sweep
  int task = -1, tasks = 0;  // an array task's share: runs with index % tasks == task
  bool slurm = false;        // write an sbatch array script instead of running
  int slurm_tasks = 1000;    // array size (capped by the number of runs)
  int array_max = 0;         // at most this many tasks at once (0: no limit)
  std::string partition;
  bool collect = false;  // build the manifest from the run files in directory
  // Called by the process that collects, once the manifest is written (a sensitivity analysis).
  std::function<void(const SweepPlan&)> after_collect;
  std::string command = "sweep";  // the subcommand that resumes it, for messages and scripts
};

struct SweepPlan {
  sim::Sweep sweep;
  std::vector<sim::SweepRun> runs;
  std::string directory;
  bool resuming = false;
  bool show_progress = true;
  // What a run without its file keeps (run_files: discard): these numbers, by these names. Empty:
  // the sweep's summaries.
  std::vector<std::string> record_names;
  std::function<std::vector<double>(const std::string& run_file)> summarise;
  // A run whose values make an invalid scenario, or lead the model to a number it cannot use, is
  // recorded as failed (its summaries NaN, the reason kept) instead of stopping everything. Needs
  // run_files: discard.
  bool record_failures = false;
};

// Whether the run at this position of the plan has finished (its file, or its summaries record).
bool run_finished(const SweepPlan& plan, const sim::SweepRun& run);
// A finished run's numbers: the plan's summaries (from its record, or computed from its file).
std::vector<double> run_summaries(const SweepPlan& plan, const sim::SweepRun& run, double& wall_seconds);

struct SweepOutcome {
  std::size_t ran = 0, already_done = 0;
  int stopped_by = 0;  // the signal that stopped it, or 0
};

// Loads and checks the sweep (every design point must make a valid scenario) and prepares the
// directory: a new one gets sweep.yaml; one made with another sweep is an error saying what changed.
SweepPlan prepare_sweep(const SweepRequest& request, bool create_directory);
SweepPlan plan_for_collect(const std::string& directory);
// Runs the runs at the given positions of plan.runs (or, with next_shared, whatever positions that
// counter hands out) on `jobs` threads, skipping runs already finished.
SweepOutcome execute_runs(const SweepPlan& plan, const std::vector<std::int64_t>& mine, int jobs,
                          const std::function<std::int64_t()>& next_shared = {});
// Writes DIR/manifest.h5 from the run files; returns how many runs have finished.
std::size_t collect_sweep(const SweepPlan& plan);
std::string slurm_script(const SweepPlan& plan, const SweepRequest& request, const std::string& executable);

// Where a study's batches of runs are made: this machine's threads, or every MPI rank (each rank
// calls run() with the same plan and returns when all are done). Results are the same either way.
class RunExecutor {
 public:
  virtual ~RunExecutor() = default;
  virtual SweepOutcome run(const SweepPlan& plan) = 0;
  virtual bool leader() const { return true; }  // the process that writes shared files and reports
  virtual void barrier() {}                      // every process has reached this point
  // Every process says whether its part went well; true when all did (a collective step: the
  // leader's failure reaches the others instead of leaving them waiting at the next barrier).
  virtual bool all_succeeded(bool mine) { return mine; }
  virtual std::string describe() const = 0;      // "2 threads", "4 MPI ranks"
};
std::unique_ptr<RunExecutor> local_executor(int jobs);  // jobs ≤ 0: all cores
std::unique_ptr<RunExecutor> mpi_executor();            // MPI_Init now, MPI_Finalize when destroyed

// Removes the temporary files in a runs/ folder whose process is gone (killed with SIGKILL). Only
// for processes of this machine: a process id of another node cannot be checked here.
void remove_stale_temporaries(const std::string& runs_folder);

std::string read_text_file(const std::string& path);
void write_text_file_atomically(const std::string& path, const std::string& text);

// Under mpirun: true when this process is one of several MPI ranks (then the sweep is shared).
bool mpi_launched();
// Runs the sweep over MPI ranks with a shared run counter; rank 0 prepares and collects.
int run_sweep_mpi(const SweepRequest& request);

// The sweep subcommand; returns the exit code.
int sweep_command(const SweepRequest& request);

}  // namespace confsim::app
