#pragma once
// A mediator: a religious authority, a regional body or an envoy who appeals for calm. The smallest
// complete actor kind, and the example of docs/adding-a-component.md: parameters declared once, a
// little state, a daily decision from its own random stream, an event kind of its own and a series.
#include "component.hpp"

namespace confsim::agents::conflict {

struct MediatorParams {
  sim::Names regions;           // where it is heard (none given: everywhere)
  sim::Live appeal_rate;        // appeals a day (events may start or end its mission)
  double legitimacy_gain = 0;   // legitimacy an appeal restores where it is made
};

class Mediator final : public Component {
 public:
  static ComponentKind kind();
  Mediator(const sim::Scenario& scenario, const sim::Entry& entry);

  void initialise(World& world, const sim::LiveParameters& live) override;
  void decide(World& world) override;
  void declare_series(sim::SeriesTable& series) const override;

 private:
  MediatorParams p_;
  std::vector<std::size_t> regions_;
  std::int64_t appeals_ = 0;  // so far
};

}  // namespace confsim::agents::conflict
