#pragma once
// A progress bar on stderr for long runs at a terminal; silent otherwise (batch logs stay clean).
#include <chrono>
#include <cstdint>

namespace confsim::app {

class ProgressBar {
 public:
  explicit ProgressBar(bool enabled);
  void update(std::int64_t done, std::int64_t total);
  void finish();

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace confsim::app
