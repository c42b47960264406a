#pragma once
// Square lattices, neighbourhood windows and O(1)-per-rectangle window counts.
#include <algorithm>
#include <bit>
#include <cstring>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include <tbb/blocked_range.h>

#include "confsim/sim/parallel.hpp"

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
  bool operator==(const Offset&) const = default;
};

// A rectangle of offsets, both ends included, relative to the window's centre.
struct OffsetRect {
  int dx0, dx1, dy0, dy1;
};

// One row of a window: the offsets (dx, dy) with |dx| ≤ half_width, the centre among them when dy = 0.
struct WindowRow {
  int dy;
  int half_width;
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
  // Its rows from top (dy = −reach) to bottom: offsets() lists the same cells in the same order.
  const std::vector<WindowRow>& rows() const { return rows_; }

 private:
  WindowShape shape_;
  double radius_;
  int reach_ = 0;
  std::vector<Offset> offsets_;
  std::vector<OffsetRect> rects_;
  std::vector<WindowRow> rows_;
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
    sim::parallel_for(tbb::blocked_range<std::uint32_t>(0, count, 1), [&](const tbb::blocked_range<std::uint32_t>& r) {
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

// out[i] = values[0] + … + values[i] for i < n, modulo 2^32 (eight at a time where the processor
// allows: a window counter's rows are short on a small lattice, and a serial sum is one addition a
// cycle at best).
void running_sum(const std::uint32_t* values, std::size_t n, std::uint32_t* out);

// Summed-area table over a lattice padded by the window reach (wrapped on a torus, zero on a
// bounded lattice), so every rectangle query is four reads with no wrap-around branches, and a
// window count costs the same wherever the window sits. Built in parallel: rows, then columns.
class WindowCounter {
 public:
  WindowCounter(const Lattice& lattice, int reach);
  // The same on storage the caller owns, of at least table_size() values: for models that reuse
  // one per-cell scratch buffer for the steps of a tick that need it one after another.
  WindowCounter(const Lattice& lattice, int reach, std::uint32_t* storage);
  static std::size_t table_size(const Lattice& lattice, int reach);
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
  std::vector<std::uint32_t> owned_;  // the table, unless the caller lent storage for it
  // (padded_width_ + 1) × (padded_height_ + 1), first row and column zero
  std::uint32_t* table_;
  // Row py of the table, 1-based as the table is (row 0 is the zero row).
  std::uint32_t* row(std::size_t py) { return table_ + py * stride_; }
  const std::uint32_t* row(std::size_t py) const { return table_ + py * stride_; }
  // The table row before lattice row y + dy (so a rectangle of rows dy0 … dy1 is the difference of
  // the rows before y + dy1 + 1 and before y + dy0).
  const std::uint32_t* row_before(std::uint32_t y, int dy) const {
    return row(static_cast<std::size_t>(static_cast<std::int64_t>(y) + reach_ + dy));
  }
  void accumulate_columns();
};

template <class CellValue>
void WindowCounter::rebuild(CellValue&& value_of_cell) {
  const auto w = static_cast<std::int64_t>(lattice_.width());
  const auto h = static_cast<std::int64_t>(lattice_.height());
  const bool torus = lattice_.torus();
  // Padding wider than the lattice (a bounded lattice's big window) wraps more than once.
  const auto wrap = [](std::int64_t v, std::int64_t n) { return ((v % n) + n) % n; };
  std::fill(row(0), row(0) + stride_, 0U);  // borrowed storage holds whatever was there before
  // The lattice's own rows first; each padding row is then a copy of the row it wraps to (or zeros).
  const auto r_rows = static_cast<std::size_t>(reach_);
  sim::parallel_for(tbb::blocked_range<std::size_t>(r_rows, r_rows + static_cast<std::size_t>(h)),
                    [&](const tbb::blocked_range<std::size_t>& r) {
    // A row's values first, in a pass that vectorises, then their running sum (on the stack for
    // rows up to 4096 cells, the heap beyond).
    constexpr std::size_t kStackRow = 4096;
    std::uint32_t on_stack[kStackRow];
    std::vector<std::uint32_t> on_heap(padded_width_ > kStackRow ? padded_width_ : 0);
    std::uint32_t* const values = padded_width_ > kStackRow ? on_heap.data() : on_stack;
    const auto r_cells = static_cast<std::uint32_t>(reach_);
    for (std::size_t py = r.begin(); py != r.end(); ++py) {
      std::uint32_t* here = row(py + 1);
      here[0] = 0;
      const std::int64_t y = static_cast<std::int64_t>(py) - reach_;
      const auto first = static_cast<CellIndex>(y * w);
      // Left padding, the row itself, right padding: only the paddings need wrapping, which takes
      // one addition or subtraction of the width where the reach is below it (no division).
      const bool wraps_once = reach_ < w;
      const auto column = [&](std::int64_t x) {
        return static_cast<CellIndex>(!wraps_once ? wrap(x, w) : x < 0 ? x + w : x >= w ? x - w : x);
      };
      for (std::uint32_t px = 0; px < r_cells; ++px) {
        const std::int64_t x = static_cast<std::int64_t>(px) - reach_;
        values[px] = torus ? static_cast<std::uint32_t>(value_of_cell(first + column(x))) : 0U;
        const std::uint32_t right = r_cells + static_cast<std::uint32_t>(w) + px;
        if (right < padded_width_) {
          const std::int64_t xr = static_cast<std::int64_t>(right) - reach_;
          values[right] = torus ? static_cast<std::uint32_t>(value_of_cell(first + column(xr))) : 0U;
        }
      }
      std::uint32_t* const core = values + r_cells;
      for (std::uint32_t x = 0; x < static_cast<std::uint32_t>(w); ++x)
        core[x] = static_cast<std::uint32_t>(value_of_cell(first + x));
      running_sum(values, padded_width_, here + 1);
    }
  });
  for (std::size_t py = 0; py < padded_height_; ++py) {
    if (py >= r_rows && py < r_rows + static_cast<std::size_t>(h)) continue;
    std::uint32_t* here = row(py + 1);
    if (!torus) {
      std::fill(here, here + stride_, 0U);
      continue;
    }
    const std::uint32_t* source = row(static_cast<std::size_t>(wrap(static_cast<std::int64_t>(py) - reach_, h)) + r_rows + 1);
    std::copy(source, source + stride_, here);
  }
  accumulate_columns();
}

// The indices i < n at which codes[i] is `a` or `b`, in increasing order, into out (room for n);
// returns how many. For listing the agents of a kind along a row without a branch per cell.
std::size_t positions_of(const std::int8_t* codes, std::size_t n, std::int8_t a, std::int8_t b, std::uint32_t* out);

// The cells of a lattice where something holds (an empty cell, an active citizen), one bit each,
// padded by a window reach as WindowCounter is: wrapped copies on a torus, zeros beyond a bounded
// lattice. Every cell of a window then lies a fixed number of bits from the centre wherever the
// centre stands, so a probe is one bit test and a window row is a word or two, at the edge as in
// the middle; and the rows a window spans stay in the first-level cache (15 rows of a 4000-wide
// lattice are 8 KB).
class CellBits {
 public:
  CellBits(const Lattice& lattice, int reach);
  // Sets each cell's bit to holds(cell), in parallel over rows.
  template <class Holds>
  void rebuild(Holds&& holds);
  // The same for holds(cell) = (codes[cell] == value), eight cells to a word operation.
  void rebuild_equal(const std::int8_t* codes, std::int8_t value);
  // Sets one cell's bit, and its wrapped copies in the padding.
  void assign(std::uint32_t x, std::uint32_t y, bool value);

  // Where cell (x, y) is in the padded bits, and how far an offset moves from there.
  std::size_t position(std::uint32_t x, std::uint32_t y) const {
    return (static_cast<std::size_t>(y) + static_cast<std::size_t>(reach_)) * row_bits_ + x +
           static_cast<std::size_t>(reach_);
  }
  std::ptrdiff_t step(Offset o) const { return static_cast<std::ptrdiff_t>(o.dy) * row_bits_ + o.dx; }
  bool test(std::size_t position) const { return ((words_[position >> 6] >> (position & 63)) & 1U) != 0; }
  // The padded bits themselves, bit p in word p / 64 at place p % 64, and how many there are.
  const std::uint64_t* words() const { return words_.data(); }
  std::size_t bit_count() const { return padded_rows_ * row_bits_; }

  // Calls visit(x) for each cell (x, y), x0 ≤ x < x1, of row y that holds, in order of x.
  template <class Visit>
  void for_each_in_row(std::uint32_t y, std::uint32_t x0, std::uint32_t x1, Visit&& visit) const;

 private:
  const Lattice& lattice_;
  int reach_;
  std::size_t row_bits_;  // bits per padded row, a whole number of words
  std::size_t padded_rows_;
  std::vector<std::uint64_t> words_;  // the padded rows, then one spare word so 64-bit reads never leave it

  // Every padded row from the lattice's rows' cell values, given 64 at a time by
  // cells_from(y, x0, n) (bit k for cell x0 + k of row y).
  template <class Words>
  void build_rows(Words&& cells_from);
  // Row py (one of the lattice's own) of the padded bits, its wrapped columns included.
  template <class Words>
  void build_row(std::size_t py, Words&& cells_from);
};

template <class Visit>
void CellBits::for_each_in_row(std::uint32_t y, std::uint32_t x0, std::uint32_t x1, Visit&& visit) const {
  if (x0 >= x1) return;
  const std::size_t row_start = position(0, y), begin = row_start + x0, end = row_start + x1;
  for (std::size_t word = begin >> 6; word <= (end - 1) >> 6; ++word) {
    std::uint64_t bits = words_[word];
    const std::size_t base = word << 6;
    if (base < begin) bits &= ~std::uint64_t{0} << (begin - base);
    if (base + 64 > end) bits &= ~std::uint64_t{0} >> (base + 64 - end);
    for (; bits != 0; bits &= bits - 1)
      visit(static_cast<std::uint32_t>(base + static_cast<std::size_t>(std::countr_zero(bits)) - row_start));
  }
}

template <class Words>
void CellBits::build_row(std::size_t py, Words&& cells_from) {
  std::uint64_t* out = words_.data() + py * (row_bits_ / 64);
  std::fill(out, out + row_bits_ / 64, 0U);
  const bool torus = lattice_.torus();
  const auto source_row = static_cast<std::uint32_t>(py - static_cast<std::size_t>(reach_));
  const std::uint32_t w = lattice_.width();
  const auto place = [&](std::uint64_t value, std::size_t at) {  // 64 bits at bit `at` of the row
    out[at >> 6] |= value << (at & 63);
    if ((at & 63) != 0 && (at >> 6) + 1 < row_bits_ / 64) out[(at >> 6) + 1] |= value >> (64 - (at & 63));
  };
  const auto r = static_cast<std::size_t>(reach_);
  for (std::uint32_t x = 0; x < w; x += 64) {
    const std::uint32_t n = std::min(64U, w - x);
    place(cells_from(source_row, x, n), r + x);
  }
  if (!torus) return;
  // The wrapped columns either side, up to 64 at a time: a window fits the torus, so reach < width,
  // and the bits copied come from the row itself.
  const std::size_t row_words = row_bits_ / 64;
  const auto take = [&](std::size_t at, std::uint32_t n) {  // bits at … at + n − 1, n ≤ 64
    const std::size_t word = at >> 6;
    const auto shift = static_cast<unsigned>(at & 63);
    std::uint64_t bits = out[word] >> shift;
    if (shift != 0 && word + 1 < row_words) bits |= out[word + 1] << (64 - shift);
    return n == 64 ? bits : bits & ((std::uint64_t{1} << n) - 1);
  };
  for (std::size_t done = 0; done < r; done += 64) {
    const auto n = static_cast<std::uint32_t>(std::min<std::size_t>(64, r - done));
    place(take(w + done, n), done);
    place(take(r + done, n), r + w + done);
  }
}

// A window as read from one CellBits: each row cut into chunks of at most 57 bits, so that a chunk
// is one unaligned 64-bit read at a fixed distance from the centre's position, a shift and a mask
// (one chunk a row for windows up to 57 cells wide). The centre never counts.
class WindowBits {
 public:
  WindowBits(const Window& window, const CellBits& cells);
  const Window& window() const { return *window_; }
  // How many cells of the window around `centre` (a position in the cells) hold.
  std::uint32_t count(std::size_t centre) const;
  // The k-th of them (from 0), as its index in window().offsets(); requires k < count.
  std::uint32_t select(std::size_t centre, std::uint32_t k) const;

 private:
  static constexpr unsigned kChunkBits = 57;  // what a 64-bit read holds after a shift of up to 7
  struct Chunk {
    std::ptrdiff_t from;       // first bit, relative to the centre
    std::uint64_t mask;        // the chunk's bits, the centre's cleared
    std::uint32_t first_index;  // the offset index of its first cell
    int centre_bit;            // the centre's bit in the chunk, or −1
  };
  const Window* window_;
  const unsigned char* bytes_;
  std::vector<Chunk> chunks_;

  std::uint64_t read(std::size_t centre, const Chunk& chunk) const {
    const auto position = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(centre) + chunk.from);
    std::uint64_t word = 0;
    std::memcpy(&word, bytes_ + (position >> 3), sizeof word);  // bits in memory order: little-endian
    return (word >> (position & 7)) & chunk.mask;
  }
};

template <class Holds>
void CellBits::rebuild(Holds&& holds) {
  const std::uint32_t w = lattice_.width();
  build_rows([&](std::uint32_t y, std::uint32_t x0, std::uint32_t n) {
    std::uint64_t value = 0;
    const CellIndex first = y * w + x0;
    for (std::uint32_t k = 0; k < n; ++k) value |= static_cast<std::uint64_t>(holds(first + k) ? 1U : 0U) << k;
    return value;
  });
}

template <class Words>
void CellBits::build_rows(Words&& cells_from) {
  // The lattice's own rows; each padding row is then a copy of the row it wraps to, or zeros.
  const auto r = static_cast<std::size_t>(reach_), h = static_cast<std::size_t>(lattice_.height());
  sim::parallel_for(tbb::blocked_range<std::size_t>(r, r + h), [&](const tbb::blocked_range<std::size_t>& rows) {
    for (std::size_t py = rows.begin(); py != rows.end(); ++py) build_row(py, cells_from);
  });
  const std::size_t row_words = row_bits_ / 64;
  for (std::size_t py = 0; py < padded_rows_; ++py) {
    if (py >= r && py < r + h) continue;
    std::uint64_t* out = words_.data() + py * row_words;
    if (!lattice_.torus()) {
      std::fill(out, out + row_words, 0U);
      continue;
    }
    const auto y = static_cast<std::int64_t>(py) - reach_, height = static_cast<std::int64_t>(h);
    const std::uint64_t* source = words_.data() + (static_cast<std::size_t>(((y % height) + height) % height) + r) * row_words;
    std::copy(source, source + row_words, out);
  }
}

}  // namespace confsim::sim
