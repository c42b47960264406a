#pragma once
// Parallel loops whose results do not depend on the number of threads: work is cut into blocks of
// a fixed size (never derived from the thread count), each block writes only its own slots, and
// reductions combine per-block partial results in block order.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cstddef>
#include <vector>

namespace confsim::sim {

inline constexpr std::size_t kParallelBlock = 4096;

template <class Body>  // body(begin, end)
void parallel_blocks(std::size_t n, Body&& body) {
  const std::size_t blocks = (n + kParallelBlock - 1) / kParallelBlock;
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t b = r.begin(); b != r.end(); ++b) body(b * kParallelBlock, std::min(n, (b + 1) * kParallelBlock));
  });
}

// Sums body(begin, end) → T over fixed blocks, in block order: the same bits with any thread count,
// even for floating point.
template <class T, class Body>
T deterministic_sum(std::size_t n, Body&& body) {
  const std::size_t blocks = (n + kParallelBlock - 1) / kParallelBlock;
  std::vector<T> partial(blocks, T{});
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t b = r.begin(); b != r.end(); ++b)
      partial[b] = body(b * kParallelBlock, std::min(n, (b + 1) * kParallelBlock));
  });
  T total{};
  for (const T& p : partial) total += p;
  return total;
}

}  // namespace confsim::sim
