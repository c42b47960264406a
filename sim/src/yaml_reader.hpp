#pragma once
// What the readers of sweep and study files share: typed scalars with file:line:column problems,
// and the summaries a run file is reduced to.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "confsim/sim/sweep.hpp"
#include "confsim/sim/yaml_problems.hpp"

namespace confsim::sim {

inline std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)), problems_(file_) {}

 protected:
  std::string file_;
  YamlProblems problems_;


  std::string text_of(const YAML::Node& map, const char* key, bool required) {
    const YAML::Node node = map[key];
    if (!node) {
      if (required) problems_.add(map, key, std::string("missing required key '") + key + "'");
      return "";
    }
    if (!node.IsScalar()) {
      problems_.add(node, key, "expected a word or a path");
      return "";
    }
    return node.Scalar();
  }

  std::int64_t integer(const YAML::Node& node, const std::string& path, double min, double max) {
    try {
      const double v = node.as<double>();
      if (std::floor(v) == v && v >= min && v <= max) return static_cast<std::int64_t>(v);
    } catch (const YAML::Exception&) {
    }
    problems_.add(node, path,
                  "expected a whole number in [" + std::to_string(static_cast<long long>(min)) + ", " +
                      std::to_string(static_cast<long long>(max)) + "], found '" +
                      (node.IsScalar() ? node.Scalar() : "a map or list") + "'");
    return static_cast<std::int64_t>(min);
  }

  double real(const YAML::Node& node, const std::string& path) {
    try {
      const double v = node.as<double>();
      if (std::isfinite(v)) return v;
    } catch (const YAML::Exception&) {
    }
    problems_.add(node, path,
                  "expected a finite number, found '" + (node.IsScalar() ? node.Scalar() : "a map or list") + "'");
    return 0;
  }

  SweepSummary summary(const YAML::Node& node, std::size_t i) {
    SweepSummary s;
    const std::string path = "summaries[" + std::to_string(i) + "]";
    s.where = problems_.at(node.Mark());
    if (!node.IsMap()) {
      problems_.add(node, path, "expected {name, series: {name, reduce}} or {name, events: {...}, measure}");
      return s;
    }
    problems_.reject_unknown_keys(node, path, {"name", "series", "events", "measure"});
    s.name = text_of(node, "name", true);
    const auto names = [&](const YAML::Node& n) {
      std::vector<std::string> out;
      if (!n) return out;
      if (n.IsScalar()) return std::vector<std::string>{n.Scalar()};
      for (const auto& item : n) out.push_back(item.Scalar());
      return out;
    };
    if (node["series"] && node["events"]) problems_.add(node, path, "expected either series or events, not both");
    if (const YAML::Node series = node["series"]) {
      problems_.reject_unknown_keys(series, path + ".series", {"name", "reduce"});
      s.series = series["name"] ? series["name"].Scalar() : "";
      s.reduce = series["reduce"] ? series["reduce"].Scalar() : "";
      static const std::vector<std::string> reductions = {"max", "min", "mean", "final", "sum"};
      if (s.series.empty()) problems_.add(series, path + ".series.name", "missing the series' name");
      if (std::find(reductions.begin(), reductions.end(), s.reduce) == reductions.end())
        problems_.add(series, path + ".series.reduce", "expected reduce: one of " + joined(reductions));
    } else if (const YAML::Node events = node["events"]) {
      problems_.reject_unknown_keys(events, path + ".events", {"kind", "actor", "target", "target_actor", "region"});
      s.kinds = names(events["kind"]);
      s.actors = names(events["actor"]);
      s.targets = names(events["target"]);
      s.target_actors = names(events["target_actor"]);
      s.regions = names(events["region"]);
      if (node["measure"]) s.measure = node["measure"].Scalar();
      static const std::vector<std::string> measures = {"count", "killed", "wounded", "arrested"};
      if (std::find(measures.begin(), measures.end(), s.measure) == measures.end())
        problems_.add(node["measure"], path + ".measure", "expected one of " + joined(measures));
    } else {
      problems_.add(node, path, "expected series: {name, reduce} or events: {kind, ...}");
    }
    return s;
  }

  std::vector<SweepSummary> summaries(const YAML::Node& list) {
    std::vector<SweepSummary> out;
    if (!list) return out;
    if (!list.IsSequence()) {
      problems_.add(list, "summaries", "expected a list of summaries");
      return out;
    }
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(summary(list[i], i));
    for (std::size_t i = 0; i < out.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (!out[i].name.empty() && out[i].name == out[j].name)
          problems_.add(list[i], "summaries[" + std::to_string(i) + "]", "a second summary named '" + out[i].name + "'");
    return out;
  }

  std::uint64_t master_seed(const YAML::Node& root) {
    if (!root["master_seed"]) {
      problems_.add(root, "master_seed", "missing master_seed (a whole number: runs derive their seeds from it)");
      return 0;
    }
    return static_cast<std::uint64_t>(integer(root["master_seed"], "master_seed", 0, 9007199254740991.0));
  }

  // `scenario: PATH`, resolved against the folder of the file being read.
  std::string scenario_path(const YAML::Node& root) {
    const std::string scenario = text_of(root, "scenario", true);
    if (scenario.empty()) return "";
    const auto resolved = (std::filesystem::path(file_).parent_path() / scenario).lexically_normal();
    if (!std::filesystem::is_regular_file(resolved))
      problems_.add(root["scenario"], "scenario", "no scenario file at " + resolved.string());
    return resolved.string();
  }
};

}  // namespace confsim::sim
