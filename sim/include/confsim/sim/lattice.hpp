#pragma once
// Square lattices, neighbourhood windows and O(1)-per-rectangle window counts.
#include <cstdint>
#include <string_view>
#include <vector>

namespace confsim::sim {

using CellIndex = std::uint32_t;

enum class WindowShape : std::uint8_t {
  euclidean,    // cells with dx² + dy² ≤ r² (NetLogo's in-radius; the paper's v = 1.7 needs it)
  von_neumann,  // |dx| + |dy| ≤ ⌊r⌋ (Mesa's orthogonal grid)
  moore,        // max(|dx|, |dy|) ≤ ⌊r⌋
};

std::string_view to_string(WindowShape shape);
// The inverse of to_string; throws std::invalid_argument for a name that is not a shape.
WindowShape window_shape_from(std::string_view name);

struct Offset {
  int dx;
  int dy;
};

// A rectangle of offsets, both ends included, relative to the window's centre.
struct OffsetRect {
  int dx0, dx1, dy0, dy1;
};

// The cells an agent sees: its offsets (own cell excluded) and the same set cut into disjoint
// rectangles, so that a count over the window costs one summed-area query per rectangle.
class Window {
 public:
  Window(WindowShape shape, double radius);
  WindowShape shape() const { return shape_; }
  double radius() const { return radius_; }
  int reach() const { return reach_; }  // the largest |dx| or |dy| in the window
  const std::vector<Offset>& offsets() const { return offsets_; }
  // Rectangles covering the window including the centre cell, pairwise disjoint.
  const std::vector<OffsetRect>& rects() const { return rects_; }

 private:
  WindowShape shape_;
  double radius_;
  int reach_ = 0;
  std::vector<Offset> offsets_;
  std::vector<OffsetRect> rects_;
};

class Lattice {
 public:
  Lattice(std::uint32_t width, std::uint32_t height, bool torus);
  std::uint32_t width() const { return width_; }
  std::uint32_t height() const { return height_; }
  bool torus() const { return torus_; }
  std::uint32_t cell_count() const { return width_ * height_; }
  CellIndex index(std::uint32_t x, std::uint32_t y) const { return y * width_ + x; }
  std::uint32_t x_of(CellIndex cell) const { return cell % width_; }
  std::uint32_t y_of(CellIndex cell) const { return cell / width_; }
  // The cell at an offset from another, or nothing if it falls off a bounded lattice.
  bool shifted(CellIndex from, Offset by, CellIndex& out) const { return shifted(x_of(from), y_of(from), by, out); }
  // The same from known coordinates: the form for loops over a window, which need no division.
  // On a torus |dx| ≤ width and |dy| ≤ height (true of any window that fits()).
  bool shifted(std::uint32_t x, std::uint32_t y, Offset by, CellIndex& out) const {
    auto nx = static_cast<std::int64_t>(x) + by.dx;
    auto ny = static_cast<std::int64_t>(y) + by.dy;
    if (torus_) {
      nx += nx < 0 ? width_ : (nx >= width_ ? -static_cast<std::int64_t>(width_) : 0);
      ny += ny < 0 ? height_ : (ny >= height_ ? -static_cast<std::int64_t>(height_) : 0);
    } else if (nx < 0 || ny < 0 || nx >= width_ || ny >= height_) {
      return false;
    }
    out = index(static_cast<std::uint32_t>(nx), static_cast<std::uint32_t>(ny));
    return true;
  }
  // True when a window fits without overlapping itself across the torus seam.
  bool fits(const Window& window) const;

 private:
  std::uint32_t width_, height_;
  bool torus_;
};

// Summed-area table over a lattice padded by the window reach (wrapped on a torus, zero on a
// bounded lattice), so every rectangle query is four reads with no wrap-around branches.
class WindowCounter {
 public:
  WindowCounter(const Lattice& lattice, int reach);
  // Rebuilds from a per-cell value (e.g. 1 where an active citizen stands).
  template <class CellValue>
  void rebuild(CellValue&& value_of_cell);
  std::int32_t count(CellIndex centre, const Window& window) const;
  std::int32_t count_rect(CellIndex centre, const OffsetRect& rect) const;

 private:
  const Lattice& lattice_;
  int reach_;
  std::uint32_t padded_width_;
  std::vector<std::int32_t> table_;  // (padded_width_ + 1) × (padded_height + 1), first row/column zero
  std::vector<std::int32_t> values_;
  void build_table();
};

template <class CellValue>
void WindowCounter::rebuild(CellValue&& value_of_cell) {
  const std::uint32_t n = lattice_.cell_count();
  values_.resize(n);
  for (CellIndex c = 0; c < n; ++c) values_[c] = static_cast<std::int32_t>(value_of_cell(c));
  build_table();
}

}  // namespace confsim::sim
