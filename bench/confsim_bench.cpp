// The benchmark harness: runs one scenario in this process through the engine, times a stretch of
// ticks after a warm-up, and prints one JSON object with the rate, the time per phase and step,
// and peak memory. bench/run_benchmarks.py runs the matrix (one process per case, so each peak is
// its own) and writes the table in docs/performance.md.
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "confsim/agents/registry.hpp"
#include "confsim/output/run_file.hpp"
#include "confsim/sim/diagnostics.hpp"
#include "confsim/sim/scenario.hpp"
#include "confsim/sim/simulation.hpp"

namespace {

using namespace confsim;

// Resident memory from /proc/self/status: "VmRSS" now, "VmHWM" the peak so far.
std::uint64_t status_bytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1)) * 1024;
  return 0;
}

// Takes everything and keeps nothing: the run's cost without the file.
class DiscardingRecorder final : public sim::Recorder {
 public:
  void begin(const sim::RunInfo&, const sim::OutputSchema&) override {}
  void record_statics(const std::vector<sim::VariableData>&) override {}
  void record_tick(std::int64_t, const std::vector<double>&) override {}
  void record_events(const std::vector<sim::EventRecord>&) override {}
  void record_snapshot(std::int64_t, const std::vector<sim::VariableData>&) override {}
  void finish(const std::map<std::string, double>&, const std::map<std::string, double>&) override {}
};

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return out + "\"";
}

std::string json_map(const std::map<std::string, double>& m) {
  std::ostringstream out;
  out << std::setprecision(6) << "{";
  const char* sep = "";
  for (const auto& [k, v] : m) {
    out << sep << json_string(k) << ": " << v;
    sep = ", ";
  }
  return out.str() + "}";
}

