#include "confsim/sim/window_sampler.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <stdexcept>

#include "philox_avx2.hpp"

namespace confsim::sim {

WindowSampler::WindowSampler(const Window& window, const CellBits& cells, std::uint32_t probe_blocks)
    : window_(&window),
      cells_(&cells),
      window_bits_(window, cells),
      probe_blocks_(probe_blocks),
      draws_(static_cast<std::uint32_t>(window.offsets().size())) {
  if (window.offsets().size() >= SmallRangeDraws::kMaxRange)
    throw std::invalid_argument("a window of " + std::to_string(window.offsets().size()) +
                                " cells is too large for 16-bit probes");
  if (cells.bit_count() >= std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("a lattice too large for 32-bit probe positions");
  for (const Offset& o : window.offsets()) steps_.push_back(static_cast<std::int32_t>(cells.step(o)));
}

void WindowSampler::probe_block_one_at_a_time(const StreamKey& key, std::uint32_t block, const std::uint32_t* ids,
                                              const std::uint32_t* centres, std::size_t n, std::int32_t* hits,
                                              std::uint32_t* first_words) const {
  const std::uint32_t first_probe_word = block == 0 ? 1 : 0;
  for (std::size_t i = 0; i < n; ++i) {
    CompactStream stream(key.seed, key.owner, ids[i], key.tick, key.purpose);
    stream.skip_blocks(block);
    const CompactStream::Block words = stream.next_block();
    if (block == 0) first_words[i] = words.v[0];
    hits[i] = kNone;
    for (std::uint32_t k = 2 * first_probe_word; k < 8 && hits[i] < 0; ++k) {
      std::uint32_t index = 0;
      if (draws_.from_bits((words.v[k / 2] >> (16 * (k % 2))) & 0xFFFFU, index) &&
          cells_->test(centres[i] + static_cast<std::size_t>(static_cast<std::ptrdiff_t>(steps_[index]))))
        hits[i] = static_cast<std::int32_t>(index);
    }
  }
}

#if defined(__AVX2__)
namespace {

void probe_block_avx2(const StreamKey& key, std::uint32_t block, const std::uint32_t* ids,
                                              const std::uint32_t* centres, std::size_t n, const std::int32_t* steps,
                                              const std::uint32_t* cell_words, std::uint32_t range,
                                              std::uint32_t reject_below, std::int32_t* hits,
                                              std::uint32_t* first_words) {
  const philox_avx2::RoundKeys keys(key.seed);
  const __m256i tick = _mm256_set1_epi32(static_cast<int>(key.tick));
  const __m256i lane = _mm256_set1_epi32(static_cast<int>(CompactStream::lane(key.owner, key.purpose)));
  const __m256i block_index = _mm256_set1_epi32(static_cast<int>(block));
  const __m256i range16 = _mm256_set1_epi16(static_cast<short>(range));
  const __m256i reject16 = _mm256_set1_epi16(static_cast<short>(reject_below));
  const __m256i low16 = _mm256_set1_epi32(0xFFFF), thirty_one = _mm256_set1_epi32(31);
  const __m256i none = _mm256_set1_epi32(-1);
  const int first_word = block == 0 ? 1 : 0;
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ids + i)), x1 = tick, x2 = lane, x3 = block_index;
    philox_avx2::rounds(keys, x0, x1, x2, x3);
    if (block == 0) _mm256_storeu_si256(reinterpret_cast<__m256i*>(first_words + i), x0);
    const __m256i centre = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(centres + i));
    const __m256i words[4] = {x0, x1, x2, x3};
    // Probes from the last to the first, each hit overwriting: what remains is the first hit.
    __m256i hit = none;
    for (int w = 3; w >= first_word; --w) {
      // Both 16-bit probes of each word at once: the high halves of bits·range are the offset
      // indices, the low halves decide rejection (a draw is kept when its low half ≥ reject_below).
      const __m256i index16 = _mm256_mulhi_epu16(words[w], range16);
      const __m256i low_half = _mm256_mullo_epi16(words[w], range16);
      const __m256i drawn16 = _mm256_cmpeq_epi16(_mm256_max_epu16(low_half, reject16), low_half);
      for (int half = 1; half >= 0; --half) {
        const __m256i index = half == 1 ? _mm256_srli_epi32(index16, 16) : _mm256_and_si256(index16, low16);
        // Where this probe was kept, the lane's sign bit is set.
        const __m256i drawn = half == 1 ? drawn16 : _mm256_slli_epi32(drawn16, 16);
        const __m256i position = _mm256_add_epi32(centre, _mm256_i32gather_epi32(steps, index, 4));
        const __m256i cell_word =
            _mm256_i32gather_epi32(reinterpret_cast<const int*>(cell_words), _mm256_srli_epi32(position, 5), 4);
        // The cell's bit moved to the sign bit: shifted left by 31 − (position mod 32).
        const __m256i set = _mm256_sllv_epi32(cell_word, _mm256_andnot_si256(position, thirty_one));
        hit = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(hit), _mm256_castsi256_ps(index),
                                                   _mm256_castsi256_ps(_mm256_and_si256(set, drawn))));
      }
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(hits + i), hit);
  }
}

}  // namespace
#endif

