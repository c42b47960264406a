// The causal claims the conflict model rests on, each tested over several seeds on the Iraq
// scenario as a difference between two variants of the baseline that differ only in the cause. Each
// test fails if its mechanism is taken out of the model; each says why its margin is what it is.
// Runs use 1 agent per 5,000 people and shortened calendars to stay fast.
#include <catch2/catch.hpp>

#include <numeric>

#include "confsim/agents/registry.hpp"
#include "support/run_files.hpp"

using namespace confsim;
using testing::MemoryRun;

namespace {

constexpr std::uint64_t kSeeds = 6;

// The baseline changed by YAML (merged as `extends` does) and --set overrides.
sim::ScenarioPtr variant(const std::string& changes, std::vector<std::string> overrides, std::int64_t ticks) {
  overrides.push_back("scale.people_per_agent=5000");
  sim::LoadOptions options;
  options.overrides = overrides;
  options.ticks = ticks;
  return sim::load_scenario_text("confsim: 1\nextends: baseline.yaml\n" + changes,
                                 testing::source_path("scenarios/iraq/test_variant.yaml"), agents::model_schemas(),
                                 options);
}

std::vector<MemoryRun> runs(const sim::ScenarioPtr& scenario) {
  std::vector<MemoryRun> out;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) out.push_back(testing::run_in_memory(scenario, seed));
  return out;
}

struct Filter {
  std::vector<std::string> kinds;
  std::vector<std::string> targets;  // empty: any
  std::int64_t from = 0, to = INT64_MAX;
  std::int32_t actor = -1;  // -1: any
};

std::int64_t count(const MemoryRun& run, const Filter& f, std::int64_t sim::EventRecord::*field = nullptr) {
  std::int64_t n = 0;
  for (const auto& e : run.events) {
    if (e.tick < f.from || e.tick > f.to || (f.actor >= 0 && e.actor != f.actor)) continue;
    bool kind = false, target = f.targets.empty();
    for (const auto& k : f.kinds) kind = kind || e.kind == MemoryRun::code(run.schema.events.kinds, k);
    for (const auto& t : f.targets) target = target || e.target == MemoryRun::code(run.schema.events.targets, t);
    if (kind && target) n += field ? e.*field : 1;
  }
  return n;
}

const Filter kAttacksOnUs{{"rocket_attack", "ied_attack", "drone_attack"}, {"us_forces", "us_embassy", "us_convoy"}};

double total(const std::vector<MemoryRun>& rs, const Filter& f, std::int64_t sim::EventRecord::*field = nullptr) {
  double n = 0;
  for (const auto& r : rs) n += static_cast<double>(count(r, f, field));
  return n;
}

double mean_of(const std::vector<double>& v, std::size_t from, std::size_t to) {
  return std::accumulate(v.begin() + static_cast<std::ptrdiff_t>(from), v.begin() + static_cast<std::ptrdiff_t>(to),
                         0.0) /
         static_cast<double>(to - from);
}

}  // namespace

TEST_CASE("more sponsor funding brings more attacks", "[conflict][mechanism]") {
  const auto usual = runs(variant("", {}, 250));
  const auto funded = runs(variant(R"(events:
  - name: the IRGC-QF multiplies its support
    at: 2
    set: {actors.irgc.support_usd_per_year: 1.0e9}
    assumption: test
)",
                                   {}, 250));
  const double a = total(usual, kAttacksOnUs), b = total(funded, kAttacksOnUs);
  INFO("attacks on US interests over " << kSeeds << " seeds: usual " << a << ", funded " << b);
  CHECK(a > 20);
  CHECK(b > 1.25 * a);
}

TEST_CASE("a foreign strike that kills host personnel lowers the government's legitimacy", "[conflict][mechanism]") {
  const std::vector<std::string> strikes = {"actors.coalition.personnel_death_probability=0.5",
                                            "actors.coalition.retaliation_probability=1"};
  auto clean = strikes, collateral = strikes;
  clean.push_back("actors.coalition.collateral_probability=0");
  collateral.push_back("actors.coalition.collateral_probability=1");
  const auto a = runs(variant("", clean, 150)), b = runs(variant("", collateral, 150));
  double strikes_seen = 0, legitimacy_clean = 0, legitimacy_collateral = 0;
  for (std::size_t k = 0; k < kSeeds; ++k) {
    strikes_seen += static_cast<double>(count(b[k], {{"retaliation_strike"}}));
    legitimacy_clean += mean_of(a[k].series.at("national_legitimacy"), 1, 151);
    legitimacy_collateral += mean_of(b[k].series.at("national_legitimacy"), 1, 151);
  }
  INFO("strikes " << strikes_seen << "; mean legitimacy without collateral " << legitimacy_clean / kSeeds << ", with "
                  << legitimacy_collateral / kSeeds);
  CHECK(strikes_seen >= kSeeds);
  CHECK(legitimacy_collateral < legitimacy_clean - 0.01 * kSeeds);
}

