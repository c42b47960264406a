#include <CLI/CLI.hpp>

#include <iostream>

#include "confsim/app/commands.hpp"
#include "studies.hpp"
#include "sweep_internal.hpp"
#include "confsim/sim/diagnostics.hpp"

namespace confsim::app {
namespace {

void print_input_error(const sim::InputError& error) {
  for (const auto& d : error.diagnostics()) std::cerr << d.describe() << "\n";
  const auto n = error.diagnostics().size();
  if (n > 1) std::cerr << n << " problems found\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"confsim " + version() +
               " — agent-based conflict simulation.\n"
               "Runs a scenario YAML file and writes its trajectories to an HDF5 (netCDF-4) file that "
               "xarray, R, Julia, MATLAB and ncdump read directly.\n"
               "Exit codes: 0 success, 1 the run failed, 2 invalid input (scenario, override or argument, or values that "
               "together lead the model to a number it cannot use), 130/143 stopped by SIGINT/SIGTERM.\n"
               "A first SIGINT or SIGTERM stops a run at the end of its tick; a second one, or a tick that has not "
               "ended CONFSIM_STOP_GRACE_SECONDS (default 5) later, stops it at once. Either way no output file is "
               "left, under its name or a temporary one."};
  cli.set_version_flag("--version", version());
  cli.require_subcommand(1);

  RunRequest run;
  auto* run_cmd = cli.add_subcommand("run", "Run a scenario and write its trajectories to an HDF5 file.");
  run_cmd->add_option("scenario", run.scenario_path, "Scenario YAML file")->required();
  run_cmd->add_option("-o,--output", run.output_path, "Output HDF5 file (written atomically)")->required();
  run_cmd->add_option("--seed", run.seed, "Master seed (default: the scenario's seed:, else drawn and recorded)");
  run_cmd->add_option("--threads", run.threads, "Worker threads (default: all cores); never changes results")
      ->check(CLI::Range(1, 1024));
  run_cmd->add_option("--ticks", run.ticks, "Run this many ticks instead of calendar.ticks (recorded as an override)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{10'000'000}));
  run_cmd->add_option("--set", run.overrides,
                      "Override a parameter, e.g. --set government.legitimacy=0.7 (repeatable; validated and "
                      "recorded in the output)");
  bool quiet = false;
  run_cmd->add_flag("-q,--quiet", quiet, "No progress bar and no summary");

  std::string rerun_input, rerun_output;
  int rerun_threads = 0;
  auto* rerun_cmd = cli.add_subcommand(
      "rerun", "Run again what a run file records (scenario text, overrides, seed) into a new file.");
  rerun_cmd->add_option("run_file", rerun_input, "A run file written by confsim run")->required();
  rerun_cmd->add_option("-o,--output", rerun_output, "Output HDF5 file")->required();
  rerun_cmd->add_option("--threads", rerun_threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 1024));

  std::string validate_path;
  std::vector<std::string> validate_overrides;
  auto* validate_cmd = cli.add_subcommand("validate", "Check a scenario: keys, types, ranges, events. Exit 0 or 2.");
  validate_cmd->add_option("scenario", validate_path, "Scenario YAML file")->required();
  validate_cmd->add_option("--set", validate_overrides, "Override a parameter, as for run");

  std::string explain_path;
  std::vector<std::string> explain_overrides;
  auto* explain_cmd =
      cli.add_subcommand("explain", "Print every parameter with its value and provenance (source or assumption).");
  explain_cmd->add_option("scenario", explain_path, "Scenario YAML file")->required();
  explain_cmd->add_option("--set", explain_overrides, "Override a parameter, as for run");
  std::string explain_format = "text";
  explain_cmd
      ->add_option("--format", explain_format,
                   "text: an aligned table; json: one object with every parameter's path, type, value, range "
                   "(min, max, min_open, max_open), schedulable and provenance, for programs")
      ->check(CLI::IsMember({"text", "json"}));

  std::string info_path;
  auto* info_cmd = cli.add_subcommand("info", "Describe a run file: how it was made and what it holds.");
  info_cmd->add_option("run_file", info_path, "A run file written by confsim run")->required();

  std::vector<std::string> check_files;
  std::string targets_path;
  auto* check_cmd = cli.add_subcommand(
      "check",
      "Score run files against calibration targets: for each target its expectation, the mean and 90% interval "
      "over the runs, and PASS or FAIL. Exit 0 when every target passes, 1 when one fails, 2 for bad input.");
  check_cmd->add_option("run_files", check_files, "Run files written by confsim run (e.g. one per seed)")->required();
  check_cmd->add_option("--targets", targets_path, "Targets YAML file (e.g. scenarios/iraq/targets.yaml)")->required();
  bool check_tsv = false;
  check_cmd->add_flag("--tsv", check_tsv,
                      "Tab-separated output for other programs: target, expected, mean, p05, p95, share_in_range, "
                      "result");