void WindowSampler::probe_block(const StreamKey& key, std::uint32_t block, const std::uint32_t* ids,
                                const std::uint32_t* centres, std::size_t n, std::int32_t* hits,
                                std::uint32_t* first_words, bool allow_vector) const {
  std::size_t done = 0;
#if defined(__AVX2__)
  // The cells' 64-bit words read as 32-bit words, bit p in word p / 32: true on a little-endian
  // processor, which every x86-64 is.
  if (allow_vector) {
    const auto cell_words = reinterpret_cast<const std::uint32_t*>(cells_->words());
    done = n / 8 * 8;
    probe_block_avx2(key, block, ids, centres, done, steps_.data(), cell_words, draws_.range(), draws_.reject_below(),
                     hits, first_words);
    // The last few agents go through the vector form too, with the last of them repeated to fill
    // eight lanes: each lane's result depends on its own agent alone.
    if (done < n) {
      std::uint32_t tail_ids[8], tail_centres[8], tail_first[8];
      std::int32_t tail_hits[8];
      for (std::size_t j = 0; j < 8; ++j) {
        const std::size_t i = std::min(done + j, n - 1);
        tail_ids[j] = ids[i];
        tail_centres[j] = centres[i];
      }
      probe_block_avx2(key, block, tail_ids, tail_centres, 8, steps_.data(), cell_words, draws_.range(),
                       draws_.reject_below(), tail_hits, tail_first);
      for (std::size_t i = done; i < n; ++i) {
        hits[i] = tail_hits[i - done];
        if (block == 0 && first_words != nullptr) first_words[i] = tail_first[i - done];
      }
      done = n;
    }
  }
#else
  (void)allow_vector;
#endif
  probe_block_one_at_a_time(key, block, ids + done, centres + done, n - done, hits + done,
                            first_words == nullptr ? nullptr : first_words + done);
}

void WindowSampler::pick(const StreamKey& key, const std::uint32_t* ids, const std::uint32_t* centres, std::size_t n,
                         std::int32_t* picks, std::uint32_t* first_words, Scratch& scratch) const {
  if (n == 0) return;
  if (steps_.empty()) {
    for (std::size_t i = 0; i < n; ++i) {
      picks[i] = kNone;
      first_words[i] = CompactStream(key.seed, key.owner, ids[i], key.tick, key.purpose)();
    }
    return;
  }
  probe_block(key, 0, ids, centres, n, picks, first_words);
  // Later blocks for the agents still without a cell, gathered so that they too go eight at a time.
  scratch.pending.resize(n);
  std::size_t m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    scratch.pending[m] = static_cast<std::uint32_t>(i);
    m += picks[i] == kNone;
  }
  scratch.ids.resize(m);
  scratch.centres.resize(m);
  scratch.hits.resize(m);
  for (std::uint32_t block = 1; block < probe_blocks_ && m > 0; ++block) {
    for (std::size_t j = 0; j < m; ++j) {
      scratch.ids[j] = ids[scratch.pending[j]];
      scratch.centres[j] = centres[scratch.pending[j]];
    }
    probe_block(key, block, scratch.ids.data(), scratch.centres.data(), m, scratch.hits.data(), nullptr);
    std::size_t still = 0;
    for (std::size_t j = 0; j < m; ++j) {
      picks[scratch.pending[j]] = scratch.hits[j];
      scratch.pending[still] = scratch.pending[j];
      still += scratch.hits[j] == kNone;
    }
    m = still;
  }
  for (std::size_t j = 0; j < m; ++j) {
    const std::uint32_t i = scratch.pending[j];
    const std::uint32_t holding = window_bits_.count(centres[i]);
    if (holding == 0) continue;
    CompactStream stream(key.seed, key.owner, ids[i], key.tick, key.purpose);
    stream.skip_blocks(probe_blocks_);
    picks[i] = static_cast<std::int32_t>(window_bits_.select(centres[i], draw_below(stream, holding)));
  }
}

}  // namespace confsim::sim
