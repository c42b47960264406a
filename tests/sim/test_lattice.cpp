#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "confsim/sim/distributions.hpp"
#include "confsim/sim/lattice.hpp"

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
        for (auto& v : value) v = draw_bernoulli(draw, 0.3) ? 1 : 0;
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
