#pragma once
// The studies made of many runs: calibration (ABC-SMC) and sensitivity analysis (Sobol, Morris).
#include <string>

#include "sweep_internal.hpp"

namespace confsim::app {

struct CalibrateRequest {
  std::string calibration_path;
  std::string directory;
  int jobs = 0;        // local worker threads (0: all cores)
  bool slurm = false;  // write an sbatch script that runs the calibration under mpirun, instead of running
  int slurm_tasks = 32;
  std::string partition, time_limit = "24:00:00";
  bool under_mpi = false;  // set by the command: started by mpirun with several ranks
};

// confsim calibrate: returns the exit code.
int calibrate_command(const CalibrateRequest& request);
// confsim sensitivity: the sweep of a saltelli or morris design, then DIR/sensitivity.h5.
int sensitivity_command(SweepRequest request);

}  // namespace confsim::app
