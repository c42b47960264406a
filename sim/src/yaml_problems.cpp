#include "confsim/sim/yaml_problems.hpp"

#include <algorithm>

namespace confsim::sim {

SourceLocation YamlProblems::at(const YAML::Mark& mark) const {
  return {file_, mark.is_null() ? 0 : mark.line + 1, mark.is_null() ? 0 : mark.column + 1, ""};
}

void YamlProblems::add(const YAML::Node& node, const std::string& path, const std::string& message) {
  problems_.push_back({at(node.Mark()), path, message});
}

void YamlProblems::fail_now(const YAML::Mark& mark, const std::string& path, const std::string& message) {
  problems_.push_back({at(mark), path, message});
  throw InputError(problems_);
}

void YamlProblems::reject_unknown_keys(const YAML::Node& map, const std::string& path,
                                       const std::vector<std::string>& keys) {
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    const std::string guess = closest_match(key, keys);
    std::string list;
    for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
    add(kv.first, path.empty() ? key : path + "." + key,
        "unknown key '" + key + "'" +
            (guess.empty() ? "; expected one of: " + list : "; did you mean '" + guess + "'?"));
  }
}

void YamlProblems::throw_if_any() const {
  if (!problems_.empty()) throw InputError(problems_);
}

}  // namespace confsim::sim
