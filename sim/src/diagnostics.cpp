#include "confsim/sim/diagnostics.hpp"

#include "confsim/sim/distributions.hpp"
#include "confsim/sim/schema.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace confsim::sim {

std::string SourceLocation::describe() const {
  if (!from_override.empty()) return "--set " + from_override;
  std::string out = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out;
}

std::string Diagnostic::describe() const {
  std::string out = where.describe() + ": error: ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

namespace {
std::string join_lines(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.describe();
  }
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_lines(diagnostics)), diagnostics_(std::move(diagnostics)) {}

NumericError::NumericError(const std::string& quantity, const std::string& problem)
    : std::runtime_error(quantity), message_(quantity + " " + problem) {}

void NumericError::add_context(const std::string& where) { message_ = where + ": " + message_; }

namespace detail {
void refuse_draw(const char* quantity, double value, const char* needed) {
  throw NumericError(quantity, "is " + number_text(value) + "; " + needed);
}
}  // namespace detail

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 0;
  for (const auto& candidate : candidates) {
    const std::size_t d = edit_distance(word, candidate);
    if (best.empty() || d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  // Close enough to be a slip of the keyboard: a third of the word, and at least two edits.
  const std::size_t allowed = std::max<std::size_t>(2, word.size() / 3);
  return (!best.empty() && best_distance <= allowed) ? best : std::string();
}

}  // namespace confsim::sim
