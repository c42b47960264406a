#include "confsim/sim/lattice.hpp"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <array>
#include <bit>
#include <cmath>
#include <cstring>
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
    rows_.push_back({dy, w});
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

std::size_t WindowCounter::table_size(const Lattice& lattice, int reach) {
  const auto pad = 2 * static_cast<std::size_t>(reach);
  return (lattice.width() + pad + 1) * (lattice.height() + pad + 1);
}

WindowCounter::WindowCounter(const Lattice& lattice, int reach, std::uint32_t* storage)
    : lattice_(lattice),
      reach_(reach),
      padded_width_(lattice.width() + 2 * static_cast<std::uint32_t>(reach)),
      padded_height_(lattice.height() + 2 * static_cast<std::uint32_t>(reach)),
      stride_(static_cast<std::size_t>(padded_width_) + 1),
      table_(storage) {}

WindowCounter::WindowCounter(const Lattice& lattice, int reach) : WindowCounter(lattice, reach, nullptr) {
  owned_.assign(table_size(lattice, reach), 0U);
  table_ = owned_.data();
}

void WindowCounter::accumulate_columns() {
  // Strips of columns, each walked down the rows: every thread streams through its own memory.
  constexpr std::size_t kStrip = 256;
  const std::size_t strips = (stride_ + kStrip - 1) / kStrip;
  sim::parallel_for(tbb::blocked_range<std::size_t>(0, strips), [&](const tbb::blocked_range<std::size_t>& r) {
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
    const std::uint32_t* top = row_before(y, rect.dy0);
    const std::uint32_t* bottom = row_before(y, rect.dy1 + 1);
    sum += bottom[x1] - bottom[x0] - top[x1] + top[x0];
  }
  return sum;
}

void WindowCounter::totals_along_row(std::uint32_t x, std::uint32_t y, std::uint32_t n, const Window& window,
                                     std::uint32_t* out) const {
  // Eight cells at a time with every rectangle's corners summed in a register, so that each
  // total is stored once (a window of 15 rows otherwise reads and writes the row 15 times); sums
  // wrap modulo 2^32 either way, so the order of the terms changes no bit.
  constexpr std::size_t kMaxRegisterRects = 64;
  const std::vector<OffsetRect>& rects = window.rects();
  if (rects.size() <= kMaxRegisterRects) {
    using Lanes = std::uint32_t __attribute__((vector_size(32)));
    const std::uint32_t* corners[4][kMaxRegisterRects];  // bottom right, bottom left, top right, top left
    for (std::size_t k = 0; k < rects.size(); ++k) {
      const OffsetRect& rect = rects[k];
      const std::uint32_t* top = row_before(y, rect.dy0);
      const std::uint32_t* bottom = row_before(y, rect.dy1 + 1);
      const std::size_t x0 = x + reach_ + rect.dx0, x1 = x + reach_ + rect.dx1 + 1;
      corners[0][k] = bottom + x1;
      corners[1][k] = bottom + x0;
      corners[2][k] = top + x1;
      corners[3][k] = top + x0;
    }
    const auto load = [](const std::uint32_t* p) {
      Lanes v;
      std::memcpy(&v, p, sizeof v);
      return v;
    };
    std::uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
      Lanes sum{};
      for (std::size_t k = 0; k < rects.size(); ++k)
        sum += load(corners[0][k] + i) - load(corners[1][k] + i) - load(corners[2][k] + i) + load(corners[3][k] + i);
      std::memcpy(out + i, &sum, sizeof sum);
    }
    for (; i < n; ++i) {
      std::uint32_t sum = 0;
      for (std::size_t k = 0; k < rects.size(); ++k)
        sum += corners[0][k][i] - corners[1][k][i] - corners[2][k][i] + corners[3][k][i];
      out[i] = sum;
    }
    return;
  }
  std::fill(out, out + n, 0U);
  for (const OffsetRect& rect : window.rects()) {
    const std::uint32_t* top = row_before(y, rect.dy0);
    const std::uint32_t* bottom = row_before(y, rect.dy1 + 1);
    const std::size_t x0 = x + reach_ + rect.dx0, x1 = x + reach_ + rect.dx1 + 1;
    const std::uint32_t* __restrict b0 = bottom + x0;
    const std::uint32_t* __restrict b1 = bottom + x1;
    const std::uint32_t* __restrict t0 = top + x0;
    const std::uint32_t* __restrict t1 = top + x1;
    std::uint32_t* __restrict o = out;
    for (std::uint32_t i = 0; i < n; ++i) o[i] += b1[i] - b0[i] - t1[i] + t0[i];
  }
}

