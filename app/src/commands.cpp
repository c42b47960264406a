#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include "confsim/agents/registry.hpp"
#include "confsim/app/commands.hpp"
#include "confsim/output/run_file.hpp"
#include "confsim/output/targets.hpp"
#include "confsim/sim/simulation.hpp"
#include "progress.hpp"
#include "run.hpp"

#ifndef CONFSIM_VERSION
#define CONFSIM_VERSION "0.0.0"
#endif
#ifndef CONFSIM_GIT_DESCRIBE
#define CONFSIM_GIT_DESCRIBE "unknown"
#endif

namespace confsim::app {

namespace {

std::uint64_t draw_seed() {
  std::random_device device;
  // Kept within 2^53 so every tool (JSON, R, MATLAB doubles) holds it exactly.
  return ((static_cast<std::uint64_t>(device()) << 32) | device()) & ((std::uint64_t{1} << 53) - 1);
}

void check_output_path(const std::string& output_path) {
  const std::filesystem::path p(output_path);
  const auto dir = p.parent_path().empty() ? std::filesystem::path(".") : p.parent_path();
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error))
    throw sim::InputError({{{output_path, 0, 0, ""}, "", "the output directory " + dir.string() + " does not exist"}});
  if (std::filesystem::is_directory(p, error))
    throw sim::InputError({{{output_path, 0, 0, ""}, "", "the output path is a directory; expected a file name"}});
}

}  // namespace

RunResult detail::run_loaded(const sim::ScenarioPtr& scenario, const std::string& output_path,
                             std::optional<std::uint64_t> seed, int threads, bool progress) {
  check_output_path(output_path);
  const int thread_count = threads > 0 ? threads : tbb::info::default_concurrency();
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(thread_count));
  sim::RunInfo info;
  info.scenario = scenario;
  info.seed_drawn = !seed && !scenario->seed();
  info.seed = seed ? *seed : scenario->seed() ? *scenario->seed() : draw_seed();
  info.threads = thread_count;
  info.version = version();
  info.compression = static_cast<int>(scenario->integer("output.compression"));
  auto model = agents::make_model(*scenario, info.seed);
  info.snapshot_every = sim::resolve_snapshot_every(*scenario, model->lattice_cells());

  ProgressBar bar(progress);
  output::RunFileWriter writer(output_path);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    sim::run_simulation(info, *model, writer, [&](std::int64_t tick, std::int64_t total, const sim::PhaseTimes&) {
      if (stop_signal()) throw Interrupted(stop_signal());
      bar.update(tick, total);
    });
  } catch (sim::NumericError& e) {
    e.add_context(scenario->file());
    throw;
  }
  bar.finish();
  return {info.seed, info.seed_drawn, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
}

namespace {

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

Interrupted::Interrupted(int signal)
    : std::runtime_error(std::string("interrupted by ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") +
                         "; no output file was written"),
      signal_(signal) {}

std::string version() { return std::string(CONFSIM_VERSION) + " (" + CONFSIM_GIT_DESCRIBE + ")"; }

sim::ScenarioPtr load(const std::string& path, const std::vector<std::string>& overrides,
                      std::optional<std::int64_t> ticks) {
  sim::LoadOptions options;
  options.overrides = overrides;
  options.ticks = ticks;
  return sim::load_scenario_file(path, agents::model_schemas(), options);
}

RunResult run_scenario(const RunRequest& request) {
  const auto scenario = load(request.scenario_path, request.overrides, request.ticks);
  detail::StopSignals signals;
  return detail::run_loaded(scenario, request.output_path, request.seed, request.threads, request.progress);
}

sim::ScenarioPtr load_recorded(const std::string& run_file) {
  sim::LoadOptions options;
  options.overrides = split_lines(output::read_root_attribute(run_file, "overrides"));
  return sim::load_scenario_text(output::read_root_attribute(run_file, "scenario_text"),
                                 output::read_root_attribute(run_file, "scenario_file"), agents::model_schemas(),
                                 options);
}

RunResult rerun_file(const std::string& run_file, const std::string& output_path, int threads, bool progress) {
  const auto scenario = load_recorded(run_file);
  const std::uint64_t seed = std::stoull(output::read_root_attribute(run_file, "seed"));
  detail::StopSignals signals;
  return detail::run_loaded(scenario, output_path, seed, threads, progress);
}

bool check_runs(const std::vector<std::string>& run_files, const std::string& targets_path, bool tsv,
                std::ostream& out) {
  const auto targets = output::load_targets(targets_path);
  const auto results = output::score_runs(targets, run_files);
  const auto verdict = [](const output::TargetResult& r) {
    return r.target->report_only ? "-" : r.pass ? "PASS" : "FAIL";
  };
  if (tsv) {
    out << "target\texpected\tmean\tp05\tp95\tshare_in_range\tresult\tby_construction\n";
    for (const auto& r : results)
      out << r.target->name << '\t' << r.target->describe_expectation() << '\t' << r.mean << '\t' << r.p05 << '\t'
          << r.p95 << '\t' << r.share_within << '\t' << verdict(r) << '\t'
          << (r.target->by_construction ? r.target->construction : "") << '\n';
    return std::all_of(results.begin(), results.end(), [](const auto& r) { return r.pass; });
  }
  std::size_t name_width = 6, expect_width = 8;
  for (const auto& r : results) {
    name_width = std::max(name_width, r.target->name.size());
    expect_width = std::max(expect_width, r.target->describe_expectation().size());
  }
  const auto cell = [](std::string text, std::size_t width) {
    // Widths count code points, so that ≥ and ∞ line up.
    std::size_t shown = 0;
    for (unsigned char c : text) shown += (c & 0xC0) != 0x80;
    return text + std::string(width > shown ? width - shown : 0, ' ');
  };
  const auto fixed = [](double v) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(std::abs(v) < 10 ? 2 : 1) << v;
    return s.str();
  };
  const auto row = [&](const output::TargetResult& r) {
    out << cell(r.target->name, name_width) << "  " << cell(r.target->describe_expectation(), expect_width) << "  "
        << cell(fixed(r.mean), 9) << "  " << cell("[" + fixed(r.p05) + ", " + fixed(r.p95) + "]", 21) << "  "
        << cell(r.target->report_only ? "" : fixed(r.share_within * 100) + "%", 8) << "  " << verdict(r) << "\n";
  };
  const auto header = [&] {
    out << cell("target", name_width) << "  " << cell("expected", expect_width) << "  " << cell("mean", 9) << "  "
        << cell("90% interval", 21) << "  " << cell("in range", 8) << "  result\n";
  };
  // Targets that test the model, then those an input or a schedule makes true whatever the model
  // does: only the first group says anything about the mechanisms.
  std::size_t tests = 0, tests_met = 0, forced = 0, forced_met = 0, reported = 0;
  for (const auto& r : results) {
    if (r.target->report_only) {
      ++reported;
    } else if (r.target->by_construction) {
      ++forced;
      forced_met += r.pass ? 1 : 0;
    } else {
      ++tests;
      tests_met += r.pass ? 1 : 0;
    }
  }
  const bool grouped = forced > 0;
  if (grouped) out << "Tests of the model\n";
  header();
  for (const auto& r : results)
    if (!r.target->by_construction) row(r);
  if (grouped) {
    out << "\nBy construction (true because of an input or a schedule, whatever the model does)\n";
    header();
    for (const auto& r : results)
      if (r.target->by_construction) {
        row(r);
        out << "    by construction: " << r.target->construction << "\n";
      }
    out << "\n";
  }
  std::string summary;
  if (tests > 0) summary += std::to_string(tests_met) + "/" + std::to_string(tests) + " targets met";
  if (forced > 0)
    summary += (summary.empty() ? "" : " (tests of the model), ") + std::to_string(forced_met) + "/" +
               std::to_string(forced) + " by construction";
  if (reported > 0) summary += (summary.empty() ? "" : ", ") + std::to_string(reported) + " outcomes reported";
  out << summary << " over " << run_files.size() << " run" << (run_files.size() == 1 ? "" : "s") << " ("
      << targets_path << ")\n";
  return tests_met == tests && forced_met == forced;
}

