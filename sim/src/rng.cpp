#include "confsim/sim/rng.hpp"

#include "philox_avx2.hpp"

namespace confsim::sim {

void compact_first_blocks(std::uint64_t seed, std::uint32_t tick, const std::uint32_t* ids, const std::uint32_t* lanes,
                          std::size_t n, CompactStream::Block* out) {
  std::size_t i = 0;
#if defined(__AVX2__)
  const philox_avx2::RoundKeys keys(seed);
  alignas(32) std::uint32_t words[4][8];
  for (; i + 8 <= n; i += 8) {
    __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ids + i)), x1 = _mm256_set1_epi32(static_cast<int>(tick));
    __m256i x2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lanes + i)), x3 = _mm256_setzero_si256();
    philox_avx2::rounds(keys, x0, x1, x2, x3);
    _mm256_store_si256(reinterpret_cast<__m256i*>(words[0]), x0);
    _mm256_store_si256(reinterpret_cast<__m256i*>(words[1]), x1);
    _mm256_store_si256(reinterpret_cast<__m256i*>(words[2]), x2);
    _mm256_store_si256(reinterpret_cast<__m256i*>(words[3]), x3);
    for (std::size_t j = 0; j < 8; ++j)
      for (std::size_t w = 0; w < 4; ++w) out[i + j].v[w] = words[w][j];
  }
#endif
  const CompactStream::Philox philox;
  const CompactStream::Philox::key_type key{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  for (; i < n; ++i) out[i] = philox(CompactStream::Block{{ids[i], tick, lanes[i], 0}}, key);
}

}  // namespace confsim::sim
