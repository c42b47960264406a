#include "confsim/sim/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>

#include "confsim/sim/diagnostics.hpp"

namespace confsim::sim {

LiveParameters::LiveParameters(const Scenario& scenario) {
  for (const auto& p : scenario.parameters())
    if (p.spec->schedulable) values_[p.path] = std::get<double>(p.value);
}

const double& LiveParameters::at(const std::string& path) const {
  const auto it = values_.find(path);
  if (it == values_.end()) throw std::out_of_range("'" + path + "' is not a parameter events may change");
  return it->second;
}

double& LiveParameters::at(const std::string& path) {
  return const_cast<double&>(static_cast<const LiveParameters&>(*this).at(path));
}

std::int64_t resolve_snapshot_every(const Scenario& scenario, std::size_t lattice_cells) {
  const std::int64_t every = scenario.integer("output.snapshot_every");
  if (every != kKeywordValue) return every;
  constexpr std::size_t kAutoSnapshotCellLimit = 1'000'000;
  return lattice_cells <= kAutoSnapshotCellLimit ? 50 : 0;
}

namespace {

// A ramp in progress: it moves a parameter from its value when the ramp began to its target.
struct ActiveRamp {
  double* slot;
  double start_value;
  double end_value;
  std::int64_t first_tick;
  std::int64_t steps;
};

std::int32_t code_of(const std::string& name, const std::vector<std::string>& names) {
  if (name.empty()) return kNoActor;
  const auto it = std::find(names.begin(), names.end(), name);
  // The loader checked every name against the model's vocabulary.
  if (it == names.end()) throw std::logic_error("'" + name + "' is not in the events vocabulary");
  return static_cast<std::int32_t>(it - names.begin());
}

EventRecord scheduled_record(const ScheduledRecord& r, const EventCategories& vocabulary, std::int64_t tick) {
  return {tick,
          code_of(r.kind, vocabulary.kinds),
          code_of(r.actor, vocabulary.actors),
          code_of(r.target, vocabulary.targets),
          code_of(r.region, vocabulary.regions),
          r.killed,
          r.wounded,
          r.arrested,
          code_of(r.target_actor, vocabulary.actors)};
}

class PhaseClock {
 public:
  explicit PhaseClock(PhaseTimes& times) : times_(times) {}
  template <class Work>
  void time(const char* phase, Work&& work) {
    const auto t0 = std::chrono::steady_clock::now();
    work();
    times_.seconds[phase] += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

 private:
  PhaseTimes& times_;
};

}  // namespace

PhaseTimes run_simulation(const RunInfo& info, Model& model, Recorder& recorder, const ProgressCallback& progress) {
  const Scenario& scenario = *info.scenario;
  PhaseTimes times;
  PhaseClock clock(times);
  LiveParameters live(scenario);
  std::vector<double> series;
  std::vector<EventRecord> events;
  std::vector<EventRecord> scheduled_actions;  // this tick's, recorded before the model's own events
  std::vector<VariableData> snapshot;
  std::vector<ActiveRamp> ramps;

  // Occurrences of scheduled events, by tick, in file order within a tick.
  std::multimap<std::int64_t, const ScheduledEvent*> due;
  for (const auto& ev : scenario.events())
    for (std::int64_t t : ev.occurrences())
      if (t <= scenario.ticks()) due.emplace(t, &ev);

  const auto record = [&](std::int64_t tick) {
    model.observe(series);
    recorder.record_tick(tick, series);
    events.assign(scheduled_actions.begin(), scheduled_actions.end());
    scheduled_actions.clear();
    model.take_events(events);
    if (!events.empty()) recorder.record_events(events);
    if (info.snapshot_every > 0 && tick % info.snapshot_every == 0) {
      model.snapshot(snapshot);
      recorder.record_snapshot(tick, snapshot);
    }
  };

  try {
    clock.time("initialise", [&] { model.initialise(live); });
  } catch (NumericError& e) {
    e.add_context("placing the agents");
    throw;
  }
  const OutputSchema schema = model.output_schema();
  recorder.begin(info, schema);
  clock.time("record", [&] {
    std::vector<VariableData> statics;
    model.statics(statics);
    recorder.record_statics(statics);
    record(0);
  });

  for (std::int64_t tick = 1; tick <= scenario.ticks(); ++tick) try {
    clock.time("scheduled_events", [&] {
      const auto [first, last] = due.equal_range(tick);
      for (auto it = first; it != last; ++it) {
        const ScheduledEvent& ev = *it->second;
        switch (ev.action) {
          case ScheduledEvent::Action::set: live.at(ev.target) = ev.value; break;
          case ScheduledEvent::Action::ramp: {
            double& slot = live.at(ev.target);
            ramps.push_back({&slot, slot, ev.value, tick, ev.duration});
            break;
          }
          case ScheduledEvent::Action::remove_share: model.remove_share(ev.target, ev.value, tick); break;
          case ScheduledEvent::Action::record_only: break;
        }
        if (ev.record) {
          const EventRecord action = scheduled_record(*ev.record, schema.events, tick);
          model.react_to_action(action);
          scheduled_actions.push_back(action);
        }
      }
      for (auto& ramp : ramps) {
        const std::int64_t step = tick - ramp.first_tick + 1;
        if (step >= 1 && step <= ramp.steps)
          *ramp.slot = ramp.start_value +
                       (ramp.end_value - ramp.start_value) * static_cast<double>(step) / static_cast<double>(ramp.steps);
      }
      std::erase_if(ramps, [&](const ActiveRamp& r) { return tick - r.first_tick + 1 >= r.steps; });
    });
    clock.time("factions_decide", [&] { model.decide_factions(tick); });
    clock.time("field_agents_act", [&] { model.act_field_agents(tick); });
    clock.time("resolve", [&] { model.resolve(tick); });
    clock.time("record", [&] { record(tick); });
    if (progress) progress(tick, scenario.ticks(), times);
  } catch (NumericError& e) {
    e.add_context("tick " + std::to_string(tick) + " (" + Clock(scenario.start_date()).date_of(tick).iso() + ")");
    throw;
  }
  recorder.finish(times.seconds, model.step_seconds());
  return times;
}

}  // namespace confsim::sim
