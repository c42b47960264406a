// Parameter-space fuzzing: runs scenarios with their parameters set to the ends of their declared
// ranges and to random values within them, one at a time and many at once, and requires of every
// run what a user may expect of any valid scenario:
//   - it is refused at load with a message naming a parameter (the command's exit 2), or
//   - it runs every tick with no error, and
//   - no series, snapshot or static holds NaN or infinity, every event names what exists with
//     counts of at least 0, and the model's accounting identities hold after every tick
//     (Model::broken_invariants);
//   - and it never hangs (a watchdog ends the program, naming the case) or crashes (the case is
//     printed first).
// Each finding prints the `confsim run` command that reproduces it. A finding, once fixed, becomes a
// regression case: a file in tests/fuzz/parameter_regressions/ that --replay runs with the same checks.
//
//   confsim_parameter_fuzz [--seconds S] [--ticks N] [--seed K] SCENARIO...
//   confsim_parameter_fuzz --replay DIR_OR_FILE...
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <tbb/global_control.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "confsim/agents/registry.hpp"
#include "confsim/sim/diagnostics.hpp"
#include "confsim/sim/schema.hpp"
#include "confsim/sim/simulation.hpp"

namespace sim = confsim::sim;
using Clock = std::chrono::steady_clock;

extern "C" void __sanitizer_set_death_callback(void (*)(void)) __attribute__((weak));

