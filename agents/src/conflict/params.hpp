#pragma once
// Shorthands for declaring the conflict model's parameters: a real in a range, a share in [0, 1], a
// rate per day, a half-life in days, a count of people, a switch. Each kind's ParamTable uses them.
#include <limits>
#include <string>

#include "confsim/sim/schema.hpp"

namespace confsim::agents::conflict::params {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

inline sim::ParamSpec real(const char* key, const char* unit, double min, double max, std::string description,
                           bool schedulable = false) {
  return {.key = key, .type = sim::ValueType::real, .description = std::move(description), .unit = unit, .min = min,
          .max = max, .schedulable = schedulable};
}
inline sim::ParamSpec share(const char* key, std::string description, bool schedulable = false) {
  return real(key, "1", 0, 1, std::move(description), schedulable);
}
inline sim::ParamSpec rate(const char* key, std::string description) {
  return real(key, "per day", 0, 1000, std::move(description));
}
inline sim::ParamSpec gain(const char* key, std::string description, double max = 100) {
  return real(key, "1", 0, max, std::move(description));
}
inline sim::ParamSpec days(const char* key, std::string description) {
  return {.key = key, .type = sim::ValueType::real, .description = std::move(description), .unit = "days", .min = 0,
          .max = 100000, .min_exclusive = true};
}
inline sim::ParamSpec whole_days(const char* key, std::string description) {
  return {.key = key, .type = sim::ValueType::integer, .description = std::move(description), .unit = "days",
          .min = 0, .max = 100000};
}
inline sim::ParamSpec people(const char* key, std::string description, double max = 1e9) {
  return real(key, "people", 0, max, std::move(description));
}
inline sim::ParamSpec money(const char* key, std::string description, bool schedulable = false) {
  return real(key, "USD per year", 0, 1e12, std::move(description), schedulable);
}
inline sim::ParamSpec flag(const char* key, std::string description) {
  return {.key = key, .type = sim::ValueType::boolean, .description = std::move(description)};
}
inline sim::ParamSpec label(const char* key, std::string description) {
  return {.key = key, .type = sim::ValueType::text, .description = std::move(description)};
}
// The name of an entry of a collection (of the given kinds, if any).
inline sim::ParamSpec reference(const char* key, const char* collection, std::vector<std::string> kinds,
                                std::string description, bool optional = false) {
  return {.key = key, .type = sim::ValueType::name, .description = std::move(description), .optional = optional,
          .collection = collection, .of_kinds = std::move(kinds)};
}
inline sim::ParamSpec references(const char* key, const char* collection, std::string description,
                                 bool optional = true) {
  return {.key = key, .type = sim::ValueType::names, .description = std::move(description), .optional = optional,
          .collection = collection};
}

}  // namespace confsim::agents::conflict::params
