#pragma once
// Square lattices, neighbourhood windows and O(1)-per-rectangle window counts.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

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

// Calls body(x0, y, first, n) for each run of cells of one row inside [begin, end): cells first …
// first + n − 1, at columns x0 … x0 + n − 1 of row y. Loops over a block of cells use it to know
// their coordinates without a division per cell.
template <class Body>
void for_row_runs(const Lattice& lattice, CellIndex begin, CellIndex end, Body&& body) {
  const std::uint32_t w = lattice.width();
  CellIndex c = begin;
  while (c < end) {
    const std::uint32_t x0 = lattice.x_of(c), y = lattice.y_of(c);
    const std::uint32_t n = std::min<CellIndex>(w - x0, end - c);
    body(x0, y, c, n);
    c += n;
  }
}

// Runs body(y_begin, y_end) over bands of whole rows in parallel, such that bands running at the
// same time lie more than 2·reach rows apart: work that writes anywhere within `reach` rows of the
// row it visits never writes where another thread does, so it needs no atomic read-modify-write.
// Bands of one colour run together and the colours one after another (two colours, or three when
// an odd number of bands closes around a torus). A lattice too small for two bands runs as one.
// Bands are at least kMinBandRows tall: a band's work reaches `reach` rows beyond it on each side,
// and those rows are cold in cache when a thread starts a band, so short bands waste the cache.
inline constexpr int kMinBandRows = 64;
template <class Body>
void parallel_row_bands(const Lattice& lattice, int reach, Body&& body) {
  const std::uint32_t height = lattice.height();
  const auto band = static_cast<std::uint32_t>(std::max(2 * reach, kMinBandRows));
  const std::uint32_t bands = height / band;
  if (bands < 2) {
    body(std::uint32_t{0}, height);
    return;
  }
  const bool third_colour = lattice.torus() && bands % 2 == 1;
  const auto rows_of = [&](std::uint32_t b) {
    return std::pair<std::uint32_t, std::uint32_t>{b * band, b + 1 == bands ? height : (b + 1) * band};
  };
  for (std::uint32_t colour = 0; colour < 2; ++colour) {
    const std::uint32_t count = (bands - (third_colour ? 1 : 0) - colour + 1) / 2;
    tbb::parallel_for(tbb::blocked_range<std::uint32_t>(0, count, 1), [&](const tbb::blocked_range<std::uint32_t>& r) {
      for (std::uint32_t k = r.begin(); k != r.end(); ++k) {
        const auto [y0, y1] = rows_of(2 * k + colour);
        body(y0, y1);
      }
    });
  }
  if (third_colour) {
    const auto [y0, y1] = rows_of(bands - 1);
    body(y0, y1);
  }
}

// Two counts share one summed-area table by living in separate 16-bit lanes of a cell's value:
// sums are taken modulo 2^32, so a window total decodes exactly into its two lane totals as long
// as the window holds fewer than 2^16 cells (kMaxPackedWindowCells).
inline constexpr std::uint32_t kLaneShift = 16;
inline constexpr std::size_t kMaxPackedWindowCells = (std::size_t{1} << kLaneShift) - 1;
constexpr std::uint32_t low_lane(std::uint32_t total) { return total & ((1U << kLaneShift) - 1); }
constexpr std::uint32_t high_lane(std::uint32_t total) { return total >> kLaneShift; }
constexpr std::uint32_t in_high_lane(std::uint32_t value) { return value << kLaneShift; }

// Summed-area table over a lattice padded by the window reach (wrapped on a torus, zero on a
// bounded lattice), so every rectangle query is four reads with no wrap-around branches, and a
// window count costs the same wherever the window sits. Built in parallel: rows, then columns.
class WindowCounter {
 public:
  WindowCounter(const Lattice& lattice, int reach);
  // Rebuilds from a per-cell value (e.g. 1 where an active citizen stands, or two packed lanes).
  template <class CellValue>
  void rebuild(CellValue&& value_of_cell);
  // The window's total around (x, y), centre included, modulo 2^32.
  std::uint32_t total(std::uint32_t x, std::uint32_t y, const Window& window) const;
  // Totals for the n cells (x, y) … (x + n − 1, y) of one row, into out[0 … n): the form that
  // vectorises, for loops that visit every cell.
  void totals_along_row(std::uint32_t x, std::uint32_t y, std::uint32_t n, const Window& window,
                        std::uint32_t* out) const;
  // A plain (single-lane) count around a cell.
  std::int32_t count(CellIndex centre, const Window& window) const {
    return static_cast<std::int32_t>(total(lattice_.x_of(centre), lattice_.y_of(centre), window));
  }

 private:
  const Lattice& lattice_;
  int reach_;
  std::uint32_t padded_width_, padded_height_;
  std::size_t stride_;
  std::vector<std::uint32_t> table_;  // (padded_width_ + 1) × (padded_height_ + 1), first row/column zero
  // Row py of the table, 1-based as the table is (row 0 is the zero row).
  std::uint32_t* row(std::size_t py) { return table_.data() + py * stride_; }
  const std::uint32_t* row(std::size_t py) const { return table_.data() + py * stride_; }
  void accumulate_columns();
};

template <class CellValue>
void WindowCounter::rebuild(CellValue&& value_of_cell) {
  const auto w = static_cast<std::int64_t>(lattice_.width());
  const auto h = static_cast<std::int64_t>(lattice_.height());
  const bool torus = lattice_.torus();
  // Padding wider than the lattice (a bounded lattice's big window) wraps more than once.
  const auto wrap = [](std::int64_t v, std::int64_t n) { return ((v % n) + n) % n; };
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, padded_height_), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t py = r.begin(); py != r.end(); ++py) {
      std::uint32_t* here = row(py + 1);
      here[0] = 0;
      const std::int64_t y = static_cast<std::int64_t>(py) - reach_;
      const bool row_inside = y >= 0 && y < h;
      if (!torus && !row_inside) {
        std::fill(here, here + padded_width_ + 1, 0U);
        continue;
      }
      const auto first = static_cast<CellIndex>((torus ? wrap(y, h) : y) * w);
      std::uint32_t sum = 0;
      std::uint32_t px = 0;
      // Left padding, the row itself, right padding: only the paddings need wrapping.
      for (; px < static_cast<std::uint32_t>(reach_); ++px) {
        const std::int64_t x = static_cast<std::int64_t>(px) - reach_;
        if (torus) sum += static_cast<std::uint32_t>(value_of_cell(first + static_cast<CellIndex>(wrap(x, w))));
        here[px + 1] = sum;
      }
      for (std::int64_t x = 0; x < w; ++x, ++px) {
        sum += static_cast<std::uint32_t>(value_of_cell(first + static_cast<CellIndex>(x)));
        here[px + 1] = sum;
      }
      for (; px < padded_width_; ++px) {
        const std::int64_t x = static_cast<std::int64_t>(px) - reach_;
        if (torus) sum += static_cast<std::uint32_t>(value_of_cell(first + static_cast<CellIndex>(wrap(x, w))));
        here[px + 1] = sum;
      }
    }
  });
  accumulate_columns();
}

}  // namespace confsim::sim
