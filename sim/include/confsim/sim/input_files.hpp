#pragma once
// Reading the YAML files users write by hand, share between groups and generate by script
// (scenarios, their bases, sweeps, targets). Before anything interprets them, their size, encoding,
// nesting and alias expansion are bounded, so a hostile or broken file is refused quickly and in
// bounded memory. Every refusal is an InputError naming the file (with line and column where there
// is one), what was found, the limit, and the environment variable that raises it.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "confsim/sim/diagnostics.hpp"

namespace confsim::sim {

struct InputLimits {
  std::uint64_t max_file_bytes = 16u << 20;  // CONFSIM_MAX_INPUT_BYTES
  std::uint64_t max_yaml_nodes = 1'000'000;  // CONFSIM_MAX_YAML_NODES; an alias counts its nodes at each use
  int max_yaml_depth = 64;                   // CONFSIM_MAX_YAML_DEPTH
  double max_memory_bytes = 0;               // CONFSIM_MAX_MEMORY_GB; by default 90% of physical memory

  // The defaults, or the values of the environment variables above (whole numbers > 0); an
  // unusable value is an InputError naming the variable.
  static InputLimits from_environment();
};

// The whole file as text, read up to one byte past the size limit (so a pipe is bounded too).
// Refuses, as InputError, a missing or unreadable file and a directory.
// `what` names the file's role in messages ("scenario file", "sweep file").
std::string read_input_file(const std::string& path, const std::string& what);

// Parses YAML and refuses, as InputError with the line and column: text over the size limit, bytes
// that are not UTF-8 text (invalid sequences, control characters other than tab, line feed and
// carriage return), invalid YAML, nesting deeper than the limit, and documents whose aliases
// expand past the node limit ("billion laughs").
YAML::Node parse_input_yaml(const std::string& text, const std::string& file);

// Runs read() and turns a yaml-cpp exception that escapes it — a value of one shape met where the
// reader expected another, such as a single value where a map or a list belongs — into an
// InputError at that value's line and column: no such error may leave a loader unexplained.
[[noreturn]] void refuse_yaml_shape(const YAML::Exception& error, const std::string& file);
template <class Read>
auto with_yaml_shape_errors(const std::string& file, Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const YAML::Exception& error) {
    refuse_yaml_shape(error, file);
  }
}

// Refuses (InputError at `where`, naming `key`) a run whose estimated peak memory is over
// max_memory_bytes, before anything is allocated: a scenario that would exhaust the machine's
// memory gets a message instead of the kernel's out-of-memory killer.
void check_memory_need(double bytes, const SourceLocation& where, const std::string& key);

}  // namespace confsim::sim
