#pragma once
// Parallel loops whose results do not depend on the number of threads: work is cut into blocks of
// a fixed size (never derived from the thread count), each block writes only its own slots, and
// reductions combine per-block partial results in block order.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace confsim::sim {

// tbb::parallel_for, every parallel loop of the engine goes through. Under ThreadSanitizer it also
// tells TSan the order TBB guarantees — all that comes before the loop happens before each body,
// each body before all that comes after — because Debian's oneTBB is not built for TSan, which
// cannot see TBB's own synchronisation. Bodies running at the same time stay unordered, so a race
// between them is still reported. Elsewhere it is tbb::parallel_for itself.
//
// With one thread allowed (a sweep's runs, --threads 1) the body takes the whole range at once:
// results never depend on how a range is cut, and a small lattice's steps are then not paid for
// in task overhead.
template <class Range, class Body>
void parallel_for(const Range& range, const Body& body) {
  if (tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) == 1 ||
      tbb::this_task_arena::max_concurrency() == 1) {
    body(range);
    return;
  }
#if defined(__SANITIZE_THREAD__)
  char fork = 0, join = 0;
  __tsan_release(&fork);
  tbb::parallel_for(range, [&](const Range& part) {
    __tsan_acquire(&fork);
    body(part);
    __tsan_release(&join);
  });
  __tsan_acquire(&join);
#else
  tbb::parallel_for(range, body);
#endif
}

// The same over indices first..last-1, one body call per index.
template <class Index, class Body>
void parallel_for(Index first, Index last, const Body& body) {
  sim::parallel_for(tbb::blocked_range<Index>(first, last), [&](const tbb::blocked_range<Index>& part) {
    for (Index i = part.begin(); i != part.end(); ++i) body(i);
  });
}

inline constexpr std::size_t kParallelBlock = 4096;

template <class Body>  // body(begin, end)
void parallel_blocks(std::size_t n, Body&& body) {
  const std::size_t blocks = (n + kParallelBlock - 1) / kParallelBlock;
  sim::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t b = r.begin(); b != r.end(); ++b) body(b * kParallelBlock, std::min(n, (b + 1) * kParallelBlock));
  });
}

// Sums body(begin, end) → T over fixed blocks, in block order: the same bits with any thread count,
// even for floating point.
template <class T, class Body>
T deterministic_sum(std::size_t n, Body&& body) {
  const std::size_t blocks = (n + kParallelBlock - 1) / kParallelBlock;
  std::vector<T> partial(blocks, T{});
  sim::parallel_for(tbb::blocked_range<std::size_t>(0, blocks, 1), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t b = r.begin(); b != r.end(); ++b)
      partial[b] = body(b * kParallelBlock, std::min(n, (b + 1) * kParallelBlock));
  });
  T total{};
  for (const T& p : partial) total += p;
  return total;
}

// Stores items from many sources into slots by target index, such as the agents standing in each
// cell into per-agent arrays, in an order the cache can follow: produce(begin, end, emit) visits
// sources [begin, end) and calls emit(target, item) for each of their items, every target below
// n_targets emitted at most once; place(target, item) stores one. The items are first grouped by
// target in buckets of 2^kScatterBucketBits targets, then placed bucket by bucket, so the stores of
// a bucket land in a stretch of memory that stays in cache instead of anywhere at random. Targets
// are distinct, so the result does not depend on the order of placing. `grouped` is work space,
// kept by the caller so that its pages are not asked of the system again at every call.
inline constexpr unsigned kScatterBucketBits = 15;
inline constexpr std::size_t kScatterSourceBlock = std::size_t{1} << 18;
template <class Item, class Produce, class Place>
void scatter_by_target(std::size_t n_sources, std::size_t n_targets, Produce&& produce, Place&& place,
                       std::vector<std::pair<std::uint32_t, Item>>& grouped) {
  const std::size_t blocks = (n_sources + kScatterSourceBlock - 1) / kScatterSourceBlock;
  const std::size_t buckets = (n_targets >> kScatterBucketBits) + 1;
  const auto block_range = [&](std::size_t b) {
    return std::pair<std::size_t, std::size_t>{b * kScatterSourceBlock, std::min(n_sources, (b + 1) * kScatterSourceBlock)};
  };
  std::vector<std::size_t> start(blocks * buckets, 0);  // counts, then where each block's part of a bucket starts
  sim::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
    const auto [begin, end] = block_range(b);
    std::size_t* counts = start.data() + b * buckets;
    produce(begin, end, [&](std::size_t target, const Item&) { ++counts[target >> kScatterBucketBits]; });
  });
  std::vector<std::size_t> bucket_start(buckets + 1, 0);
  std::size_t at = 0;
  for (std::size_t k = 0; k < buckets; ++k) {
    bucket_start[k] = at;
    for (std::size_t b = 0; b < blocks; ++b) {
      const std::size_t n = start[b * buckets + k];
      start[b * buckets + k] = at;
      at += n;
    }
  }
  bucket_start[buckets] = at;
  grouped.resize(at);
  sim::parallel_for(std::size_t{0}, blocks, [&](std::size_t b) {
    const auto [begin, end] = block_range(b);
    std::size_t* next = start.data() + b * buckets;
    produce(begin, end, [&](std::size_t target, const Item& item) {
      grouped[next[target >> kScatterBucketBits]++] = {static_cast<std::uint32_t>(target), item};
    });
  });
  sim::parallel_for(std::size_t{0}, buckets, [&](std::size_t k) {
    for (std::size_t i = bucket_start[k]; i < bucket_start[k + 1]; ++i) place(grouped[i].first, grouped[i].second);
  });
}

}  // namespace confsim::sim