  std::vector<std::string> export_files;
  std::string export_format = "acled", export_output;
  auto* export_cmd = cli.add_subcommand(
      "export",
      "Write run files' events as ACLED or UCDP GED rows (CSV, UTF-8), through the crosswalk each file carries "
      "from its scenario's event_data (docs/event-data.md). Several runs make one file with a first column `run`.");
  export_cmd->add_option("run_files", export_files, "Run files written by confsim run")->required();
  export_cmd
      ->add_option("--format", export_format,
                   "acled: one row per event with ACLED's columns, event types and actor types (protests one per "
                   "region and day, with what was done to them); ucdp: UCDP GED's columns, one row per event that "
                   "killed")
      ->check(CLI::IsMember({"acled", "ucdp"}));
  export_cmd->add_option("-o,--output", export_output, "CSV file to write (atomically); default: standard output");

  std::vector<std::string> compare_files;
  std::string compare_observed;
  CompareOptions compare;
  auto* compare_cmd = cli.add_subcommand(
      "compare",
      "Score run files against observed events (an ACLED or UCDP GED CSV): counts (or fatalities) by month, admin1 "
      "and event type, each observed value against the runs' mean and 90% interval; then the share of cells inside "
      "the interval, the mean CRPS and the rank correlation across admin1. Exit 0, or 2 for bad input.");
  compare_cmd->add_option("run_files", compare_files, "Run files written by confsim run (e.g. one per seed)")
      ->required();
  compare_cmd->add_option("--observed", compare_observed, "Observed events: an ACLED or UCDP GED CSV")->required();
  compare_cmd
      ->add_option("--by", compare.by,
                   "What a cell is: any of month, admin1, event_type, comma-separated (default: all three)")
      ->delimiter(',')
      ->check(CLI::IsMember({"month", "admin1", "event_type"}));
  compare_cmd->add_flag("--fatalities", compare.fatalities, "Compare fatalities instead of counts of events");
  compare_cmd->add_option("--from", compare.from, "First day compared (default: the first observed day in the runs)");
  compare_cmd->add_option("--to", compare.to, "Last day compared (default: the last observed day in the runs)");
  compare_cmd->add_flag("--tsv", compare.tsv,
                        "Tab-separated cells for other programs: the --by columns, observed, mean, p05, p95, in_90, "
                        "crps");

  SweepRequest sweep;
  auto* sweep_cmd = cli.add_subcommand(
      "sweep",
      "Run a parameter sweep: every design point x replicate of SWEEP.yaml into DIR/runs/run_NNNNNN.h5, then "
      "DIR/manifest.h5 indexing them all. Runs locally on --jobs threads, across ranks under mpirun, or as a "
      "Slurm array job (--slurm). A directory made with the same sweep is resumed: finished runs are kept.");
  sweep_cmd->add_option("sweep", sweep.sweep_path, "Sweep YAML file (see docs/sweeps.md)");
  sweep_cmd->add_option("-o,--output", sweep.directory, "Sweep directory (created; resumed if it holds this sweep)");
  sweep_cmd->add_option("--jobs", sweep.jobs, "Runs at once on this machine (default: all cores)")
      ->check(CLI::Range(1, 4096));
  sweep_cmd->add_flag("--resume", sweep.resume, "Resume the sweep in DIR (also the default when DIR holds it)");
  sweep_cmd->add_option("--task", sweep.task, "Run only the runs with index % TASKS == TASK (array tasks)")
      ->check(CLI::NonNegativeNumber);
  sweep_cmd->add_option("--tasks", sweep.tasks, "Number of array tasks sharing the sweep")->check(CLI::PositiveNumber);
  sweep_cmd->add_flag("--slurm", sweep.slurm, "Write DIR/slurm/sweep.sbatch, a Slurm array job, instead of running");
  sweep_cmd->add_option("--array-size", sweep.slurm_tasks, "Array tasks for --slurm (default 1000, at most one per run)")
      ->check(CLI::PositiveNumber);
  sweep_cmd->add_option("--array-max", sweep.array_max, "At most this many array tasks at once (--slurm)")
      ->check(CLI::PositiveNumber);
  sweep_cmd->add_option("--partition", sweep.partition, "Slurm partition (--slurm)");
  std::string collect_directory;
  sweep_cmd->add_option("--collect", collect_directory, "Build DIR/manifest.h5 from the run files in DIR");

