#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <chrono>
#include <set>
#include <thread>

#include "confsim/sim/distributions.hpp"
#include "confsim/sim/lattice.hpp"
#include "confsim/sim/window_sampler.hpp"

using namespace confsim::sim;

TEST_CASE("window sizes match the implementations they stand for", "[unit][lattice]") {
  // NetLogo: in-radius 7 covers 149 patches including the own one.
  CHECK(Window(WindowShape::euclidean, 7).offsets().size() == 148);
  // The paper's v = 1.7: the eight nearest cells.
  CHECK(Window(WindowShape::euclidean, 1.7).offsets().size() == 8);
  // Mesa's von Neumann neighbourhood of radius 7: 112 cells excluding the own one.
  CHECK(Window(WindowShape::von_neumann, 7).offsets().size() == 112);
  CHECK(Window(WindowShape::moore, 2).offsets().size() == 24);
  CHECK(Window(WindowShape::moore, 2).rects().size() == 1);
}

TEST_CASE("a window's rectangles cover exactly its cells and the centre", "[property][lattice]") {
  for (WindowShape shape : {WindowShape::euclidean, WindowShape::von_neumann, WindowShape::moore})
    for (double r : {1.0, 1.5, 1.7, 2.0, 3.3, 5.0, 7.0, 15.0}) {
      const Window w(shape, r);
      std::set<std::pair<int, int>> from_offsets{{0, 0}}, from_rects;
      for (const auto& o : w.offsets()) from_offsets.insert({o.dx, o.dy});
      std::size_t area = 0;
      for (const auto& rect : w.rects())
        for (int dy = rect.dy0; dy <= rect.dy1; ++dy)
          for (int dx = rect.dx0; dx <= rect.dx1; ++dx) {
            from_rects.insert({dx, dy});
            ++area;
          }
      INFO(to_string(shape) << " r=" << r);
      REQUIRE(from_rects == from_offsets);
      REQUIRE(area == from_offsets.size());  // disjoint
    }
}

TEST_CASE("summed-area window counts equal brute-force counts", "[property][lattice]") {
  RandomStream draw(3, StreamOwner::world, 0, 0, Purpose::initial_placement);
  for (bool torus : {true, false})
    for (WindowShape shape : {WindowShape::euclidean, WindowShape::von_neumann, WindowShape::moore})
      for (double r : {1.7, 3.0, 7.0}) {
        const Lattice lattice(23, 17, torus);
        const Window window(shape, r);
        std::vector<int> value(lattice.cell_count());
        for (auto& v : value) v = draw_bernoulli(draw, 0.3, "occupancy") ? 1 : 0;
        WindowCounter counter(lattice, window.reach());
        counter.rebuild([&](CellIndex c) { return value[c]; });
        for (CellIndex c = 0; c < lattice.cell_count(); ++c) {
          int brute = value[c];
          CellIndex n = 0;
          for (const auto& o : window.offsets())
            if (lattice.shifted(c, o, n)) brute += value[n];
          INFO((torus ? "torus " : "bounded ") << to_string(shape) << " r=" << r << " cell " << c);
          REQUIRE(counter.count(c, window) == brute);
        }
      }
}

TEST_CASE("a window wider than the torus does not fit", "[unit][lattice]") {
  CHECK(Lattice(40, 40, true).fits(Window(WindowShape::euclidean, 19)));
  CHECK_FALSE(Lattice(40, 40, true).fits(Window(WindowShape::euclidean, 20)));
  CHECK(Lattice(10, 10, false).fits(Window(WindowShape::euclidean, 20)));
}

TEST_CASE("window shapes round-trip through their names", "[unit][lattice]") {
  for (WindowShape shape : {WindowShape::euclidean, WindowShape::von_neumann, WindowShape::moore})
    CHECK(window_shape_from(to_string(shape)) == shape);
  CHECK_THROWS_AS(window_shape_from("hexagonal"), std::invalid_argument);
}

