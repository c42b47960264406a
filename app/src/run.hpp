#pragma once
// What the run and sweep commands share inside app/: one run from a loaded scenario, and the
// SIGINT/SIGTERM flag that stops runs at the end of a tick.
#include <csignal>
#include <optional>
#include <string>

#include "confsim/app/commands.hpp"

namespace confsim::app::detail {

// While alive, SIGINT and SIGTERM set a flag instead of killing the process.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;
};
int stop_signal();  // 0, or the signal received

// Runs and writes the file atomically; throws Interrupted when a stop signal arrives.
RunResult run_loaded(const sim::ScenarioPtr& scenario, const std::string& output_path,
                     std::optional<std::uint64_t> seed, int threads, bool progress);

}  // namespace confsim::app::detail
