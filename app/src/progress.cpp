#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace confsim::app {
namespace {
// Runs shorter than this finish before a bar would help, so none is drawn.
constexpr double kShowAfterSeconds = 1.0;
constexpr double kRedrawSeconds = 0.2;
}  // namespace

ProgressBar::ProgressBar(bool enabled)
    : enabled_(enabled && ::isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void ProgressBar::update(std::int64_t done, std::int64_t total) {
  if (!enabled_ || total <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (elapsed < kShowAfterSeconds || std::chrono::duration<double>(now - last_draw_).count() < kRedrawSeconds) return;
  last_draw_ = now;
  shown_ = true;
  const double fraction = static_cast<double>(done) / static_cast<double>(total);
  const int width = 30, filled = static_cast<int>(fraction * width);
  const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
  std::fprintf(stderr, "\r[%-*.*s] %3d%%  tick %lld/%lld  ETA %.0fs ", width, filled,
               "==============================", static_cast<int>(fraction * 100), static_cast<long long>(done),
               static_cast<long long>(total), eta);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (shown_) std::fprintf(stderr, "\r%*s\r", 70, "");
}

}  // namespace confsim::app
