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
    : lattice_(lattice), reach_(reach), padded_width_(lattice.width() + 2 * static_cast<std::uint32_t>(reach)) {}

void WindowCounter::build_table() {
  const auto w = static_cast<std::int64_t>(lattice_.width());
  const auto h = static_cast<std::int64_t>(lattice_.height());
  const std::int64_t pw = padded_width_;
  const std::int64_t ph = h + 2 * reach_;
  const std::int64_t stride = pw + 1;
  table_.assign(static_cast<std::size_t>(stride * (ph + 1)), 0);
  for (std::int64_t py = 0; py < ph; ++py) {
    const std::int64_t y = py - reach_;
    const bool row_inside = y >= 0 && y < h;
    const std::int64_t wrapped_y = ((y % h) + h) % h;
    std::int32_t row_sum = 0;
    std::int32_t* above = &table_[static_cast<std::size_t>(py * stride)];
    std::int32_t* here = above + stride;
    for (std::int64_t px = 0; px < pw; ++px) {
      const std::int64_t x = px - reach_;
      std::int32_t v = 0;
      if (lattice_.torus()) {
        const std::int64_t wrapped_x = ((x % w) + w) % w;
        v = values_[static_cast<std::size_t>(wrapped_y * w + wrapped_x)];
      } else if (row_inside && x >= 0 && x < w) {
        v = values_[static_cast<std::size_t>(y * w + x)];
      }
      row_sum += v;
      here[px + 1] = above[px + 1] + row_sum;
    }
  }
}

std::int32_t WindowCounter::count_rect(CellIndex centre, const OffsetRect& rect) const {
  const std::int64_t stride = padded_width_ + 1;
  // Padded coordinates of the rectangle's corners; the table's extra first row and column make
  // the "one before" corners valid indices.
  const std::int64_t x0 = lattice_.x_of(centre) + reach_ + rect.dx0;
  const std::int64_t x1 = lattice_.x_of(centre) + reach_ + rect.dx1 + 1;
  const std::int64_t y0 = lattice_.y_of(centre) + reach_ + rect.dy0;
  const std::int64_t y1 = lattice_.y_of(centre) + reach_ + rect.dy1 + 1;
  const auto at = [&](std::int64_t x, std::int64_t y) { return table_[static_cast<std::size_t>(y * stride + x)]; };
  return at(x1, y1) - at(x0, y1) - at(x1, y0) + at(x0, y0);
}

std::int32_t WindowCounter::count(CellIndex centre, const Window& window) const {
  std::int32_t total = 0;
  for (const OffsetRect& rect : window.rects()) total += count_rect(centre, rect);
  return total;
}

}  // namespace confsim::sim
