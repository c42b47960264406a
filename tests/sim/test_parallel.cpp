#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <vector>

#include "confsim/sim/distributions.hpp"
#include "confsim/sim/model.hpp"
#include "confsim/sim/parallel.hpp"

using namespace confsim::sim;

TEST_CASE("scattering by target places every item where its target says, across buckets and blocks",
          "[unit][parallel]") {
  // More sources than one block and more targets than one bucket; every other source has an item.
  const std::size_t sources = 3 * kScatterSourceBlock + 123, targets = sources / 2;
  std::vector<std::uint32_t> target_of(targets);
  std::iota(target_of.begin(), target_of.end(), 0U);
  RandomStream draw(4, StreamOwner::world, 0, 0, Purpose::initial_placement);
  for (std::size_t i = targets; i-- > 1;)
    std::swap(target_of[i], target_of[static_cast<std::size_t>(draw_integer(draw, 0, static_cast<std::int64_t>(i)))]);
  std::vector<std::int64_t> placed(targets, -1);
  std::vector<std::pair<std::uint32_t, std::int64_t>> work;
  for (int round = 0; round < 2; ++round) {  // the second reuses the work space
    std::fill(placed.begin(), placed.end(), -1);
    scatter_by_target<std::int64_t>(
        sources, targets,
        [&](std::size_t begin, std::size_t end, auto&& emit) {
          for (std::size_t s = begin; s < end; ++s)
            if (s % 2 == 0 && s / 2 < targets) emit(target_of[s / 2], static_cast<std::int64_t>(s) * 10 + round);
        },
        [&](std::size_t target, std::int64_t item) { placed[target] = item; }, work);
    std::size_t wrong = 0;
    for (std::size_t k = 0; k < targets; ++k)
      wrong += placed[target_of[k]] != static_cast<std::int64_t>(2 * k) * 10 + round;
    CHECK(wrong == 0);
  }
}

TEST_CASE("a snapshot variable keeps its vector from one call to the next", "[unit][parallel]") {
  std::vector<VariableData> out(2);
  auto& first = variable_in<std::int16_t>(out, 1, 1000);
  const std::int16_t* memory = first.data();
  first[999] = 7;
  auto& again = variable_in<std::int16_t>(out, 1, 1000);
  CHECK(again.data() == memory);
  CHECK(again[999] == 7);
  auto& other = variable_in<float>(out, 1, 3);  // a different type replaces it
  CHECK(other.size() == 3);
  CHECK_THROWS_AS(variable_in<float>(out, 2, 1), std::out_of_range);
}

// Hidden (run only by the ThreadSanitizer build's canary test): loop bodies that write one shared
// counter without synchronisation. TSan must report it through sim::parallel_for's annotations and
// the TBB suppressions; if it did not, a clean TSan run of the engine would prove nothing.
TEST_CASE("a data race between loop bodies is there to be found", "[.tsan_canary]") {
  std::size_t shared = 0;
  confsim::sim::parallel_for(std::size_t{0}, std::size_t{1} << 16, [&](std::size_t) { shared = shared + 1; });
  CHECK(shared > 0);
}