TEST_CASE("detaining an armed group's members lowers its attacks for a while", "[conflict][mechanism]") {
  const std::vector<std::string> raiding = {"actors.government.reform_intent=1", "actors.coalition.pressure_on_host=1",
                                            "armed_group_rules.foreign_attack_rate=0.2"};
  const auto ratio = [&](const std::vector<std::string>& extra) {
    auto overrides = raiding;
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    double before = 0, after = 0;
    for (const auto& run : runs(variant("", overrides, 300))) {
      const auto raid = MemoryRun::code(run.schema.events.kinds, "raid");
      for (const auto& e : run.events) {
        if (e.kind != raid) continue;
        Filter f = kAttacksOnUs;
        f.actor = e.target_actor;
        f.from = e.tick - 20, f.to = e.tick - 1;
        before += static_cast<double>(count(run, f));
        f.from = e.tick + 1, f.to = e.tick + 20;
        after += static_cast<double>(count(run, f));
      }
    }
    INFO("attacks by the raided group 20 days before its raids " << before << ", after " << after);
    CHECK(before > 20);
    return after / before;
  };
  const double with_disruption = ratio({});
  const double without = ratio({"armed_group_rules.raid_disruption=0"});
  INFO("after/before: " << with_disruption << " (" << without << " when raids do not disrupt)");
  CHECK(with_disruption < 0.75);
  CHECK(with_disruption < without - 0.2);
}

TEST_CASE("releases under pressure bring more threats", "[conflict][mechanism]") {
  // Every group equally militant, so that who happens to be held does not change the threat rate.
  std::vector<std::string> raiding = {"actors.government.reform_intent=1", "actors.coalition.pressure_on_host=1"};
  for (const char* group : {"kataib_hezbollah", "asaib_ahl_al_haq", "kataib_sayyid_al_shuhada", "badr", "thaer_allah"})
    raiding.push_back(std::string("actors.") + group + ".militancy=1");
  // Threats per day that a group has members in custody.
  const auto threats_per_holding_day = [&](const std::string& release_gain) {
    auto overrides = raiding;
    overrides.push_back("actors.government.release_pressure_gain=" + release_gain);
    double threats = 0, holding_days = 0, releases = 0;
    for (const auto& run : runs(variant("", overrides, 300))) {
      threats += static_cast<double>(count(run, {{"threat"}, {"government"}}));
      releases += static_cast<double>(count(run, {{"release"}}));
      for (double d : run.series.at("detained_members")) holding_days += d > 0;  // (tick, group) pairs
    }
    return std::make_pair(threats / holding_days, releases);
  };
  const auto [held, none] = threats_per_holding_day("0");
  const auto [released, count_released] = threats_per_holding_day("0.15");
  INFO("threats per group-day with members held: " << held << " when nothing is released, " << released << " with "
                                                   << count_released << " releases");
  CHECK(none == 0);
  CHECK(count_released >= kSeeds);
  CHECK(released > 1.3 * held);
}

TEST_CASE("a lethal policing posture kills more protesters and, later, brings more protest", "[conflict][mechanism]") {
  const std::string posture_ends = R"(events:
  - name: the posture ends
    at: 60
    set: {actors.government.repression_propensity: 0.1}
    assumption: test
)";
  const auto restrained = runs(variant(posture_ends, {"actors.government.repression_propensity=0.1"}, 200));
  const auto lethal = runs(variant(posture_ends, {"actors.government.repression_propensity=0.9"}, 200));
  Filter first_weeks{{"protester_killed"}};
  first_weeks.to = 60;
  const double killed_restrained = total(restrained, first_weeks, &sim::EventRecord::killed);
  const double killed_lethal = total(lethal, first_weeks, &sim::EventRecord::killed);
  // Protest later: people protesting, all regions, days 90–200 (after the posture has ended).
  const auto later_protest = [](const std::vector<MemoryRun>& rs) {
    double sum = 0;
    for (const auto& r : rs) {
      const auto& active = r.series.at("active_protesters");  // tick-major, 10 regions
      const std::size_t regions = active.size() / 201;
      for (std::size_t t = 90; t <= 200; ++t)
        for (std::size_t k = 0; k < regions; ++k) sum += active[t * regions + k];
    }
    return sum;
  };
  const double protest_restrained = later_protest(restrained), protest_lethal = later_protest(lethal);
  INFO("killed in the first 60 days: " << killed_restrained << " vs " << killed_lethal
                                       << "; protest days 90-200: " << protest_restrained << " vs " << protest_lethal);
  CHECK(killed_lethal > 1.4 * killed_restrained);
  CHECK(protest_lethal > 1.05 * protest_restrained);
}
