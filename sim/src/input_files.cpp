#include "confsim/sim/input_files.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <sys/stat.h>

#include <yaml-cpp/depthguard.h>

#include "confsim/sim/diagnostics.hpp"

namespace confsim::sim {

namespace {

constexpr double kShareOfPhysicalMemory = 0.9;  // the rest for the system and the run file's buffers

[[noreturn]] void refuse(const std::string& file, int line, int column, const std::string& message) {
  throw InputError({{SourceLocation{file, line, column, ""}, "", message}});
}

std::uint64_t limit_from(const char* variable, std::uint64_t fallback) {
  const char* text = std::getenv(variable);
  if (text == nullptr || *text == '\0') return fallback;
  std::uint64_t value = 0;
  const char* end = text + std::strlen(text);
  const auto [stop, error] = std::from_chars(text, end, value);
  if (error != std::errc() || stop != end || value == 0)
    refuse(std::string("environment variable ") + variable, 0, 0,
           std::string("expected a whole number above 0, found '") + text + "'");
  return value;
}

// Length of the UTF-8 sequence starting with `lead`, or 0 when it cannot start one.
int sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Counts nodes as a reader walking the document would meet them (an alias's target once per use),
// stopping at the first limit passed, so the cost is bounded by the limits and not by the document.
class NodeBudget {
 public:
  NodeBudget(const InputLimits& limits, std::string file) : limits_(limits), file_(std::move(file)) {}

  void visit(const YAML::Node& node, int depth) {
    if (depth > limits_.max_yaml_depth)
      refuse(file_, node.Mark().line + 1, node.Mark().column + 1,
             "nesting deeper than " + std::to_string(limits_.max_yaml_depth) +
                 " levels; no confsim file needs that many (raise CONFSIM_MAX_YAML_DEPTH if yours does)");
    if (++nodes_ > limits_.max_yaml_nodes)
      refuse(file_, node.Mark().line + 1, node.Mark().column + 1,
             "the document expands to more than " + std::to_string(limits_.max_yaml_nodes) +
                 " YAML nodes (aliases are counted at each use: an alias bomb?); raise CONFSIM_MAX_YAML_NODES "
                 "if the file is meant to be this large");
    if (node.IsSequence()) {
      for (const auto& child : node) visit(child, depth + 1);
    } else if (node.IsMap()) {
      for (const auto& kv : node) {
        visit(kv.first, depth + 1);
        visit(kv.second, depth + 1);
      }
    }
  }

 private:
  const InputLimits& limits_;
  std::string file_;
  std::uint64_t nodes_ = 0;
};

// The size limit, UTF-8, and no control bytes but tab, line feed and carriage return.
void check_input_text(const std::string& text, const std::string& file) {
  const InputLimits limits = InputLimits::from_environment();
  if (text.size() > limits.max_file_bytes)
    refuse(file, 0, 0,
           "the file is larger than the " + std::to_string(limits.max_file_bytes) +
               " bytes allowed (raise CONFSIM_MAX_INPUT_BYTES if it is meant to be this large)");
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    int length = sequence_length(lead);
    bool valid = length > 0 && i + static_cast<std::size_t>(length) <= text.size();
    for (int k = 1; valid && k < length; ++k) valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (valid && length == 3) {  // no overlong forms or UTF-16 surrogates
      const auto second = static_cast<unsigned char>(text[i + 1]);
      valid = !(lead == 0xE0 && second < 0xA0) && !(lead == 0xED && second >= 0xA0);
    } else if (valid && length == 4) {
      const auto second = static_cast<unsigned char>(text[i + 1]);
      valid = !(lead == 0xF0 && second < 0x90) && !(lead == 0xF4 && second >= 0x90);
    }
    if (!valid) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", lead);
      refuse(file, line, column, std::string("byte ") + hex + " is not UTF-8 text; save the file as UTF-8");
    }
    if (length == 1 && lead < 0x20 && lead != '\t' && lead != '\n' && lead != '\r') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", lead);
      refuse(file, line, column, std::string("control character ") + hex + " in the text (a binary file?)");
    }
    if (lead == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += static_cast<std::size_t>(length);
  }
}

}  // namespace