CellBits::CellBits(const Lattice& lattice, int reach)
    : lattice_(lattice),
      reach_(reach),
      row_bits_((lattice.width() + 2 * static_cast<std::size_t>(reach) + 63) / 64 * 64),
      padded_rows_(lattice.height() + 2 * static_cast<std::size_t>(reach)),
      words_(padded_rows_ * (row_bits_ / 64) + 1, 0U) {}

void CellBits::rebuild_equal(const std::int8_t* codes, std::int8_t value) {
  const std::uint32_t w = lattice_.width();
  const std::uint64_t pattern = 0x0101010101010101ULL * static_cast<std::uint8_t>(value);
  build_rows([&](std::uint32_t y, std::uint32_t x0, std::uint32_t n) {
    const std::int8_t* cell = codes + static_cast<std::size_t>(y) * w + x0;
    std::uint64_t bits = 0;
    // Eight bytes at a time: a byte equal to `value` becomes its lowest bit, then the eight bits
    // are gathered by one multiply (their positions 0, 8, …, 56 land on 56 … 63).
    std::uint32_t k = 0;
    for (; k + 8 <= n; k += 8) {
      std::uint64_t bytes = 0;
      std::memcpy(&bytes, cell + k, 8);
      std::uint64_t diff = bytes ^ pattern;  // zero bytes where equal
      diff |= diff >> 4;
      diff |= diff >> 2;
      diff |= diff >> 1;
      const std::uint64_t equal = ~diff & 0x0101010101010101ULL;
      bits |= ((equal * 0x0102040810204080ULL) >> 56) << k;
    }
    for (; k < n; ++k) bits |= static_cast<std::uint64_t>(cell[k] == value ? 1U : 0U) << k;
    return bits;
  });
}

void CellBits::assign(std::uint32_t x, std::uint32_t y, bool value) {
  // A cell within reach of an edge has a copy beyond the opposite edge on a torus.
  const auto r = static_cast<std::size_t>(reach_);
  std::size_t columns[2] = {x + r, x + r}, rows[2] = {y + r, y + r};
  if (lattice_.torus()) {
    const std::uint32_t w = lattice_.width(), h = lattice_.height();
    if (x < r) columns[1] = x + r + w;
    if (x + r >= w) columns[1] = x + r - w;
    if (y < r) rows[1] = y + r + h;
    if (y + r >= h) rows[1] = y + r - h;
  }
  for (const std::size_t py : rows)
    for (const std::size_t px : columns) {
      const std::size_t at = py * row_bits_ + px;
      const std::uint64_t bit = std::uint64_t{1} << (at & 63);
      words_[at >> 6] = value ? (words_[at >> 6] | bit) : (words_[at >> 6] & ~bit);
    }
}

void running_sum(const std::uint32_t* values, std::size_t n, std::uint32_t* out) {
  std::size_t i = 0;
  std::uint32_t sum = 0;
#if defined(__AVX2__)
  __m256i carry = _mm256_setzero_si256();
  for (; i + 8 <= n; i += 8) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(values + i));
    // Sums within each half, then the lower half's total added to the upper half.
    v = _mm256_add_epi32(v, _mm256_slli_si256(v, 4));
    v = _mm256_add_epi32(v, _mm256_slli_si256(v, 8));
    const __m256i half_totals = _mm256_shuffle_epi32(v, 0xFF);
    v = _mm256_add_epi32(v, _mm256_permute2x128_si256(half_totals, half_totals, 0x08));
    v = _mm256_add_epi32(v, carry);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), v);
    carry = _mm256_permutevar8x32_epi32(v, _mm256_set1_epi32(7));
  }
  sum = static_cast<std::uint32_t>(_mm256_cvtsi256_si32(carry));
