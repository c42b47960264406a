#pragma once
// A model's parameters declared once: each ParamSpec bound to the member of the parameter struct it
// fills. The schema, the reading of a scenario and the live values of schedulable parameters come
// from the one table, so they cannot disagree.
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "confsim/sim/model.hpp"
#include "confsim/sim/scenario.hpp"

namespace confsim::sim {

// A parameter scheduled events may change, as a model reads it: the run's current value once bound
// to the run's live parameters, the scenario's value before.
class Live {
 public:
  Live() = default;
  explicit Live(double initial) : initial_(initial) {}
  operator double() const { return value_ ? *value_ : initial_; }  // NOLINT: reads as the number it is
  void bind(const double& value) { value_ = &value; }

 private:
  double initial_ = 0;
  const double* value_ = nullptr;
};

// The (name, value) pairs of a keyed map (ParamSpec::keyed_by), in file order.
using KeyedValues = std::vector<std::pair<std::string, double>>;

template <class Params>
class ParamTable {
 public:
  using Member = std::variant<double Params::*, Live Params::*, std::int64_t Params::*, bool Params::*,
                              std::string Params::*, Names Params::*, KeyedValues Params::*>;

  ParamTable& add(ParamSpec spec, Member member) {
    if (spec.schedulable != std::holds_alternative<Live Params::*>(member))
      throw std::logic_error("parameter '" + spec.key + "': schedulable parameters, and only they, fill a Live");
    if (!spec.keyed_by.empty() != std::holds_alternative<KeyedValues Params::*>(member))
      throw std::logic_error("parameter '" + spec.key + "': keyed maps, and only they, fill KeyedValues");
    rows_.push_back({std::move(spec), member});
    return *this;
  }

  std::vector<ParamSpec> specs() const {
    std::vector<ParamSpec> out;
    for (const auto& row : rows_) out.push_back(row.spec);
    return out;
  }

  // Fills every member from the parameters at prefix.key; optional parameters and keyed maps may be
  // absent (their members keep what they held).
  void read(const Scenario& scenario, const std::string& prefix, Params& out) const {
    for (const auto& row : rows_) {
      const std::string path = prefix + "." + row.spec.key;
      std::visit(
          [&](auto member) {
            using T = std::remove_reference_t<decltype(out.*member)>;
            if constexpr (std::is_same_v<T, KeyedValues>) {
              auto& pairs = out.*member;
              pairs.clear();
              for (const auto& [name, p] : scenario.keyed(path)) pairs.emplace_back(name, std::get<double>(p->value));
            } else {
              if (!scenario.has(path)) return;
              const Value& value = scenario.parameter(path).value;
              if constexpr (std::is_same_v<T, Live>)
                out.*member = Live(std::get<double>(value));
              else
                out.*member = std::get<T>(value);
            }
          },
          row.member);
    }
  }

  // Points every Live member at the run's current value of its parameter.
  void bind(const LiveParameters& live, const std::string& prefix, Params& out) const {
    for (const auto& row : rows_)
      if (const auto* member = std::get_if<Live Params::*>(&row.member))
        (out.**member).bind(live.at(prefix + "." + row.spec.key));
  }

 private:
  struct Row {
    ParamSpec spec;
    Member member;
  };
  std::vector<Row> rows_;
};

}  // namespace confsim::sim
