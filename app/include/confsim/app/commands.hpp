#pragma once
// The confsim command's subcommands as functions, so tests drive exactly what users run.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "confsim/sim/scenario.hpp"

namespace confsim::app {

std::string version();

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;       // the run itself failed (I/O, disk full …)
inline constexpr int kExitInvalidInput = 2;  // the scenario, an override or an argument is wrong

// Thrown when SIGINT or SIGTERM stops a run; the partial output has been removed.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }

 private:
  int signal_;
};

struct RunRequest {
  std::string scenario_path;
  std::string output_path;
  std::optional<std::uint64_t> seed;
  int threads = 0;  // 0: all cores
  std::optional<std::int64_t> ticks;
  std::vector<std::string> overrides;
  bool progress = false;
};

struct RunResult {
  std::uint64_t seed = 0;
  bool seed_drawn = false;
  double seconds = 0;
};

// Loads (throws sim::InputError), runs and writes the file atomically (throws std::runtime_error).
RunResult run_scenario(const RunRequest& request);
// Re-runs what a run file records (scenario text, overrides, seed) into a new file.
RunResult rerun_file(const std::string& run_file, const std::string& output_path, int threads, bool progress);

sim::ScenarioPtr load(const std::string& path, const std::vector<std::string>& overrides = {},
                      std::optional<std::int64_t> ticks = std::nullopt);
// The scenario a run file was made from: its recorded text with its recorded overrides.
sim::ScenarioPtr load_recorded(const std::string& run_file);
void print_explanation(const sim::Scenario& scenario, std::ostream& out);
// The same as one JSON object: the scenario's name, model and calendar, then "parameters" (path, type,
// value, unit, min, max, min_open, max_open, schedulable, provenance …) and "events".
void print_explanation_json(const sim::Scenario& scenario, std::ostream& out);
void print_run_file_info(const std::string& path, std::ostream& out, bool brief);
std::string scenario_reference();
// Prints the table of targets met by the run files (aligned, or tab-separated); true when every
// target passes.
bool check_runs(const std::vector<std::string>& run_files, const std::string& targets_path, bool tsv,
                std::ostream& out);

// Writes the run files' events as one ACLED or UCDP GED CSV ("acled" | "ucdp") to output_path
// (atomically), or to standard output when it is empty or "-".
void export_events(const std::vector<std::string>& run_files, const std::string& format,
                   const std::string& output_path);

struct ViewRequest {
  std::vector<std::string> paths;  // run files, or sweep directories (holding manifest.h5)
  int port = 0;                    // 0: a free port
  bool open_browser = true;
};
// Serves the viewer on 127.0.0.1 until SIGINT or SIGTERM; returns the exit code.
int view_command(const ViewRequest& request);

struct CompareOptions {
  std::vector<std::string> by;  // month, admin1, event_type (default: all three)
  bool fatalities = false;      // compare fatalities instead of counts of events
  std::string from, to;         // YYYY-MM-DD; default: the observed dates within the runs' period
  bool tsv = false;
};
// Prints the table of observed against simulated cells and the scores (coverage of the 90%
// interval, CRPS, rank correlation across admin1). Throws sim::InputError for a bad observed file.
void compare_with_observed(const std::vector<std::string>& run_files, const std::string& observed_path,
                           const CompareOptions& options, std::ostream& out);

// The command line; returns the process exit code.
int main(int argc, char** argv);

}  // namespace confsim::app