namespace {

// ---- what a case is ----

struct Case {
  std::string scenario;
  std::string kind;  // "end", "random value", "many at once", "regression"
  std::uint64_t seed = 1;
  std::int64_t ticks = 30;
  std::vector<std::string> settings;  // "path=value", as --set takes them
};

std::string command_line(const Case& c, int threads) {
  std::string line = "confsim run " + c.scenario + " -o run.h5 --seed " + std::to_string(c.seed) + " --ticks " +
                     std::to_string(c.ticks) + " --threads " + std::to_string(threads);
  for (const auto& s : c.settings) line += " --set " + s;
  return line;
}

// The case under way, kept where a crash handler can write it without allocating.
char g_current_case[16384];
std::size_t g_current_case_length = 0;

void remember(const std::string& text) {
  g_current_case_length = std::min(text.size(), sizeof g_current_case - 1);
  std::memcpy(g_current_case, text.data(), g_current_case_length);
}

extern "C" void print_current_case() {
  constexpr char kPrefix[] = "\nparameter fuzz: the case that was running:\n  ";
  [[maybe_unused]] auto a = ::write(STDERR_FILENO, kPrefix, sizeof kPrefix - 1);
  [[maybe_unused]] auto b = ::write(STDERR_FILENO, g_current_case, g_current_case_length);
  [[maybe_unused]] auto c = ::write(STDERR_FILENO, "\n", 1);
}

extern "C" void on_fatal_signal(int signal) {
  print_current_case();
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

// ---- values to try ----

std::string number(double x, bool whole) {
  if (whole) return std::to_string(static_cast<long long>(std::llround(x)));
  char text[40];
  const auto end = std::to_chars(text, text + sizeof text, x).ptr;
  return std::string(text, end);
}

bool is_numeric(const sim::ParamSpec& spec) {
  return spec.type == sim::ValueType::real || spec.type == sim::ValueType::integer ||
         spec.type == sim::ValueType::integer_or_keyword;
}
bool is_whole(const sim::ParamSpec& spec) { return spec.type != sim::ValueType::real; }

// A parameter the fuzzer varies: a number, a switch or a choice. The calendar's length is the
// fuzzer's own (--ticks) and dates, names and text are not values a range describes.
bool varied(const sim::Parameter& p) {
  if (p.path == "calendar.ticks") return false;
  const auto t = p.spec->type;
  return is_numeric(*p.spec) || t == sim::ValueType::boolean || t == sim::ValueType::choice;
}

// The ends of a parameter's range and the values just inside an open end, or, for a switch or a
// choice, every value it can take.
std::vector<std::string> ends_of(const sim::Parameter& p) {
  const sim::ParamSpec& s = *p.spec;
  std::vector<std::string> out;
  if (s.type == sim::ValueType::boolean) return {"true", "false"};
  if (s.type == sim::ValueType::choice) return s.choices;
  const bool whole = is_whole(s);
  const double lo = s.min, hi = s.max;
  const double span = std::isfinite(hi - lo) ? hi - lo : 1.0;
  const double value = std::holds_alternative<double>(p.value)     ? std::get<double>(p.value)
                       : std::holds_alternative<std::int64_t>(p.value) ? static_cast<double>(std::get<std::int64_t>(p.value))
                                                                       : 1.0;
  const auto end = [&](double at, bool open, double toward) {
    if (!open) return out.push_back(number(at, whole));
    if (whole) return out.push_back(number(at + (toward > at ? 1 : -1), true));
    out.push_back(number(std::nextafter(at, toward), false));  // the nearest value the range holds
    out.push_back(number(at + (toward > at ? 1 : -1) * 1e-6 * span, false));
  };
  if (std::isfinite(lo)) end(lo, s.min_exclusive, hi);
  if (std::isfinite(hi)) end(hi, s.max_exclusive, lo);
  // An unbounded end: values far beyond the scenario's own.
  if (!std::isfinite(hi)) out.push_back(number(std::max(1.0, std::abs(value)) * 1e6, whole));
  if (!std::isfinite(lo)) out.push_back(number(-std::max(1.0, std::abs(value)) * 1e6, whole));
  if (s.type == sim::ValueType::integer_or_keyword) out.push_back(s.keyword);
  return out;
}

std::string random_value(const sim::Parameter& p, std::mt19937_64& random) {
  const sim::ParamSpec& s = *p.spec;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  if (s.type == sim::ValueType::boolean) return unit(random) < 0.5 ? "true" : "false";
  if (s.type == sim::ValueType::choice) return s.choices[std::uniform_int_distribution<std::size_t>(0, s.choices.size() - 1)(random)];
  const double how = unit(random);
  if (how < 0.2) {
    const auto ends = ends_of(p);
    return ends[std::uniform_int_distribution<std::size_t>(0, ends.size() - 1)(random)];
  }
  const bool whole = is_whole(s);
  const double value = std::holds_alternative<double>(p.value)     ? std::get<double>(p.value)
                       : std::holds_alternative<std::int64_t>(p.value) ? static_cast<double>(std::get<std::int64_t>(p.value))
                                                                       : 1.0;
  double lo = s.min, hi = s.max;
  // Unbounded ends: three orders of magnitude beyond the scenario's own value.
  const double scale = std::max(1.0, std::abs(value)) * 1e3;
  if (!std::isfinite(lo)) lo = std::min(value, 0.0) - scale;
  if (!std::isfinite(hi)) hi = std::max(value, 0.0) + scale;
  double x = 0;
  if (how < 0.6 || lo < 0 || hi <= 0) {
    x = lo + (hi - lo) * unit(random);
  } else {
    // Log-uniform, so that small values of a wide range are tried as often as large ones.
    const double bottom = std::max(lo, hi * 1e-9);
    x = std::exp(std::log(bottom) + (std::log(hi) - std::log(bottom)) * unit(random));
  }
  if (whole) x = std::round(x);
  x = std::clamp(x, s.min, s.max);
  if (s.min_exclusive && x <= s.min) x = whole ? s.min + 1 : std::nextafter(s.min, s.max);
  if (s.max_exclusive && x >= s.max) x = whole ? s.max - 1 : std::nextafter(s.max, s.min);
  return number(x, whole);
}

// ---- checking a run ----

// Observes a run and notes what no valid scenario may produce.
class CheckingRecorder final : public sim::Recorder {
 public:
  explicit CheckingRecorder(std::vector<std::string>& findings) : findings_(findings) {}

  void begin(const sim::RunInfo&, const sim::OutputSchema& schema) override {
    schema_ = schema;
    std::map<std::string, std::size_t> sizes;
    for (const auto& d : schema.dimensions) sizes[d.name] = d.labels.empty() ? d.size : d.labels.size();
    for (const auto& v : schema.series) {
      std::size_t n = 1;
      for (const auto& d : v.dims) n *= sizes[d];
      for (std::size_t i = 0; i < n; ++i) series_names_.push_back(n == 1 ? v.name : v.name + "[" + std::to_string(i) + "]");
    }
  }
  void record_statics(const std::vector<sim::VariableData>& data) override { check_data("static", schema_.statics, data, 0); }
  void record_tick(std::int64_t tick, const std::vector<double>& series) override {
    tick_ = tick;
    if (series.size() != series_names_.size())
      note("tick " + std::to_string(tick) + ": " + std::to_string(series.size()) + " series values for " +
           std::to_string(series_names_.size()) + " declared");
    for (std::size_t i = 0; i < series.size() && i < series_names_.size(); ++i)
      if (!std::isfinite(series[i]))
        note("tick " + std::to_string(tick) + ": series " + series_names_[i] + " is " + sim::number_text(series[i]));
  }
  void record_events(const std::vector<sim::EventRecord>& events) override {
    const auto& c = schema_.events;
    const auto within = [](std::int32_t code, const std::vector<std::string>& names) {
      return code >= 0 && static_cast<std::size_t>(code) < names.size();
    };
    for (const auto& e : events) {
      const bool names_exist = within(e.kind, c.kinds) && within(e.actor, c.actors) && within(e.target, c.targets) &&
                               within(e.region, c.regions) &&
                               (e.target_actor == sim::kNoActor || within(e.target_actor, c.actors));
      if (!names_exist || e.tick != tick_ || e.killed < 0 || e.wounded < 0 || e.arrested < 0 || e.participants < 0)
        note("tick " + std::to_string(tick_) + ": an event (tick " + std::to_string(e.tick) + ", kind " +
             std::to_string(e.kind) + ", actor " + std::to_string(e.actor) + ", target " + std::to_string(e.target) +
             ", region " + std::to_string(e.region) + ", killed " + std::to_string(e.killed) + ", wounded " +
             std::to_string(e.wounded) + ", arrested " + std::to_string(e.arrested) + ", participants " +
             std::to_string(e.participants) + ") names what does not exist or counts below 0");
    }
  }
  void record_snapshot(std::int64_t tick, const std::vector<sim::VariableData>& data) override {
    check_data("snapshot", schema_.snapshots, data, tick);
  }
  void finish(const std::map<std::string, double>&, const std::map<std::string, double>&) override {}

 private:
  void note(std::string what) {
    if (findings_.size() < kMostFindingsPerRun) findings_.push_back(std::move(what));
  }
  void check_data(const char* what, const std::vector<sim::VariableSpec>& specs, const std::vector<sim::VariableData>& data,
                  std::int64_t tick) {
    for (std::size_t i = 0; i < data.size(); ++i)
      std::visit(
          [&](const auto& values) {
            using T = typename std::decay_t<decltype(values)>::value_type;
            if constexpr (std::is_floating_point_v<T>)
              for (T v : values)
                if (!std::isfinite(v)) {
                  note("tick " + std::to_string(tick) + ": " + what + " " + (i < specs.size() ? specs[i].name : "?") +
                       " holds " + sim::number_text(static_cast<double>(v)));
                  return;
                }
          },
          data[i]);
  }

  static constexpr std::size_t kMostFindingsPerRun = 5;
  std::vector<std::string>& findings_;
  sim::OutputSchema schema_;
  std::vector<std::string> series_names_;
  std::int64_t tick_ = 0;
};

enum class Outcome { clean, refused, finding };

struct Result {
  Outcome outcome = Outcome::clean;
  std::vector<std::string> findings;
  std::string refusal;  // the first diagnostic of a refused case
};

Result run_case(const Case& c, int threads) {
  Result result;
  sim::ScenarioPtr scenario;
  std::unique_ptr<sim::Model> model;
  try {
    sim::LoadOptions options;
    options.overrides = c.settings;
    options.ticks = c.ticks;
    scenario = sim::load_scenario_file(c.scenario, confsim::agents::model_schemas(), options);
    model = confsim::agents::make_model(*scenario, c.seed);
  } catch (const sim::InputError& e) {
    // The command's exit 2: its message must say which parameter is wrong.
    result.outcome = Outcome::refused;
    if (!e.diagnostics().empty()) result.refusal = e.diagnostics().front().describe();
    for (const auto& d : e.diagnostics())
      if (d.key_path.empty())
        result.findings.push_back("refused without naming a parameter: " + d.describe());
    if (!result.findings.empty()) result.outcome = Outcome::finding;
    return result;
  } catch (const std::exception& e) {
    result.outcome = Outcome::finding;
    result.findings.push_back(std::string("building the model failed: ") + e.what());
    return result;
  }
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  sim::RunInfo info;
  info.scenario = scenario;
  info.seed = c.seed;
  info.threads = threads;
  info.snapshot_every = sim::resolve_snapshot_every(*scenario, model->lattice_cells());
  CheckingRecorder recorder(result.findings);
  try {
    sim::run_simulation(info, *model, recorder, [&](std::int64_t tick, std::int64_t, const sim::PhaseTimes&) {
      for (const auto& broken : model->broken_invariants())
        result.findings.push_back("tick " + std::to_string(tick) + ": " + broken);
      if (!result.findings.empty()) throw std::runtime_error("stopped at the first tick with a finding");
    });
  } catch (const std::exception& e) {
    if (result.findings.empty()) result.findings.push_back(std::string("the run failed: ") + e.what());
  }
  if (!result.findings.empty()) result.outcome = Outcome::finding;
  return result;
}

// ---- the watchdog: a case that does not end is a hang ----

class Watchdog {
 public:
  explicit Watchdog(double seconds) : seconds_(seconds), thread_([this] { watch(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  void started() { started_.store(Clock::now().time_since_epoch().count()); }

 private:
  void watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return done_; })) {
      const auto since = Clock::now() - Clock::time_point(Clock::duration(started_.load()));
      if (std::chrono::duration<double>(since).count() > seconds_) {
        std::cerr << "parameter fuzz: HANG: a case ran for more than " << seconds_ << " s";
        print_current_case();
        std::_Exit(1);
      }
    }
  }

  double seconds_;
  std::atomic<Clock::rep> started_{Clock::now().time_since_epoch().count()};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

// ---- regression cases ----

std::vector<Case> read_regressions(const std::vector<std::string>& paths) {
  std::vector<std::filesystem::path> files;
  for (const auto& p : paths) {
    if (std::filesystem::is_directory(p)) {
      for (const auto& entry : std::filesystem::directory_iterator(p))
        if (entry.path().extension() == ".yaml") files.push_back(entry.path());
    } else {
      files.emplace_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Case> cases;
  for (const auto& file : files) {
    const YAML::Node node = YAML::LoadFile(file.string());
    Case c;
    c.kind = "regression " + file.filename().string();
    c.scenario = node["scenario"].as<std::string>();
    c.seed = node["seed"].as<std::uint64_t>(1);
    c.ticks = node["ticks"].as<std::int64_t>(30);
    for (const auto& s : node["set"]) c.settings.push_back(s.as<std::string>());
    if (!node["found"]) throw std::runtime_error(file.string() + ": a regression case says what it found (found:)");
    cases.push_back(c);
  }
  return cases;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{
      "Parameter-space fuzzing: runs scenarios with parameters at the ends of their declared ranges and at random "
      "values within them (one at a time, then many at once), and reports any run that fails, hangs, crashes, "
      "writes NaN or infinity, records an impossible event or breaks the model's accounting. Exit 0 when none "
      "does, 1 when one does."};
  std::vector<std::string> scenarios, replay;
  double seconds = 60, case_seconds = 120, memory_gb = 0.1, ends_share = 0.6;
  std::int64_t ticks = 30, cases_limit = 0;
  std::uint64_t seed = 1;
  int threads = 2;
  bool verbose = false;
  cli.add_option("scenarios", scenarios, "Scenario files to fuzz (run from the project root)");
  cli.add_option("--replay", replay, "Run the regression cases in these files or folders instead");
  cli.add_option("--seconds", seconds, "Start no new case after this many seconds");
  cli.add_option("--ends-share", ends_share,
                 "Share of --seconds given to range ends (every parameter's lower ends first, then its upper ends) "
                 "before random cases begin; 1 tries every end first")
      ->check(CLI::Range(0.0, 1.0));
  cli.add_option("--cases", cases_limit, "Stop after this many cases (0: only --seconds bounds the run)");
  cli.add_option("--ticks", ticks, "Ticks each run lasts")->check(CLI::Range(std::int64_t{1}, std::int64_t{100000}));
  cli.add_option("--seed", seed, "Seed of the fuzzer's choices (a case is the same for the same seed and number)");
  cli.add_option("--threads", threads, "Threads for each run")->check(CLI::Range(1, 256));
  cli.add_option("--case-seconds", case_seconds, "A case running longer than this is a hang");
  cli.add_option("--memory-gb", memory_gb,
                 "Runs that the model estimates to need more memory are refused at load, as CONFSIM_MAX_MEMORY_GB "
                 "refuses them for confsim run; the default keeps every case to seconds");
  cli.add_flag("-v,--verbose", verbose, "Print every case as it starts");
  CLI11_PARSE(cli, argc, argv);
  if (scenarios.empty() == replay.empty()) {
    std::cerr << "parameter fuzz: give scenario files, or --replay with regression cases\n";
    return 2;
  }
  ::setenv("CONFSIM_MAX_MEMORY_GB", std::to_string(memory_gb).c_str(), 1);
  for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(s, on_fatal_signal);
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(print_current_case);

  std::vector<Case> cases;
  std::vector<std::vector<const sim::Parameter*>> varied_params;  // per scenario
  std::vector<sim::ScenarioPtr> loaded;
  std::size_t parameters = 0;
  if (!replay.empty()) {
    cases = read_regressions(replay);
  } else {
    // Every end of every parameter: first each parameter's first end (its lower end, where
    // divisions by zero live), then each one's second, and so on, the scenarios interleaved, so
    // that a time bound shares itself among them.
    std::vector<std::vector<std::vector<Case>>> ends(scenarios.size());  // scenario, parameter, end
    for (std::size_t k = 0; k < scenarios.size(); ++k) {
      try {
        loaded.push_back(sim::load_scenario_file(scenarios[k], confsim::agents::model_schemas()));
      } catch (const sim::InputError& e) {
        std::cerr << "parameter fuzz: " << scenarios[k] << " does not load:\n" << e.what() << "\n";
        return 2;
      }
      varied_params.emplace_back();
      for (const auto& p : loaded.back()->parameters())
        if (varied(p)) {
          varied_params.back().push_back(&p);
          ends[k].emplace_back();
          for (const auto& v : ends_of(p))
            ends[k].back().push_back({scenarios[k], "end", seed, ticks, {p.path + "=" + v}});
        }
      parameters += varied_params.back().size();
    }
    std::vector<std::vector<Case>> rounds;  // the j-th ends of every scenario's parameters, by j
    for (const auto& scenario : ends)
      for (const auto& param : scenario)
        for (std::size_t j = 0; j < param.size(); ++j) {
          if (rounds.size() <= j) rounds.emplace_back();
          rounds[j].push_back(param[j]);
        }
    for (auto& round : rounds) {
      // Interleave the scenarios within a round: order by position within each scenario.
      std::vector<std::size_t> position(round.size());
      std::map<std::string, std::size_t> seen;
      for (std::size_t i = 0; i < round.size(); ++i) position[i] = seen[round[i].scenario]++;
      std::vector<std::size_t> order(round.size());
      std::iota(order.begin(), order.end(), std::size_t{0});
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return position[a] < position[b]; });
      for (std::size_t i : order) cases.push_back(round[i]);
    }
  }
  const std::size_t end_cases = replay.empty() ? cases.size() : 0;

  const auto start = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  std::map<std::string, std::size_t> tried, refused;
  std::size_t clean = 0, findings = 0, done = 0;
  Watchdog watchdog(case_seconds);
  std::size_t next_end = 0;
  Case drawn;
  for (std::size_t n = 0;; ++n) {
    if (!replay.empty() && n >= cases.size()) break;
    if (replay.empty() && (elapsed() > seconds || (cases_limit > 0 && static_cast<std::int64_t>(n) >= cases_limit)))
      break;
    const Case* listed = nullptr;  // a regression case or a range end, else a random case is drawn
    if (!replay.empty())
      listed = &cases[n];
    else if (next_end < end_cases && (ends_share >= 1 || elapsed() < ends_share * seconds))
      listed = &cases[next_end++];
    if (!listed) {
      // Random cases, each made from the seed and its number alone.
      std::seed_seq key{seed, static_cast<std::uint64_t>(n)};
      std::mt19937_64 random(key);
      const std::size_t k = std::uniform_int_distribution<std::size_t>(0, scenarios.size() - 1)(random);
      const auto& params = varied_params[k];
      Case c{scenarios[k], "", random() % 1000000 + 1, ticks, {}};
      std::size_t how_many = 1;
      if (std::uniform_int_distribution<int>(0, 1)(random) == 1) {
        // Many at once: a few, or up to every parameter of the scenario.
        const std::size_t most = std::uniform_int_distribution<int>(0, 1)(random) ? std::min<std::size_t>(8, params.size())
                                                                                   : params.size();
        how_many = std::uniform_int_distribution<std::size_t>(std::min<std::size_t>(2, most), most)(random);
      }
      c.kind = how_many == 1 ? "random value" : "many at once";
      std::vector<const sim::Parameter*> chosen(params);
      std::shuffle(chosen.begin(), chosen.end(), random);
      chosen.resize(how_many);
      for (const sim::Parameter* p : chosen) c.settings.push_back(p->path + "=" + random_value(*p, random));
      drawn = std::move(c);
    }
    const Case& c = listed ? *listed : drawn;
    const std::string line = command_line(c, threads);
    remember("[" + c.kind + "] " + line);
    if (verbose) std::cerr << "case " << n << " [" << c.kind << "] " << line << "\n";
    watchdog.started();
    const Result r = run_case(c, threads);
    ++done;
    ++tried[c.kind];
    if (r.outcome == Outcome::clean) ++clean;
    if (r.outcome == Outcome::refused) {
      ++refused[c.kind];
      if (verbose) std::cerr << "    refused: " << r.refusal << "\n";
    }
    if (r.outcome == Outcome::finding) {
      ++findings;
      std::cout << "FINDING [" << c.kind << "] " << line << "\n";
      for (const auto& f : r.findings) std::cout << "    " << f << "\n";
    }
  }
  std::cout << "parameter fuzz: ";
  if (replay.empty())
    std::cout << scenarios.size() << " scenarios, " << parameters << " parameters varied, ";
  std::cout << done << " cases in " << std::fixed << std::setprecision(1) << elapsed() << " s (";
  bool first = true;
  for (const auto& [kind, n] : tried) {
    std::cout << (first ? "" : "; ") << kind << ": " << n << ", " << refused[kind] << " refused";
    first = false;
  }
  std::cout << "): " << clean << " ran every tick clean, " << findings << " findings";
  if (replay.empty())
    std::cout << "; " << next_end << " of " << end_cases << " range ends tried";
  std::cout << "\n";
  return findings == 0 ? 0 : 1;
}
