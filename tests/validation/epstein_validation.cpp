// Measures what Epstein (2002) reports, over many seeds, and prints a Markdown table for
// docs/validation.md. Not a test: it takes minutes and its numbers are recorded, not asserted.
//   confsim_validation [SEEDS] [TICKS]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "confsim/sim/outbursts.hpp"
#include "support/run_files.hpp"

using namespace confsim;

namespace {

std::string text_of(const std::string& name) {
  return testing::read_text(testing::source_path("scenarios/epstein/" + name));
}

struct Pooled {
  std::vector<double> totals, waits;
  std::size_t outbursts = 0;
  double mean_active = 0;
};

Pooled outbursts_of(const std::string& text, const std::vector<std::string>& overrides, int seeds) {
  Pooled pooled;
  for (int seed = 1; seed <= seeds; ++seed) {
    const auto active = testing::run_series(testing::scenario_from_text(text, overrides), seed).at("active");
    const auto stats = sim::find_outbursts(active, 50);
    pooled.outbursts += stats.outbursts.size();
    for (const auto& o : stats.outbursts) pooled.totals.push_back(o.total);
    for (auto w : stats.waits) pooled.waits.push_back(static_cast<double>(w));
    for (double a : active) pooled.mean_active += a / static_cast<double>(active.size() * seeds);
  }
  return pooled;
}

std::string mean_sd(const std::vector<double>& v) {
  if (v.empty()) return "–";
  double mean = 0, sd = 0;
  for (double x : v) mean += x / static_cast<double>(v.size());
  for (double x : v) sd += (x - mean) * (x - mean);
  sd = v.size() > 1 ? std::sqrt(sd / static_cast<double>(v.size() - 1)) : 0;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.0f ± %.0f", mean, sd);
  return buffer;
}

double peak_after(const std::vector<double>& s, std::size_t from) {
  return *std::max_element(s.begin() + static_cast<std::ptrdiff_t>(from), s.end());
}

// Every scenario below runs under both activation schemes.
const std::vector<std::string> kSchemes = {"random_sequential", "synchronous"};

std::vector<std::string> with_scheme(std::vector<std::string> overrides, const std::string& scheme) {
  overrides.push_back("rules.activation=" + scheme);
  return overrides;
}

}  // namespace

