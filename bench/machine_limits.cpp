// What the machine allows, measured: the cost of one keyed random block (the draw every moving agent
// makes every tick) and the memory bandwidth a tick's passes over the lattice share. The figures
// bound the agent rate from below in docs/performance.md.
#include <Random123/philox.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "confsim/sim/rng.hpp"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Independent blocks, as for consecutive agents: how many the core completes per second.
double philox_throughput_ns(std::uint64_t blocks) {
  std::uint64_t sink = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < blocks; ++i) {
    confsim::sim::RandomStream s(1, confsim::sim::StreamOwner::citizen, i, 7, confsim::sim::Purpose::move_target);
    sink += s();
  }
  const double ns = 1e9 * seconds_since(t0) / static_cast<double>(blocks);
  if (sink == 42) std::puts("");  // keeps the loop
  return ns;
}

// Each block waiting for the one before: the cost when nothing else can overlap it.
double philox_latency_ns(std::uint64_t blocks) {
  using Philox = r123::Philox4x64;
  Philox::key_type key{{1, 2}};
  Philox::ctr_type counter{{0, 0, 0, 0}};
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < blocks; ++i) counter.v[0] = Philox{}(counter, key).v[0];
  const double ns = 1e9 * seconds_since(t0) / static_cast<double>(blocks);
  if (counter.v[0] == 42) std::puts("");
  return ns;
}

// Bytes read plus bytes written per second by a streaming pass (b[i] = a[i] + 1), as a tick's passes do.
double bandwidth_gb_per_s(int threads) {
  const std::size_t n = std::size_t{64} << 20;  // 256 MiB per array, far beyond any cache
  std::vector<std::uint32_t> a(n, 1), b(n, 2);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  const auto pass = [&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) b[i] = a[i] + 1;
    });
  };
  pass();  // pages touched once before timing
  const int repeats = 5;
  const auto t0 = std::chrono::steady_clock::now();
  for (int k = 0; k < repeats; ++k) pass();
  return 2.0 * sizeof(std::uint32_t) * static_cast<double>(n) * repeats / seconds_since(t0) / 1e9;
}

}  // namespace

int main() {
  const std::uint64_t blocks = 20'000'000;
  std::printf("{\"philox4x64_10_throughput_ns\": %.2f, \"philox4x64_10_latency_ns\": %.2f, "
              "\"bandwidth_1_thread_gb_per_s\": %.1f, \"bandwidth_2_threads_gb_per_s\": %.1f}\n",
              philox_throughput_ns(blocks), philox_latency_ns(blocks), bandwidth_gb_per_s(1), bandwidth_gb_per_s(2));
  return 0;
}
