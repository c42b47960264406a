// Rule A over a row of cells, eight cells at a time where the processor has AVX2. Both forms do
// the same arithmetic in double precision in the same order (H·(1 − L), then R·P, then the
// difference), so they give the same decisions bit for bit.
#include <algorithm>

#include "confsim/agents/epstein.hpp"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace confsim::agents::epstein {
namespace {

// Cells [begin, end) one at a time; true if one was beyond the table.
bool decide_cells(const RuleARow& row, const RuleA& rule, std::uint32_t begin, std::uint32_t end) {
  bool beyond_any = false;
  for (std::uint32_t x = begin; x < end; ++x) {
    const std::int8_t code = row.codes[x];
    const bool free = code == quiescent || code == active;
    const std::int32_t was_active = code == active ? 1 : 0;
    const auto cops = static_cast<std::int32_t>(sim::low_lane(row.window_totals[x]));
    // The window count includes the centre, so an active citizen is among the actives once.
    const std::int32_t actives = std::max(1 + static_cast<std::int32_t>(sim::high_lane(row.window_totals[x])) -
                                              was_active + (rule.self_twice ? was_active : 0),
                                          1);
    const bool beyond = beyond_odds(row.window_totals[x], rule);
    beyond_any |= beyond && free;
    if (!free || beyond) continue;
    const double p = rule.odds[cops * rule.odds_side + actives];
    row.codes[x] = activates(row.hardship[x] * rule.lawfulness, row.risk_aversion[x], p, rule.threshold) ? active
                                                                                                          : quiescent;
  }
  return beyond_any;
}

#if defined(__AVX2__)
// Cells [0, 8·⌊width/8⌋); returns the cells done.
std::uint32_t decide_cells_avx2(const RuleARow& row, const RuleA& rule, bool& beyond_any) {
  const __m256i v_quiescent = _mm256_set1_epi32(quiescent), v_active = _mm256_set1_epi32(active);
  const __m256i one = _mm256_set1_epi32(1), two = _mm256_set1_epi32(2), low16 = _mm256_set1_epi32(0xFFFF);
  const __m256i last = _mm256_set1_epi32(rule.odds_side - 1), side = _mm256_set1_epi32(rule.odds_side);
  const __m256d lawfulness = _mm256_set1_pd(rule.lawfulness), threshold = _mm256_set1_pd(rule.threshold);
  const __m256d every = _mm256_castsi256_pd(_mm256_set1_epi32(-1));
  // Byte 0 of each 32-bit lane, within each 128-bit half; then the low 32 bits of each 64-bit lane.
  const __m256i first_bytes = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8,
                                               12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m256i low_halves = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
  int beyond_mask = 0;
  std::uint32_t x = 0;
  for (; x + 8 <= row.width; x += 8) {
    const __m256i code = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(row.codes + x)));
    const __m256i totals = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row.window_totals + x));
    const __m256i is_active = _mm256_cmpeq_epi32(code, v_active);  // −1 where active
    const __m256i free = _mm256_or_si256(is_active, _mm256_cmpeq_epi32(code, v_quiescent));
    const __m256i cops = _mm256_and_si256(totals, low16);
    __m256i actives = _mm256_add_epi32(_mm256_add_epi32(one, _mm256_srli_epi32(totals, 16)), is_active);
    if (rule.self_twice) actives = _mm256_sub_epi32(actives, is_active);
    actives = _mm256_max_epi32(actives, one);
    // As beyond_odds(): cops, or actives however the cell's own state counts, past the table.
    const __m256i beyond = _mm256_cmpgt_epi32(_mm256_max_epi32(cops, _mm256_add_epi32(_mm256_srli_epi32(totals, 16), two)), last);
    beyond_mask |= _mm256_movemask_epi8(_mm256_and_si256(beyond, free));
    const __m256i index =
        _mm256_add_epi32(_mm256_mullo_epi32(_mm256_min_epi32(cops, last), side), _mm256_min_epi32(actives, last));
    // The masked form of the gather, with every lane on: GCC 12's plain form reads an
    // uninitialised register (and says so).
    const __m256d p_low = _mm256_mask_i32gather_pd(_mm256_setzero_pd(), rule.odds, _mm256_castsi256_si128(index), every, 8);
    const __m256d p_high =
        _mm256_mask_i32gather_pd(_mm256_setzero_pd(), rule.odds, _mm256_extracti128_si256(index, 1), every, 8);
    const __m256 h = _mm256_loadu_ps(row.hardship + x), r = _mm256_loadu_ps(row.risk_aversion + x);
    const __m256d g_low = _mm256_mul_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(h)), lawfulness);
    const __m256d g_high = _mm256_mul_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(h, 1)), lawfulness);
    const __m256d rp_low = _mm256_mul_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(r)), p_low);
    const __m256d rp_high = _mm256_mul_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(r, 1)), p_high);
    const __m256i act_low = _mm256_castpd_si256(_mm256_cmp_pd(_mm256_sub_pd(g_low, rp_low), threshold, _CMP_GT_OQ));
    const __m256i act_high =
        _mm256_castpd_si256(_mm256_cmp_pd(_mm256_sub_pd(g_high, rp_high), threshold, _CMP_GT_OQ));
    // Eight 32-bit lanes from the two 4 × 64-bit masks.
    const __m256i activates8 = _mm256_permute2x128_si256(_mm256_permutevar8x32_epi32(act_low, low_halves),
                                                         _mm256_permutevar8x32_epi32(act_high, low_halves), 0x20);
    const __m256i decided = _mm256_sub_epi32(v_quiescent, activates8);  // 1, or 2 where active
    const __m256i keep = _mm256_or_si256(_mm256_andnot_si256(free, _mm256_set1_epi32(-1)), beyond);
    const __m256i result = _mm256_blendv_epi8(decided, code, keep);
    const __m256i bytes = _mm256_shuffle_epi8(result, first_bytes);
    const __m128i packed = _mm_unpacklo_epi32(_mm256_castsi256_si128(bytes), _mm256_extracti128_si256(bytes, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(row.codes + x), packed);
  }
  beyond_any = beyond_mask != 0;
  return x;
}
#endif

}  // namespace

bool beyond_odds(std::uint32_t window_total, const RuleA& rule) {
  // A ≤ 1 + (actives in the window) + 1, whatever the cell holds.
  return static_cast<std::int32_t>(sim::low_lane(window_total)) >= rule.odds_side ||
         static_cast<std::int32_t>(sim::high_lane(window_total)) + 2 >= rule.odds_side;
}

bool decide_row(const RuleARow& row, const RuleA& rule, bool allow_vector) {
  std::uint32_t done = 0;
  bool beyond_any = false;
#if defined(__AVX2__)
  if (allow_vector) done = decide_cells_avx2(row, rule, beyond_any);
#else
  (void)allow_vector;
#endif
  return decide_cells(row, rule, done, row.width) || beyond_any;
}

}  // namespace confsim::agents::epstein