int main(int argc, char** argv) {
  const int seeds = argc > 1 ? std::stoi(argv[1]) : 20;
  const int ticks = argc > 2 ? std::stoi(argv[2]) : 5000;
  const std::string ticks_override = "calendar.ticks=" + std::to_string(ticks);
  std::printf("Run 2 (40×40, v = 7, L = 0.82, J = 30, cops 0.04), %d seeds × %d ticks each:\n\n", seeds, ticks);
  std::printf("| rules | activation | outbursts per 1000 ticks | total activation per outburst | wait between outbursts | mean actives |\n");
  std::printf("|---|---|---|---|---|---|\n");
  std::printf("| paper (Epstein 2002, Figs 5 and 7) | random sequential | – | 708 ± 230 | 60 ± 55 | – |\n");
  const std::vector<std::pair<std::string, std::vector<std::string>>> variants = {
      {"preset `netlogo` (floor of C/A), `run2.yaml` as shipped", {"preset=netlogo"}},
      {"preset `epstein2002` (no rounding)", {"preset=epstein2002"}},
      {"preset `mesa` (round half even, von Neumann windows)", {"preset=mesa"}},
      {"`netlogo` with `rules.ratio_rounding: none`", {"preset=netlogo", "rules.ratio_rounding=none"}},
  };
  for (const auto& [label, overrides] : variants)
    for (const auto& scheme : kSchemes) {
      auto all = with_scheme(overrides, scheme);
      all.push_back(ticks_override);
      const Pooled p = outbursts_of(text_of("run2.yaml"), all, seeds);
      std::printf("| %s | %s | %.2f | %s | %s | %.1f |\n", label.c_str(), scheme.c_str(),
                  1000.0 * static_cast<double>(p.outbursts) / (static_cast<double>(seeds) * ticks),
                  mean_sd(p.totals).c_str(), mean_sd(p.waits).c_str(), p.mean_active);
    }

  const std::string sudden = text_of("run4.yaml");
  std::string gradual = sudden;
  const std::string jump = "    set: {government.legitimacy: 0.7}";
  gradual.replace(gradual.find(jump), jump.size(), "    ramp: {path: government.legitimacy, to: 0.7, over: 20}");
  std::printf("\nRuns 3/4 (L 0.9 → 0.7 from tick 77, J unbounded, cops 0.074), %d seeds × 300 ticks:\n\n", seeds);
  std::printf("| activation | legitimacy change | peak actives after tick 77 | jailed at tick 300 |\n|---|---|---|---|\n");
  for (const auto& scheme : kSchemes) {
    std::vector<double> peak_sudden, peak_gradual, jailed_sudden, jailed_gradual;
    int sudden_larger = 0;
    for (int seed = 1; seed <= seeds; ++seed) {
      const auto s = testing::run_series(testing::scenario_from_text(sudden, with_scheme({}, scheme)), seed);
      const auto g = testing::run_series(testing::scenario_from_text(gradual, with_scheme({}, scheme)), seed);
      peak_sudden.push_back(peak_after(s.at("active"), 77));
      peak_gradual.push_back(peak_after(g.at("active"), 77));
      jailed_sudden.push_back(s.at("jailed").back());
      jailed_gradual.push_back(g.at("jailed").back());
      sudden_larger += peak_sudden.back() > peak_gradual.back();
    }
    std::printf("| %s | one jump at tick 77 (`run4.yaml`) | %s | %s |\n", scheme.c_str(), mean_sd(peak_sudden).c_str(),
                mean_sd(jailed_sudden).c_str());
    std::printf("| %s | 0.01 a tick over 20 ticks | %s | %s |\n", scheme.c_str(), mean_sd(peak_gradual).c_str(),
                mean_sd(jailed_gradual).c_str());
    std::printf("| %s | the jump's peak is the larger | in %d of %d seeds | |\n", scheme.c_str(), sudden_larger, seeds);
  }

  std::string calm = text_of("run5.yaml");
  calm = calm.substr(0, calm.find("events:"));
  std::printf("\nRun 5 (L 0.8, J unbounded, cops 0.074 = 118, 10%% withdrawn every 10 ticks from tick 50), %d seeds × 300 ticks:\n\n", seeds);
  std::printf("| activation | cops | peak actives after tick 50 | seeds with an outburst (> 50 actives) | cops on duty when the first outburst began |\n|---|---|---|---|---|\n");
  for (const auto& scheme : kSchemes) {
    std::vector<double> peak_cut, peak_calm, cops_left;
    int tipped = 0;
    for (int seed = 1; seed <= seeds; ++seed) {
      const auto cut = testing::run_series(testing::scenario_from_text(text_of("run5.yaml"), with_scheme({}, scheme)), seed);
      const auto steady = testing::run_series(testing::scenario_from_text(calm, with_scheme({}, scheme)), seed);
      peak_cut.push_back(peak_after(cut.at("active"), 50));
      peak_calm.push_back(peak_after(steady.at("active"), 50));
      tipped += peak_cut.back() > 50;
      const auto& cops = cut.at("cops");
      const auto first = std::find_if(cut.at("active").begin() + 50, cut.at("active").end(), [](double a) { return a > 50; });
      if (first != cut.at("active").end()) cops_left.push_back(cops[static_cast<std::size_t>(first - cut.at("active").begin())]);
    }
    std::printf("| %s | withdrawn (`run5.yaml`) | %s | %d of %d | %s |\n", scheme.c_str(), mean_sd(peak_cut).c_str(), tipped,
                seeds, mean_sd(cops_left).c_str());
    std::printf("| %s | kept at 118 | %s | – | – |\n", scheme.c_str(), mean_sd(peak_calm).c_str());
  }
  return 0;
}