TEST_CASE("row bands visit every row once, and bands at work together never share a row of their reach",
          "[property][lattice]") {
  for (bool torus : {true, false})
    for (std::uint32_t height : {1U, 7U, 28U, 41U, 42U, 97U, 130U})
      for (int reach : {0, 1, 3, 7}) {
        const Lattice lattice(5, height, torus);
        std::vector<std::atomic<int>> visits(height), writers(height);
        std::atomic<bool> overlap{false};
        parallel_row_bands(lattice, reach, [&](std::uint32_t y0, std::uint32_t y1) {
          // Every row this band may write (within reach of its rows), wrapped on a torus.
          std::set<std::uint32_t> zone;
          for (std::int64_t y = static_cast<std::int64_t>(y0) - reach; y < static_cast<std::int64_t>(y1) + reach; ++y)
            if (torus)
              zone.insert(static_cast<std::uint32_t>(((y % height) + height) % height));
            else if (y >= 0 && y < height)
              zone.insert(static_cast<std::uint32_t>(y));
          for (std::uint32_t y : zone)
            if (writers[y].fetch_add(1) > 0) overlap = true;
          std::this_thread::sleep_for(std::chrono::milliseconds(2));  // let other bands run meanwhile
          for (std::uint32_t y = y0; y < y1; ++y) ++visits[y];
          for (std::uint32_t y : zone) writers[y].fetch_sub(1);
        });
        INFO((torus ? "torus" : "bounded") << " height " << height << " reach " << reach);
        for (std::uint32_t y = 0; y < height; ++y) REQUIRE(visits[y] == 1);
        CHECK_FALSE(overlap);
      }
}

namespace {

// A random lattice of cell codes 0 … 3 with the given share of zeros.
std::vector<std::int8_t> random_codes(const Lattice& lattice, double zeros, std::uint64_t seed) {
  RandomStream draw(seed, StreamOwner::world, 0, 0, Purpose::initial_placement);
  std::vector<std::int8_t> codes(lattice.cell_count());
  for (auto& c : codes) c = draw_bernoulli(draw, zeros, "empty cells") ? 0 : static_cast<std::int8_t>(1 + draw_integer(draw, 0, 2));
  return codes;
}

// The window's cells around c where codes == value, by offset index, the slow way.
std::vector<std::uint32_t> brute_force_holding(const Lattice& lattice, const Window& window,
                                               const std::vector<std::int8_t>& codes, CellIndex c, std::int8_t value) {
  std::vector<std::uint32_t> found;
  for (std::uint32_t i = 0; i < window.offsets().size(); ++i) {
    CellIndex n = 0;
    if (lattice.shifted(c, window.offsets()[i], n) && codes[n] == value) found.push_back(i);
  }
  return found;
}

}  // namespace

TEST_CASE("cell bits, window counts and picks agree with the lattice cell by cell", "[property][lattice]") {
  for (bool torus : {true, false})
    for (WindowShape shape : {WindowShape::euclidean, WindowShape::von_neumann, WindowShape::moore})
      // 30 makes rows wider than one 57-bit read; 1.7 the paper's eight neighbours.
      for (double r : {1.0, 1.7, 7.0, 30.0}) {
        const Lattice lattice(torus ? 67 : 70, torus ? 63 : 41, torus);
        const Window window(shape, r);
        if (!lattice.fits(window)) continue;
        const auto codes = random_codes(lattice, 0.3, 11);
        CellBits bits(lattice, window.reach());
        bits.rebuild_equal(codes.data(), 0);
        CellBits generic(lattice, window.reach());
        generic.rebuild([&](CellIndex c) { return codes[c] == 0; });
        const WindowBits in_window(window, bits);
        INFO((torus ? "torus " : "bounded ") << to_string(shape) << " r=" << r);
        for (std::uint32_t y = 0; y < lattice.height(); ++y)
          for (std::uint32_t x = 0; x < lattice.width(); ++x) {
            if (r > 10 && (7 * x + y) % 5 != 0) continue;  // wide windows: a sample of cells, for time
            const CellIndex c = lattice.index(x, y);
            const std::size_t centre = bits.position(x, y);
            REQUIRE(bits.test(centre) == (codes[c] == 0));
            REQUIRE(generic.test(centre) == (codes[c] == 0));
            const auto expected = brute_force_holding(lattice, window, codes, c, 0);
            REQUIRE(in_window.count(centre) == expected.size());
            std::vector<std::uint32_t> picked;
            for (std::uint32_t k = 0; k < expected.size(); ++k) picked.push_back(in_window.select(centre, k));
            REQUIRE(picked == expected);
            // Every offset's bit, through the padding: a probe sees what the lattice holds.
            std::size_t wrong = 0;
            for (std::size_t i = 0; i < window.offsets().size(); ++i) {
              CellIndex n = 0;
              const bool inside = lattice.shifted(c, window.offsets()[i], n);
              wrong += bits.test(centre + static_cast<std::size_t>(bits.step(window.offsets()[i]))) !=
                       (inside && codes[n] == 0);
            }
            REQUIRE(wrong == 0);
          }
        // A cell set or cleared changes its wrapped copies too.
        const CellIndex corner = lattice.index(0, 0);
        bits.assign(0, 0, codes[corner] != 0);
        CellIndex far = 0;
        if (torus && lattice.shifted(corner, {-1, -1}, far)) {
          const std::size_t from_far = bits.position(lattice.x_of(far), lattice.y_of(far));
          CHECK(bits.test(from_far + static_cast<std::size_t>(bits.step({1, 1}))) == (codes[corner] != 0));
        }
        for (const auto& [x0, x1] : {std::pair<std::uint32_t, std::uint32_t>{0, lattice.width()}, {3, 3}, {13, 66}}) {
          std::vector<std::uint32_t> listed, expected_row;
          bits.for_each_in_row(5, x0, x1, [&](std::uint32_t x) { listed.push_back(x); });
          for (std::uint32_t x = x0; x < x1; ++x)
            if (codes[lattice.index(x, 5)] == 0) expected_row.push_back(x);
          CHECK(listed == expected_row);
        }
      }
}

