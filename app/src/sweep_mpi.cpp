// Sweeps under mpirun: ranks take runs from one counter held by rank 0 (MPI one-sided
// fetch-and-add), so fast ranks take more; rank 0 prepares the directory and writes the manifest.
#include <cstdlib>
#include <iostream>

#include "run.hpp"
#include "sweep_internal.hpp"

#ifdef CONFSIM_HAVE_MPI
#include <mpi.h>
#endif

namespace confsim::app {

#ifdef CONFSIM_HAVE_MPI

bool mpi_launched() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS"})
    if (const char* value = std::getenv(variable)) return std::atoi(value) > 1;
  return false;
}

namespace {

class MpiExecutor : public RunExecutor {
 public:
  MpiExecutor() {
    MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiExecutor() override { MPI_Finalize(); }

  SweepOutcome run(const SweepPlan& plan) override {
    std::int64_t counter = 0;
    MPI_Win window;
    MPI_Win_create(rank_ == 0 ? &counter : nullptr, rank_ == 0 ? sizeof counter : 0, sizeof counter, MPI_INFO_NULL,
                   MPI_COMM_WORLD, &window);
    const auto next = [&]() -> std::int64_t {
      const std::int64_t one = 1;
      std::int64_t got = 0;
      MPI_Win_lock(MPI_LOCK_SHARED, 0, 0, window);
      MPI_Fetch_and_op(&one, &got, MPI_INT64_T, 0, 0, MPI_SUM, window);
      MPI_Win_unlock(0, window);
      return got;
    };
    SweepOutcome outcome;
    int failed = 0;
    std::string why;
    try {
      outcome = execute_runs(plan, {}, 1, next);
    } catch (const std::exception& e) {
      why = e.what();
      failed = 1;
    }
    MPI_Barrier(MPI_COMM_WORLD);
    MPI_Win_free(&window);
    int any_failed = 0, stopped = outcome.stopped_by, any_stopped = 0;
    unsigned long long ran = outcome.ran, total_ran = 0;
    MPI_Allreduce(&failed, &any_failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Allreduce(&stopped, &any_stopped, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    MPI_Allreduce(&ran, &total_ran, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    if (any_failed)
      throw std::runtime_error(failed ? "rank " + std::to_string(rank_) + ": " + why
                                      : "another MPI rank failed (its message is above)");
    return {static_cast<std::size_t>(total_ran), 0, any_stopped};
  }
  bool leader() const override { return rank_ == 0; }
  void barrier() override { MPI_Barrier(MPI_COMM_WORLD); }
  bool all_succeeded(bool mine) override {
    int ok = mine ? 1 : 0, all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    return all == 1;
  }
  std::string describe() const override { return std::to_string(size_) + " MPI ranks"; }

 private:
  int rank_ = 0, size_ = 1;
};

}  // namespace

std::unique_ptr<RunExecutor> mpi_executor() { return std::make_unique<MpiExecutor>(); }

int run_sweep_mpi(const SweepRequest& request) {
  MpiExecutor executor;
  const bool leader = executor.leader();
  SweepPlan plan;
  bool prepared = true;
  if (leader) {
    try {
      plan = prepare_sweep(request, true);
    } catch (const sim::InputError& e) {
      for (const auto& d : e.diagnostics()) std::cerr << d.describe() << "\n";
      prepared = false;
    } catch (const std::exception& e) {
      std::cerr << "confsim: error: " << e.what() << "\n";
      prepared = false;
    }
  }
  if (!executor.all_succeeded(prepared)) return kExitInvalidInput;
  if (!leader) plan = prepare_sweep(request, false);
  detail::StopSignals signals;
  SweepOutcome outcome;
  try {
    outcome = executor.run(plan);
  } catch (const std::exception& e) {
    std::cerr << "confsim: error: " << e.what() << "\n";
    return kExitFailure;
  }
  if (outcome.stopped_by) {
    if (leader)
      std::cerr << "sweep: stopped; finished runs are kept. Resume with: mpirun … confsim " << request.command << " "
                << request.sweep_path << " -o " << request.directory << " --resume\n";
    return 128 + outcome.stopped_by;
  }
  if (!leader) return kExitOk;
  try {
    const std::size_t finished = collect_sweep(plan);
    std::cout << "wrote " << request.directory << "/manifest.h5 (" << finished << "/" << plan.runs.size() << " runs; "
              << outcome.ran << " made now by " << executor.describe() << ")\n";
    if (request.after_collect) request.after_collect(plan);
  } catch (const std::exception& e) {
    std::cerr << "confsim: error: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}



#else

std::unique_ptr<RunExecutor> mpi_executor() { throw std::runtime_error("this confsim was built without MPI"); }
bool mpi_launched() { return false; }
int run_sweep_mpi(const SweepRequest&) { throw std::runtime_error("this confsim was built without MPI"); }

#endif

}  // namespace confsim::app
