#pragma once
// Problems found while reading a YAML input file (sweeps, targets): each with its file, line and
// column, collected so that all are reported together.
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "confsim/sim/diagnostics.hpp"

namespace confsim::sim {

class YamlProblems {
 public:
  explicit YamlProblems(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }

  SourceLocation at(const YAML::Mark& mark) const;
  void add(const YAML::Node& node, const std::string& path, const std::string& message);
  // Adds the problem and throws every problem found so far (for problems that stop reading).
  [[noreturn]] void fail_now(const YAML::Mark& mark, const std::string& path, const std::string& message);
  // One problem per key of the map that is not among `keys`, with a suggestion for near misses.
  void reject_unknown_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& keys);
  std::size_t count() const { return problems_.size(); }
  void throw_if_any() const;

 private:
  std::string file_;
  std::vector<Diagnostic> problems_;
};

}  // namespace confsim::sim
