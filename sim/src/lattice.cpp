#include "confsim/sim/lattice.hpp"

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace confsim::sim {

std::string_view to_string(WindowShape shape) {
  switch (shape) {
    case WindowShape::euclidean: return "euclidean";
    case WindowShape::von_neumann: return "von_neumann";
    case WindowShape::moore: return "moore";
  }
  return "?";
}

WindowShape window_shape_from(std::string_view name) {
  for (WindowShape shape : {WindowShape::euclidean, WindowShape::von_neumann, WindowShape::moore})
    if (to_string(shape) == name) return shape;
  throw std::invalid_argument("not a window shape: " + std::string(name));
}

namespace {
// Half-width of the window's row at vertical offset dy, or -1 if the row is empty.
int half_width(WindowShape shape, double radius, int dy) {
  const int r = static_cast<int>(std::floor(radius));
  switch (shape) {
    case WindowShape::euclidean: {
      const double rest = radius * radius - static_cast<double>(dy) * dy;
      // A small tolerance keeps cells exactly on the circle (e.g. r = 5, (3, 4)) inside.
      return rest < -1e-9 ? -1 : static_cast<int>(std::floor(std::sqrt(std::max(rest, 0.0)) + 1e-9));
    }
    case WindowShape::von_neumann: return std::abs(dy) > r ? -1 : r - std::abs(dy);
    case WindowShape::moore: return std::abs(dy) > r ? -1 : r;
  }
  return -1;
}
}  // namespace

Window::Window(WindowShape shape, double radius) : shape_(shape), radius_(radius) {
  const int r = static_cast<int>(std::floor(radius));
  reach_ = r;
  // Rows with the same half-width next to each other share one rectangle.
  for (int dy = -r; dy <= r; ++dy) {
    const int w = half_width(shape, radius, dy);
    if (w < 0) continue;
    for (int dx = -w; dx <= w; ++dx)
      if (dx != 0 || dy != 0) offsets_.push_back({dx, dy});
    if (!rects_.empty() && rects_.back().dy1 == dy - 1 && rects_.back().dx1 == w)
      rects_.back().dy1 = dy;
    else
      rects_.push_back({-w, w, dy, dy});
  }
}

Lattice::Lattice(std::uint32_t width, std::uint32_t height, bool torus)
    : width_(width), height_(height), torus_(torus) {}

bool Lattice::fits(const Window& window) const {
  const auto span = static_cast<std::uint32_t>(2 * window.reach() + 1);
  return !torus_ || (span <= width_ && span <= height_);
}

WindowCounter::WindowCounter(const Lattice& lattice, int reach)
    : lattice_(lattice),
      reach_(reach),
      padded_width_(lattice.width() + 2 * static_cast<std::uint32_t>(reach)),
      padded_height_(lattice.height() + 2 * static_cast<std::uint32_t>(reach)),
      stride_(static_cast<std::size_t>(padded_width_) + 1),
      table_(stride_ * (static_cast<std::size_t>(padded_height_) + 1), 0U) {}

void WindowCounter::accumulate_columns() {
  // Strips of columns, each walked down the rows: every thread streams through its own memory.
  constexpr std::size_t kStrip = 256;
  const std::size_t strips = (stride_ + kStrip - 1) / kStrip;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, strips), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t s = r.begin(); s != r.end(); ++s) {
      const std::size_t x0 = s * kStrip, x1 = std::min(stride_, x0 + kStrip);
      for (std::size_t py = 2; py <= padded_height_; ++py) {
        const std::uint32_t* above = row(py - 1);
        std::uint32_t* here = row(py);
        for (std::size_t x = x0; x < x1; ++x) here[x] += above[x];
      }
    }
  });
}

std::uint32_t WindowCounter::total(std::uint32_t x, std::uint32_t y, const Window& window) const {
  std::uint32_t sum = 0;
  for (const OffsetRect& rect : window.rects()) {
    // Padded coordinates of the rectangle's corners; the zero first row and column make the
    // "one before" corners valid indices.
    const std::size_t x0 = x + reach_ + rect.dx0, x1 = x + reach_ + rect.dx1 + 1;
    const std::uint32_t* top = row(y + reach_ + rect.dy0);
    const std::uint32_t* bottom = row(y + reach_ + rect.dy1 + 1);
    sum += bottom[x1] - bottom[x0] - top[x1] + top[x0];
  }
  return sum;
}

void WindowCounter::totals_along_row(std::uint32_t x, std::uint32_t y, std::uint32_t n, const Window& window,
                                     std::uint32_t* out) const {
  std::fill(out, out + n, 0U);
  for (const OffsetRect& rect : window.rects()) {
    const std::uint32_t* top = row(y + reach_ + rect.dy0);
    const std::uint32_t* bottom = row(y + reach_ + rect.dy1 + 1);
    const std::size_t x0 = x + reach_ + rect.dx0, x1 = x + reach_ + rect.dx1 + 1;
    const std::uint32_t* __restrict b0 = bottom + x0;
    const std::uint32_t* __restrict b1 = bottom + x1;
    const std::uint32_t* __restrict t0 = top + x0;
    const std::uint32_t* __restrict t1 = top + x1;
    std::uint32_t* __restrict o = out;
    for (std::uint32_t i = 0; i < n; ++i) o[i] += b1[i] - b0[i] - t1[i] + t0[i];
  }
}

}  // namespace confsim::sim
