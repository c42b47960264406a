#pragma once
// JSON written straight to a stream, for the commands that print or serve it (explain, view).
#include <charconv>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace confsim::app {

// The smallest JSON writer the commands need: strings escaped per RFC 8259, numbers in their shortest
// exact form, and null for what JSON cannot hold (an unbounded end of a range).
class Json {
 public:
  explicit Json(std::ostream& out) : out_(out) {}

  void string(const std::string& text) {
    out_ << '"';
    for (const unsigned char c : text) {
      switch (c) {
        case '"': out_ << "\\\""; break;
        case '\\': out_ << "\\\\"; break;
        case '\n': out_ << "\\n"; break;
        case '\r': out_ << "\\r"; break;
        case '\t': out_ << "\\t"; break;
        default:
          if (c < 0x20) {
            out_ << "\\u00" << "0123456789abcdef"[c >> 4] << "0123456789abcdef"[c & 15];
          } else {
            out_ << static_cast<char>(c);
          }
      }
    }
    out_ << '"';
  }
  void number(double x) {
    if (!std::isfinite(x)) {
      out_ << "null";
      return;
    }
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, x).ptr;
    out_ << std::string_view(text, static_cast<std::size_t>(end - text));
  }
  void whole(std::int64_t x) { out_ << x; }
  void boolean(bool x) { out_ << (x ? "true" : "false"); }
  void null() { out_ << "null"; }
  // Writes `"key": ` after a comma when the object already has a member.
  void key(const std::string& name) {
    if (!first_) out_ << ", ";
    first_ = false;
    string(name);
    out_ << ": ";
  }
  // `"name": "text"`, a member holding text.
  void field(const std::string& name, const std::string& text) {
    key(name);
    string(text);
  }
  void open(char bracket) {
    out_ << bracket;
    first_ = true;
  }
  void close(char bracket) {
    out_ << bracket;
    first_ = false;
  }
  // Before an element of an array.
  void element(const char* separator = ", ") {
    if (!first_) out_ << separator;
    first_ = false;
  }

 private:
  std::ostream& out_;
  bool first_ = true;
};

}  // namespace confsim::app