InputLimits InputLimits::from_environment() {
  InputLimits limits;
  limits.max_file_bytes = limit_from("CONFSIM_MAX_INPUT_BYTES", limits.max_file_bytes);
  limits.max_yaml_nodes = limit_from("CONFSIM_MAX_YAML_NODES", limits.max_yaml_nodes);
  // yaml-cpp's parser stops at its own depth (500 levels in 0.7) whatever this says.
  const std::uint64_t depth = limit_from("CONFSIM_MAX_YAML_DEPTH", static_cast<std::uint64_t>(limits.max_yaml_depth));
  limits.max_yaml_depth = static_cast<int>(std::min<std::uint64_t>(depth, std::numeric_limits<int>::max()));
  const double physical = static_cast<double>(::sysconf(_SC_PHYS_PAGES)) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  limits.max_memory_bytes = kShareOfPhysicalMemory * physical;
  if (const char* gb = std::getenv("CONFSIM_MAX_MEMORY_GB"); gb != nullptr && *gb != '\0') {
    char* end = nullptr;
    const double value = std::strtod(gb, &end);
    if (end == gb || *end != '\0' || !(value > 0) || !std::isfinite(value))
      refuse("environment variable CONFSIM_MAX_MEMORY_GB", 0, 0,
             std::string("expected a number of gigabytes above 0, found '") + gb + "'");
    limits.max_memory_bytes = value * 1e9;
  }
  return limits;
}

void refuse_yaml_shape(const YAML::Exception& error, const std::string& file) {
  refuse(file, error.mark.is_null() ? 0 : error.mark.line + 1, error.mark.is_null() ? 0 : error.mark.column + 1,
         "this value does not have the shape expected here, such as a single value where a map or a list "
         "belongs (" + error.msg + ")");
}

void check_memory_need(double bytes, const SourceLocation& where, const std::string& key) {
  const double allowed = InputLimits::from_environment().max_memory_bytes;
  if (bytes <= allowed) return;
  char text[256];
  std::snprintf(text, sizeof text,
                "a run of this scenario needs about %.1f GB of memory, more than the %.1f GB allowed (%.0f%% of "
                "this machine's memory unless CONFSIM_MAX_MEMORY_GB says otherwise); make it smaller",
                bytes / 1e9, allowed / 1e9, 100 * kShareOfPhysicalMemory);
  throw InputError({{where, key, text}});
}


std::string read_input_file(const std::string& path, const std::string& what) {
  struct stat info{};
  if (::stat(path.c_str(), &info) != 0)
    refuse(path, 0, 0, "cannot open the " + what + ": " + std::strerror(errno));
  if (S_ISDIR(info.st_mode)) refuse(path, 0, 0, "a directory, not a " + what);
  std::ifstream in(path, std::ios::binary);
  if (!in) refuse(path, 0, 0, "cannot open the " + what + " (is it readable?)");
  // Read in pieces up to one byte past the limit, so a pipe or a device is bounded like a file.
  const std::uint64_t limit = InputLimits::from_environment().max_file_bytes;
  std::string text;
  char buffer[1 << 16];
  while (text.size() <= limit && in.read(buffer, sizeof buffer).gcount() > 0)
    text.append(buffer, static_cast<std::size_t>(in.gcount()));
  if (in.bad()) refuse(path, 0, 0, "cannot read the " + what);
  return text;
}

YAML::Node parse_input_yaml(const std::string& text, const std::string& file) {
  check_input_text(text, file);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::DeepRecursion& e) {
    refuse(file, e.mark.line + 1, e.mark.column + 1,
           "nesting deeper than " + std::to_string(e.depth()) + " levels, past what the YAML parser follows");
  } catch (const YAML::ParserException& e) {
    refuse(file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1,
           "this is not valid YAML: " + e.msg);
  }
  NodeBudget(InputLimits::from_environment(), file).visit(root, 0);
  return root;
}

}  // namespace confsim::sim