  CalibrateRequest calibrate;
  auto* calibrate_cmd = cli.add_subcommand(
      "calibrate",
      "Calibrate parameters by ABC-SMC: priors, summaries or targets and settings in CAL.yaml; writes "
      "DIR/posterior.h5 (every generation's particles, weights, distances, tolerances), DIR/posterior_mean.yaml (a "
      "scenario at the posterior means, with their provenance) and DIR/validation.tsv (posterior predictive runs on "
      "seeds the fit never used). Runs on this machine's cores, on every rank under mpirun, or as a Slurm job "
      "(--slurm). A directory made with the same file is resumed and gives the same posterior.");
  calibrate_cmd->add_option("calibration", calibrate.calibration_path, "Calibration YAML file (see docs/calibration.md)")
      ->required();
  calibrate_cmd->add_option("-o,--output", calibrate.directory, "Calibration directory (created; resumed if it holds this file)")
      ->required();
  calibrate_cmd->add_option("--jobs", calibrate.jobs, "Runs at once on this machine (default: all cores)")
      ->check(CLI::PositiveNumber);
  calibrate_cmd->add_flag("--slurm", calibrate.slurm,
                          "Write DIR/slurm/calibrate.sbatch (mpirun over the job's tasks) instead of running");
  calibrate_cmd->add_option("--ntasks", calibrate.slurm_tasks, "MPI ranks of the Slurm job (--slurm; default 32)")
      ->check(CLI::PositiveNumber);
  calibrate_cmd->add_option("--time", calibrate.time_limit, "Time limit of the Slurm job (--slurm; default 24:00:00)");
  calibrate_cmd->add_option("--partition", calibrate.partition, "Slurm partition (--slurm)");

  SweepRequest sensitivity;
  std::string sensitivity_collect;
  auto* sensitivity_cmd = cli.add_subcommand(
      "sensitivity",
      "Global sensitivity analysis: SA.yaml is a sweep file with design: saltelli (Sobol first- and total-order "
      "indices with bootstrap intervals) or design: morris (elementary effects mu, mu*, sigma). Runs the design "
      "like a sweep (local, mpirun, or --slurm array tasks; resumable), then writes DIR/sensitivity.h5 and prints "
      "the parameters by influence.");
  sensitivity_cmd->add_option("analysis", sensitivity.sweep_path, "Sensitivity YAML file (see docs/calibration.md)");
  sensitivity_cmd->add_option("-o,--output", sensitivity.directory, "Analysis directory (created; resumed if it holds this file)");
  sensitivity_cmd->add_option("--jobs", sensitivity.jobs, "Runs at once on this machine (default: all cores)")
      ->check(CLI::PositiveNumber);
  sensitivity_cmd->add_flag("--slurm", sensitivity.slurm,
                            "Write DIR/slurm/sweep.sbatch, a Slurm array job, instead of running");
  sensitivity_cmd->add_option("--array-size", sensitivity.slurm_tasks, "Array tasks for --slurm (default 1000)")
      ->check(CLI::PositiveNumber);
  sensitivity_cmd->add_option("--partition", sensitivity.partition, "Slurm partition (--slurm)");
  sensitivity_cmd->add_option("--collect", sensitivity_collect,
                              "Analyse DIR once its runs are made (after a Slurm array job)");

  auto* reference_cmd =
      cli.add_subcommand("reference", "Print the scenario reference (every key, type, default) as Markdown.");

  ViewRequest view;
  auto* view_cmd = cli.add_subcommand(
      "view",
      "Serve an interactive viewer of run files on 127.0.0.1 and open it in the browser: a time cursor over the "
      "run's dates (slider, play, arrow keys; ?tick=N in the address), the lattice snapshot nearest the cursor, "
      "the series as linked charts, the events with filters, the scenario's provenance; two or more run files "
      "side by side with their difference; a sweep directory's manifest with a click through to any run. "
      "Runs until Ctrl-C. Exit 2 when nothing given can be shown (each bad path gets one line).");
  view_cmd->add_option("paths", view.paths, "Run files (.h5), and at most one sweep directory (with manifest.h5)")
      ->required();
  view_cmd->add_option("--port", view.port, "Port on 127.0.0.1 (default: a free one, printed)")
      ->check(CLI::Range(0, 65535));
  bool view_no_browser = false;
  view_cmd->add_flag("--no-browser", view_no_browser, "Print the address only; do not open a browser");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return cli.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    cli.exit(e);
    return kExitInvalidInput;
  }

