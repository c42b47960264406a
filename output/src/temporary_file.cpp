#include "confsim/output/temporary_file.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "hdf5_util.hpp"

namespace confsim::output {

namespace {

// Fixed storage, so that the signal handler neither allocates nor follows pointers that another
// thread may be freeing. A slot is free, being filled or emptied, or listed; the handler reads only
// listed ones. More temporary files than slots at once (sweeps run a few at a time) go unlisted:
// they are still removed on every orderly exit, just not by a forced stop.
enum SlotState : int { kFree = 0, kBusy = 1, kListed = 2 };
constexpr std::size_t kSlots = 256;
constexpr std::size_t kLongestPath = 4096;

struct Slot {
  std::atomic<int> state{kFree};
  char path[kLongestPath];
};
std::array<Slot, kSlots> g_slots;

int list(const std::string& path) {
  if (path.size() >= kLongestPath) return -1;
  for (std::size_t i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (!g_slots[i].state.compare_exchange_strong(expected, kBusy)) continue;
    std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
    g_slots[i].state.store(kListed, std::memory_order_release);
    return static_cast<int>(i);
  }
  return -1;
}

void unlist(int slot) {
  if (slot < 0) return;
  g_slots[static_cast<std::size_t>(slot)].state.store(kBusy);
  g_slots[static_cast<std::size_t>(slot)].path[0] = '\0';
  g_slots[static_cast<std::size_t>(slot)].state.store(kFree, std::memory_order_release);
}

}  // namespace

TemporaryFile::TemporaryFile(std::string final_path)
    : final_path_(std::move(final_path)), temp_path_(detail::temporary_name_for(final_path_)) {
  slot_ = list(temp_path_);
}

TemporaryFile::~TemporaryFile() {
  if (!published_) std::remove(temp_path_.c_str());
  unlist(slot_);
}

void TemporaryFile::publish() {
  detail::publish(temp_path_, final_path_);
  published_ = true;
  unlist(slot_);
  slot_ = -1;
}

void remove_temporary_files_now() noexcept {
  for (auto& slot : g_slots)
    if (slot.state.load(std::memory_order_acquire) == kListed) ::unlink(slot.path);
}

}  // namespace confsim::output