std::map<std::string, double> minus(const std::map<std::string, double>& later,
                                    const std::map<std::string, double>& earlier) {
  std::map<std::string, double> d;
  for (const auto& [k, v] : later) {
    const auto it = earlier.find(k);
    d[k] = v - (it == earlier.end() ? 0.0 : it->second);
  }
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli("Times one confsim scenario: a warm-up, then a measured stretch of ticks. Prints one JSON object.");
  std::string scenario_path, output_path, label;
  std::vector<std::string> overrides;
  int threads = 0;
  std::int64_t ticks = 20, warmup = 2;
  std::uint64_t seed = 1;
  cli.add_option("scenario", scenario_path, "Scenario file")->required()->check(CLI::ExistingFile);
  cli.add_option("--set", overrides, "Override a parameter, path=value (repeatable)");
  cli.add_option("--threads", threads, "Worker threads (default: all cores)")->check(CLI::Range(0, 1024));
  cli.add_option("--ticks", ticks,
                 "Ticks to measure after the warm-up; 0 runs the scenario's own calendar and measures all of it")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{10'000'000}));
  cli.add_option("--warmup", warmup, "Ticks run before the measured stretch (default 2)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000}));
  cli.add_option("--seed", seed, "Seed (default 1)");
  cli.add_option("--output", output_path,
                 "Write a real run file here (series every tick, snapshots as the scenario says); "
                 "without it the output is computed and discarded");
  cli.add_option("--label", label, "A name for this case in the JSON");
  CLI11_PARSE(cli, argc, argv);

  try {
    sim::LoadOptions options;
    options.overrides = overrides;
    if (ticks > 0) {
      options.ticks = warmup + ticks;
    } else {
      warmup = 0;
    }
    const auto scenario = sim::load_scenario_file(scenario_path, agents::model_schemas(), options);
    const int thread_count = threads > 0 ? threads : tbb::info::default_concurrency();
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(thread_count));
    const std::uint64_t rss_before = status_bytes("VmRSS");

    const auto t_start = std::chrono::steady_clock::now();
    auto model = agents::make_model(*scenario, seed);
    sim::RunInfo info;
    info.scenario = scenario;
    info.seed = seed;
    info.threads = thread_count;
    info.version = "bench";
    info.compression = static_cast<int>(scenario->integer("output.compression"));
    info.snapshot_every = sim::resolve_snapshot_every(*scenario, model->lattice_cells());
    std::unique_ptr<sim::Recorder> recorder;
    if (output_path.empty())
      recorder = std::make_unique<DiscardingRecorder>();
    else
      recorder = std::make_unique<output::RunFileWriter>(output_path);

    // The stretch starts when the warm-up's last tick ends (or, with no warm-up, at the start).
    auto t_measure = t_start;
    // Resident memory while ticks run, sampled at the end of the first measured tick, every 64th
    // and the last: reading it costs tens of microseconds, as much as a small lattice's tick.
    std::uint64_t rss_running = 0;
    std::map<std::string, double> phases_at_start, steps_at_start;
    const sim::PhaseTimes all = sim::run_simulation(
        info, *model, *recorder, [&](std::int64_t tick, std::int64_t last, const sim::PhaseTimes& so_far) {
          const bool sampled = tick == warmup + 1 || tick % 64 == 0 || tick == last;
          if ((tick > warmup || warmup == 0) && sampled) rss_running = std::max(rss_running, status_bytes("VmRSS"));
          if (warmup > 0 && tick == warmup) {
            t_measure = std::chrono::steady_clock::now();
            phases_at_start = so_far.seconds;
            steps_at_start = model->step_seconds();
          }
        });
    const auto t_end = std::chrono::steady_clock::now();
    const std::int64_t measured = scenario->ticks() - warmup;
    const double seconds = std::chrono::duration<double>(t_end - t_measure).count();
    const double total_seconds = std::chrono::duration<double>(t_end - t_start).count();
    const auto phases = minus(all.seconds, phases_at_start);
    const auto steps = minus(model->step_seconds(), steps_at_start);
    const std::uint64_t peak = status_bytes("VmHWM");
    const double agents = static_cast<double>(model->field_agents());
    // Citizens, where the model has them: the size of its output's "citizen" dimension.
    double citizens = 0;
    for (const auto& d : model->output_schema().dimensions)
      if (d.name == "citizen") citizens = static_cast<double>(d.size);
    const double state = static_cast<double>(rss_running > rss_before ? rss_running - rss_before : 0);
    const double per_tick = seconds / static_cast<double>(measured);
    double phase_total = 0;
    for (const auto& [k, v] : phases) phase_total += v;

    std::map<std::string, double> phase_ms, step_ms;
    for (const auto& [k, v] : phases) phase_ms[k] = 1000 * v / static_cast<double>(measured);
    for (const auto& [k, v] : steps) step_ms[k] = 1000 * v / static_cast<double>(measured);
    std::cout << std::setprecision(6) << "{\"label\": " << json_string(label)
              << ", \"scenario\": " << json_string(scenario_path) << ", \"threads\": " << thread_count
              << ", \"cells\": " << model->lattice_cells() << ", \"field_agents\": " << model->field_agents()
              << ", \"measured_ticks\": " << measured << ", \"seconds_per_tick\": " << per_tick
              << ", \"agent_steps_per_second\": " << agents / per_tick << ", \"total_seconds\": " << total_seconds
              << ", \"record_share\": " << (phase_total > 0 ? phases.at("record") / phase_total : 0.0)
              << ", \"phase_ms_per_tick\": " << json_map(phase_ms) << ", \"step_ms_per_tick\": " << json_map(step_ms)
              << ", \"peak_rss_bytes\": " << peak << ", \"rss_before_model_bytes\": " << rss_before
              << ", \"bytes_per_agent\": " << static_cast<double>(peak - rss_before) / agents
              << ", \"running_rss_bytes\": " << rss_running << ", \"state_bytes_per_agent\": " << state / agents
              << ", \"citizens\": " << citizens
              << ", \"state_bytes_per_citizen\": " << (citizens > 0 ? state / citizens : 0.0) << "}" << std::endl;
    return 0;
  } catch (const sim::InputError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "confsim_bench: " << e.what() << "\n";
    return 1;
  }
}