#endif
  for (; i < n; ++i) {
    sum += values[i];
    out[i] = sum;
  }
}

namespace {
// For each 8-bit mask, the places of its set bits packed into the low bytes of a word.
constexpr std::array<std::uint64_t, 256> packed_bit_places() {
  std::array<std::uint64_t, 256> table{};
  for (unsigned mask = 0; mask < 256; ++mask) {
    unsigned k = 0;
    for (unsigned bit = 0; bit < 8; ++bit)
      if ((mask >> bit) & 1U) table[mask] |= static_cast<std::uint64_t>(bit) << (8 * k++);
  }
  return table;
}
constexpr std::array<std::uint64_t, 256> kPackedBitPlaces = packed_bit_places();
}  // namespace

std::size_t positions_of(const std::int8_t* codes, std::size_t n, std::int8_t a, std::int8_t b, std::uint32_t* out) {
  std::size_t found = 0, i = 0;
#if defined(__AVX2__)
  // Eight cells at a time without a branch per match: the matches' places come packed from a table
  // and all eight lanes are stored, of which the first popcount(mask) count. The stores stay below
  // out + i + 8 ≤ out + n, since found ≤ i.
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
  for (; i + 8 <= n; i += 8) {
    const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(codes + i));
    const auto mask =
        static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)))) & 0xFFU;
    const __m256i places = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(kPackedBitPlaces[mask])));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + found),
                        _mm256_add_epi32(places, _mm256_set1_epi32(static_cast<int>(i))));
    found += static_cast<std::size_t>(std::popcount(mask));
  }
#endif
  for (; i < n; ++i) {
    out[found] = static_cast<std::uint32_t>(i);
    found += codes[i] == a || codes[i] == b;
  }
  return found;
}

static_assert(std::endian::native == std::endian::little, "WindowBits reads bits in memory order");

WindowBits::WindowBits(const Window& window, const CellBits& cells)
    : window_(&window), bytes_(reinterpret_cast<const unsigned char*>(cells.words())) {
  std::uint32_t index = 0;  // offsets() lists the rows' cells in order, the centre left out
  for (const WindowRow& row : window.rows()) {
    const auto width = static_cast<unsigned>(2 * row.half_width + 1);
    const std::ptrdiff_t row_start = cells.step({-row.half_width, row.dy});
    for (unsigned done = 0; done < width; done += kChunkBits) {
      const unsigned n = std::min(kChunkBits, width - done);
      std::uint64_t mask = (std::uint64_t{1} << n) - 1;
      const auto centre_at = static_cast<unsigned>(row.half_width);
      const bool has_centre = row.dy == 0 && centre_at >= done && centre_at < done + n;
      if (has_centre) mask &= ~(std::uint64_t{1} << (centre_at - done));
      chunks_.push_back({row_start + static_cast<std::ptrdiff_t>(done), mask, index,
                         has_centre ? static_cast<int>(centre_at - done) : -1});
      index += has_centre ? n - 1 : n;
    }
  }
}

std::uint32_t WindowBits::count(std::size_t centre) const {
  std::uint32_t total = 0;
  for (const Chunk& chunk : chunks_) total += static_cast<std::uint32_t>(std::popcount(read(centre, chunk)));
  return total;
}

std::uint32_t WindowBits::select(std::size_t centre, std::uint32_t k) const {
  for (const Chunk& chunk : chunks_) {
    std::uint64_t bits = read(centre, chunk);
    const auto here = static_cast<std::uint32_t>(std::popcount(bits));
    if (k >= here) {
      k -= here;
      continue;
    }
    for (; k > 0; --k) bits &= bits - 1;  // drop the lowest k set bits
    const int bit = std::countr_zero(bits);
    return chunk.first_index + static_cast<std::uint32_t>(bit) - (chunk.centre_bit >= 0 && bit > chunk.centre_bit ? 1 : 0);
  }
  return 0;  // k ≥ count: not reached by callers that keep the contract
}

}  // namespace confsim::sim
