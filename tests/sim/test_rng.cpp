#include <catch2/catch.hpp>

#include <array>
#include <set>

#include "confsim/sim/distributions.hpp"
#include "confsim/sim/rng.hpp"

using namespace confsim::sim;

TEST_CASE("Philox4x64-10 matches Random123's known-answer vector", "[unit][rng]") {
  // kat_vectors: "philox4x64 10" with zero counter and key.
  const r123::Philox4x64::ctr_type counter = {{0, 0, 0, 0}};
  const r123::Philox4x64::key_type key = {{0, 0}};
  const auto out = r123::Philox4x64{}(counter, key);
  CHECK(out.v[0] == 0x16554d9eca36314cULL);
  CHECK(out.v[1] == 0xdb20fe9d672d0fdcULL);
  CHECK(out.v[2] == 0xd7e772cee186176bULL);
  CHECK(out.v[3] == 0x7e68b68aec7ba23bULL);
}

TEST_CASE("a stream is a pure function of its key", "[unit][rng]") {
  RandomStream a(42, StreamOwner::citizen, 7, 3, Purpose::move_target);
  RandomStream b(42, StreamOwner::citizen, 7, 3, Purpose::move_target);
  for (int i = 0; i < 100; ++i) REQUIRE(a() == b());
}

TEST_CASE("every part of the key changes the stream", "[unit][rng]") {
  const auto first_words = [](RandomStream s) {
    std::array<std::uint32_t, 4> w{};
    for (auto& x : w) x = s();
    return w;
  };
  const auto base = first_words(RandomStream(42, StreamOwner::citizen, 7, 3, Purpose::move_target));
  CHECK(first_words(RandomStream(43, StreamOwner::citizen, 7, 3, Purpose::move_target)) != base);
  CHECK(first_words(RandomStream(42, StreamOwner::cop, 7, 3, Purpose::move_target)) != base);
  CHECK(first_words(RandomStream(42, StreamOwner::citizen, 8, 3, Purpose::move_target)) != base);
  CHECK(first_words(RandomStream(42, StreamOwner::citizen, 7, 4, Purpose::move_target)) != base);
  CHECK(first_words(RandomStream(42, StreamOwner::citizen, 7, 3, Purpose::move_priority)) != base);
}

TEST_CASE("a long stream does not repeat its blocks", "[unit][rng]") {
  RandomStream s(1, StreamOwner::world, 0, 0, Purpose::initial_placement);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(s.next_u64());
  CHECK(seen.size() == 10000);
}

// Boost.Random's distributions are stable across standard libraries but not promised across Boost
// versions; these pinned values catch a change that would silently alter every result.
TEST_CASE("distributions give the pinned values", "[unit][rng][golden]") {
  RandomStream s(20020514, StreamOwner::citizen, 11, 5, Purpose::jail_term);
  const double u0 = draw_uniform(s, 0.0, 1.0);
  const double u1 = draw_uniform(s, 0.0, 1.0);
  const std::int64_t i0 = draw_integer(s, 0, 30);
  const std::int64_t i1 = draw_integer(s, 0, 1'000'000);
  const bool b0 = draw_bernoulli(s, 0.5);
  CHECK(u0 == 0.61300204251892865);
  CHECK(u1 == 0.35299013741314411);
  CHECK(i0 == 11);
  CHECK(i1 == 900236);
  CHECK(b0 == true);
}

TEST_CASE("uniform integers are uniform", "[property][rng]") {
  RandomStream s(7, StreamOwner::world, 0, 0, Purpose::initial_placement);
  constexpr int kBins = 10, kDraws = 100000;
  std::array<int, kBins> counts{};
  for (int i = 0; i < kDraws; ++i) ++counts[static_cast<std::size_t>(draw_integer(s, 0, kBins - 1))];
  double chi2 = 0;
  for (int c : counts) chi2 += (c - kDraws / kBins) * (c - kDraws / kBins) / double(kDraws / kBins);
  CHECK(chi2 < 27.88);  // the 0.999 quantile of chi-square with 9 degrees of freedom
}