TEST_CASE("positions of codes in a row are listed in order", "[unit][lattice]") {
  const Lattice lattice(101, 1, false);
  const auto codes = random_codes(lattice, 0.2, 5);
  // Every length, so that the eight-at-a-time part and the rest both end anywhere; the output
  // holds exactly as many values as there are cells (AddressSanitizer sees a write past it).
  for (std::size_t length = 0; length <= codes.size(); ++length) {
    std::vector<std::uint32_t> out(length), expected;
    for (std::uint32_t i = 0; i < length; ++i)
      if (codes[i] == 1 || codes[i] == 3) expected.push_back(i);
    const std::size_t n = positions_of(codes.data(), length, 1, 3, out.data());
    out.resize(n);
    REQUIRE(out == expected);
  }
}

TEST_CASE("a running sum wraps modulo 2^32 like a serial one, at every length", "[unit][lattice]") {
  std::vector<std::uint32_t> values(70);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint32_t>(i * 2654435761U) | 0x80000000U;
  for (std::size_t length = 0; length <= values.size(); ++length) {
    std::vector<std::uint32_t> out(length), expected(length);
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < length; ++i) expected[i] = sum += values[i];
    running_sum(values.data(), length, out.data());
    REQUIRE(out == expected);
  }
}

TEST_CASE("cell bits wrap a torus for reaches past one 64-bit word", "[unit][lattice]") {
  const Lattice lattice(150, 9, true);
  const int reach = 70;
  const auto codes = random_codes(lattice, 0.4, 3);
  CellBits bits(lattice, reach);
  bits.rebuild_equal(codes.data(), 0);
  std::size_t wrong = 0;
  for (std::uint32_t y = 0; y < lattice.height(); ++y)
    for (std::uint32_t x = 0; x < lattice.width(); ++x)
      for (int d : {-reach, -65, -64, -63, -1, 1, 63, 64, 65, reach}) {
        CellIndex n = 0;
        lattice.shifted(lattice.index(x, y), {d, 0}, n);
        wrong += bits.test(bits.position(x, y) + static_cast<std::size_t>(bits.step({d, 0}))) != (codes[n] == 0);
      }
  CHECK(wrong == 0);
}

namespace {

// The sampler's documented rule, written out one agent at a time with nothing shared: probes from
// the 16-bit halves of the stream's words after the first, the first that lands on a cell that
// holds wins; after the probe blocks, a draw among the cells that hold.
std::int32_t reference_pick(const StreamKey& key, std::uint32_t id, const Lattice& lattice, const Window& window,
                            const std::vector<std::int8_t>& codes, CellIndex c, std::uint32_t blocks,
                            std::uint32_t& first_word) {
  const SmallRangeDraws draws(static_cast<std::uint32_t>(window.offsets().size()));
  CompactStream words(key.seed, key.owner, id, key.tick, key.purpose);
  std::vector<std::uint32_t> all;
  for (std::uint32_t w = 0; w < 4 * blocks; ++w) all.push_back(words());
  first_word = all[0];
  for (std::uint32_t k = 2; k < 8 * blocks; ++k) {
    std::uint32_t index = 0;
    if (!draws.from_bits((all[k / 2] >> (16 * (k % 2))) & 0xFFFFU, index)) continue;
    CellIndex n = 0;
    if (lattice.shifted(c, window.offsets()[index], n) && codes[n] == 0) return static_cast<std::int32_t>(index);
  }
  const auto holding = brute_force_holding(lattice, window, codes, c, 0);
  if (holding.empty()) return WindowSampler::kNone;
  return static_cast<std::int32_t>(holding[draw_below(words, static_cast<std::uint32_t>(holding.size()))]);
}

}  // namespace

