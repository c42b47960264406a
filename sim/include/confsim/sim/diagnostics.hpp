#pragma once
// Errors in user input: where they are (file:line:column, or the --set that caused them), which
// key, what was expected and what was found.
#include <stdexcept>
#include <string>
#include <vector>

namespace confsim::sim {

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string from_override;  // the --set text when the value came from the command line

  std::string describe() const;
};

struct Diagnostic {
  SourceLocation where;
  std::string key_path;  // e.g. "citizens.density"; empty for file-level problems
  std::string message;

  std::string describe() const;
};

// Thrown when input is invalid; carries every problem found, not only the first.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Thrown during a run when the model meets a number it cannot use (a rate that is not a number, a
// probability above 1): values each valid alone led it outside what it computes. Names the quantity;
// each level it passes on the way up adds where it arose (the actor, then the tick and date).
class NumericError : public std::runtime_error {
 public:
  NumericError(const std::string& quantity, const std::string& problem);
  void add_context(const std::string& where);  // the outermost is added last and shown first
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
};

// The closest of the candidates to a misspelt word, or "" when none is close enough to suggest.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace confsim::sim
