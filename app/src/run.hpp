#pragma once
// What the run and sweep commands share inside app/: one run from a loaded scenario, and the
// SIGINT/SIGTERM handling that stops runs (stop_signals.cpp).
#include <csignal>
#include <optional>
#include <string>
#include <thread>

#include "confsim/app/commands.hpp"

namespace confsim::app::detail {

// While alive, a first SIGINT or SIGTERM sets a flag that runs read at the end of every tick; a
// second one, or a first one that the run has not acted on within CONFSIM_STOP_GRACE_SECONDS
// (default 5), removes every temporary output file and ends the process with 128 + the signal.
// One at a time in a process.
class StopSignals {
 public:
  StopSignals();  // throws sim::InputError if CONFSIM_STOP_GRACE_SECONDS is not a number ≥ 0
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  std::thread watchdog_;
};
int stop_signal();  // 0, or the signal received

// Runs and writes the file atomically; throws Interrupted when a stop signal arrives.
RunResult run_loaded(const sim::ScenarioPtr& scenario, const std::string& output_path,
                     std::optional<std::uint64_t> seed, int threads, bool progress);

}  // namespace confsim::app::detail