TEST_CASE("the window sampler follows its rule, eight agents at a time as one at a time", "[property][lattice]") {
  for (bool torus : {true, false})
    for (double zeros : {0.25, 0.02, 0.0}) {  // crowded lattices reach the count-and-draw fallback
      const Lattice lattice(45, 38, torus);
      const Window window(WindowShape::von_neumann, 3);
      const auto codes = random_codes(lattice, zeros, 21);
      CellBits vacant(lattice, window.reach());
      vacant.rebuild_equal(codes.data(), 0);
      const WindowSampler sampler(window, vacant, 2);
      const StreamKey key{99, StreamOwner::citizen, 17, Purpose::move_target};
      std::vector<std::uint32_t> ids, centres;
      for (CellIndex c = 0; c < lattice.cell_count(); ++c) {
        ids.push_back(c * 7 + 1);
        centres.push_back(static_cast<std::uint32_t>(vacant.position(lattice.x_of(c), lattice.y_of(c))));
      }
      const std::size_t n = ids.size();
      std::vector<std::int32_t> picks(n), vector_hits(n), scalar_hits(n);
      std::vector<std::uint32_t> first_words(n), vector_words(n), scalar_words(n);
      WindowSampler::Scratch scratch;
      sampler.pick(key, ids.data(), centres.data(), n, picks.data(), first_words.data(), scratch);
      for (std::uint32_t block : {0U, 1U}) {
        sampler.probe_block(key, block, ids.data(), centres.data(), n, vector_hits.data(), vector_words.data(), true);
        sampler.probe_block(key, block, ids.data(), centres.data(), n, scalar_hits.data(), scalar_words.data(), false);
        REQUIRE(vector_hits == scalar_hits);
        if (block == 0) REQUIRE(vector_words == scalar_words);
      }
      std::size_t fallbacks = 0;
      for (CellIndex c = 0; c < lattice.cell_count(); ++c) {
        std::uint32_t first_word = 0;
        INFO((torus ? "torus" : "bounded") << ", empty share " << zeros << ", cell " << c);
        REQUIRE(picks[c] == reference_pick(key, ids[c], lattice, window, codes, c, 2, first_word));
        REQUIRE(first_words[c] == first_word);
        fallbacks += scalar_hits[c] == WindowSampler::kNone;
      }
      if (zeros < 0.05) CHECK(fallbacks > 0);
    }
}

TEST_CASE("the window sampler picks every vacant cell equally often", "[property][lattice]") {
  // One agent on a lattice whose window holds five vacant cells, over many ticks of its stream.
  const Lattice lattice(15, 15, true);
  const Window window(WindowShape::moore, 2);
  std::vector<std::int8_t> codes(lattice.cell_count(), 1);
  const CellIndex centre_cell = lattice.index(7, 7);
  const std::vector<Offset> vacant_at = {{-2, -2}, {0, -1}, {1, 0}, {2, 2}, {-1, 2}};
  for (const Offset& o : vacant_at) {
    CellIndex n = 0;
    lattice.shifted(centre_cell, o, n);
    codes[n] = 0;
  }
  CellBits vacant(lattice, window.reach());
  vacant.rebuild_equal(codes.data(), 0);
  const WindowSampler sampler(window, vacant);
  const auto centre = static_cast<std::uint32_t>(vacant.position(7, 7));
  const std::uint32_t id = 3;
  std::map<std::int32_t, int> seen;
  constexpr int kTicks = 50000;
  WindowSampler::Scratch scratch;
  for (std::uint32_t tick = 0; tick < kTicks; ++tick) {
    std::int32_t pick = 0;
    std::uint32_t word = 0;
    sampler.pick({5, StreamOwner::citizen, tick, Purpose::move_target}, &id, &centre, 1, &pick, &word, scratch);
    ++seen[pick];
  }
  REQUIRE(seen.size() == vacant_at.size());
  double chi2 = 0;
  for (const auto& [index, count] : seen) {
    const Offset o = window.offsets()[static_cast<std::size_t>(index)];
    CHECK(std::count_if(vacant_at.begin(), vacant_at.end(), [&](Offset v) { return v.dx == o.dx && v.dy == o.dy; }) == 1);
    const double expected = double(kTicks) / double(vacant_at.size());
    chi2 += (count - expected) * (count - expected) / expected;
  }
  CHECK(chi2 < 18.47);  // the 0.999 quantile of chi-square with 4 degrees of freedom
}