  try {
    if (*run_cmd) {
      run.progress = !quiet;
      const RunResult result = run_scenario(run);
      if (!quiet) {
        std::cout << "wrote " << run.output_path << " (seed " << result.seed << (result.seed_drawn ? ", drawn" : "")
                  << ", " << result.seconds << " s)\n";
        print_run_file_info(run.output_path, std::cout, true);
      }
    } else if (*rerun_cmd) {
      const RunResult result = rerun_file(rerun_input, rerun_output, rerun_threads, true);
      std::cout << "wrote " << rerun_output << " (seed " << result.seed << ", " << result.seconds << " s)\n";
    } else if (*validate_cmd) {
      const auto scenario = load(validate_path, validate_overrides);
      std::cout << validate_path << ": valid (" << scenario->model() << ", " << scenario->parameters().size()
                << " parameters, " << scenario->events().size() << " scheduled events, " << scenario->ticks()
                << " ticks)\n";
    } else if (*explain_cmd) {
      const auto scenario = load(explain_path, explain_overrides);
      if (explain_format == "json")
        print_explanation_json(*scenario, std::cout);
      else
        print_explanation(*scenario, std::cout);
    } else if (*info_cmd) {
      try {
        print_run_file_info(info_path, std::cout, false);
      } catch (const std::runtime_error& e) {
        std::cerr << "confsim: error: " << e.what() << "\n";  // the file given is the bad input
        return kExitInvalidInput;
      }
    } else if (*check_cmd) {
      try {
        return check_runs(check_files, targets_path, check_tsv, std::cout) ? kExitOk : kExitFailure;
      } catch (const std::runtime_error& e) {
        if (dynamic_cast<const sim::InputError*>(&e)) throw;
        std::cerr << "confsim: error: " << e.what() << "\n";  // a run file given is the bad input
        return kExitInvalidInput;
      }
    } else if (*export_cmd || *compare_cmd) {
      try {
        if (*export_cmd)
          export_events(export_files, export_format, export_output);
        else
          compare_with_observed(compare_files, compare_observed, compare, std::cout);
      } catch (const std::ios_base::failure& e) {
        std::cerr << "confsim: error: " << e.what() << "\n";
        return kExitFailure;
      } catch (const std::runtime_error& e) {
        if (dynamic_cast<const sim::InputError*>(&e)) throw;
        std::cerr << "confsim: error: " << e.what() << "\n";  // a run file given is the bad input
        return kExitInvalidInput;
      } catch (const std::invalid_argument& e) {
        std::cerr << "confsim " << (*export_cmd ? "export" : "compare") << ": " << e.what() << "\n";
        return kExitInvalidInput;
      }
    } else if (*sweep_cmd) {
      if (!collect_directory.empty()) {
        sweep.collect = true;
        sweep.directory = collect_directory;
      } else if (sweep.sweep_path.empty() || sweep.directory.empty()) {
        std::cerr << "confsim sweep: expected SWEEP.yaml -o DIR, or --collect DIR (see confsim sweep --help)\n";
        return kExitInvalidInput;
      }
      if ((sweep.task >= 0) != (sweep.tasks > 0) || (sweep.tasks > 0 && sweep.task >= sweep.tasks)) {
        std::cerr << "confsim sweep: --task and --tasks go together, with 0 <= TASK < TASKS\n";
        return kExitInvalidInput;
      }
      return sweep_command(sweep);
    } else if (*calibrate_cmd) {
      return calibrate_command(calibrate);
    } else if (*sensitivity_cmd) {
      if (!sensitivity_collect.empty()) {
        sensitivity.collect = true;
        sensitivity.directory = sensitivity_collect;
      } else if (sensitivity.sweep_path.empty() || sensitivity.directory.empty()) {
        std::cerr << "confsim sensitivity: expected SA.yaml -o DIR, or --collect DIR (see confsim sensitivity --help)\n";
        return kExitInvalidInput;
      }
      return sensitivity_command(sensitivity);
    } else if (*view_cmd) {
      view.open_browser = !view_no_browser;
      return view_command(view);
    } else if (*reference_cmd) {
      std::cout << scenario_reference();
    }
  } catch (const sim::InputError& e) {
    print_input_error(e);
    return kExitInvalidInput;
  } catch (const sim::NumericError& e) {
    std::cerr << "confsim: error: " << e.what()
              << "\nThe scenario's values are each within their ranges, but together they led the model to a "
                 "number it cannot use: the quantity named follows from them.\n";
    return kExitInvalidInput;
  } catch (const Interrupted& e) {
    std::cerr << "confsim: " << e.what() << "\n";
    return 128 + e.signal();
  } catch (const std::exception& e) {
    std::cerr << "confsim: error: " << e.what() << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace confsim::app
