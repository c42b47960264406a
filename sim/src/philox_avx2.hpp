#pragma once
// Philox4x32-10 for eight counters at once in AVX2 registers, bit for bit the scalar generator of
// CompactStream (Salmon et al., SC'11; Random123's philox.h).
#if defined(__AVX2__)
#include <immintrin.h>

#include <cstdint>

namespace confsim::sim::philox_avx2 {

// Philox4x32-10's constants.
inline constexpr std::uint32_t kMultiplier0 = 0xD2511F53U, kMultiplier1 = 0xCD9E8D57U;
inline constexpr std::uint32_t kWeyl0 = 0x9E3779B9U, kWeyl1 = 0xBB67AE85U;

// The ten rounds' keys, the same for every lane.
struct RoundKeys {
  __m256i key0[10], key1[10];
  explicit RoundKeys(std::uint64_t seed) {
    for (std::uint32_t round = 0, k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
         round < 10; ++round, k0 += kWeyl0, k1 += kWeyl1) {
      key0[round] = _mm256_set1_epi32(static_cast<int>(k0));
      key1[round] = _mm256_set1_epi32(static_cast<int>(k1));
    }
  }
};

// The high and low halves of the 32 × 32-bit products a·m, lane by lane: the even lanes'
// products come whole from one multiplication, the odd lanes' from a second on a shifted copy.
inline void mulhilo(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m), odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

// The counters (x0, x1, x2, x3) of eight lanes become their blocks.
inline void rounds(const RoundKeys& keys, __m256i& x0, __m256i& x1, __m256i& x2, __m256i& x3) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kMultiplier0));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kMultiplier1));
  for (int round = 0; round < 10; ++round) {
    __m256i hi0, lo0, hi1, lo1;
    mulhilo(x0, m0, hi0, lo0);
    mulhilo(x2, m1, hi1, lo1);
    x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), keys.key0[round]);
    x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), keys.key1[round]);
    x1 = lo1;
    x3 = lo0;
  }
}

}  // namespace confsim::sim::philox_avx2
#endif