void print_run_file_info(const std::string& path, std::ostream& out, bool brief) {
  const auto summary = output::read_run_file_summary(path);
  const auto attr = [&](const std::string& name) {
    const auto it = summary.attributes.find(name);
    return it == summary.attributes.end() ? std::string("?") : it->second;
  };
  out << path << ": confsim run file (format " << attr("confsim_file_format") << ", written by confsim "
      << attr("confsim_version") << ")\n"
      << "  scenario " << attr("scenario_name") << " [" << attr("model")
      << (attr("preset").empty() ? "" : ", preset " + attr("preset")) << "] from " << attr("scenario_file") << "\n"
      << "  seed " << attr("seed") << (attr("seed_drawn") == "1" ? " (drawn)" : "") << ", " << attr("ticks")
      << " ticks from " << attr("start_date") << ", " << attr("threads") << " threads, " << attr("wall_seconds")
      << " s\n";
  if (!attr("overrides").empty() && attr("overrides") != "?") out << "  overrides: " << attr("overrides") << "\n";
  if (brief) {
    // Variables grouped by where they live and the dimension they run along; coordinates left out.
    std::vector<std::pair<std::string, std::string>> order;
    std::map<std::pair<std::string, std::string>, std::string> names;
    for (const auto& v : summary.variables) {
      if (v.dims.size() == 1 && v.dims[0] == v.name) continue;
      std::string along = v.dims.empty() ? "scalar" : v.dims[0] + "=" + std::to_string(v.shape[0]);
      const auto key = std::make_pair(v.group, along);
      if (!names.count(key)) order.push_back(key);
      std::string rest;
      for (std::size_t i = 1; i < v.dims.size(); ++i) rest += (i > 1 ? "," : "") + v.dims[i];
      names[key] += " " + v.name + (rest.empty() ? "" : "(" + rest + ")");
    }
    for (const auto& key : order)
      out << "  " << (key.first.empty() ? "/" : "/" + key.first) << " along " << key.second << ":" << names[key]
          << "\n";
    return;
  }
  std::string current_group = "-";
  for (const auto& v : summary.variables) {
    if (v.group != current_group) {
      out << "  group " << (v.group.empty() ? "/" : "/" + v.group) << "\n";
      current_group = v.group;
    }
    std::string dims;
    for (std::size_t i = 0; i < v.dims.size(); ++i)
      dims += (i ? ", " : "") + v.dims[i] + "=" + std::to_string(v.shape[i]);
    out << "    " << std::left << std::setw(24) << v.name << std::setw(34) << ("(" + dims + ")") << v.long_name << "\n";
  }
}

std::string scenario_reference() { return sim::scenario_reference_markdown(agents::model_schemas()); }

}  // namespace confsim::app
