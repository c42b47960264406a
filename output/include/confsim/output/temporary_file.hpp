#pragma once
// Files written under a temporary name beside their final one and renamed into place only when
// complete. Every temporary file alive in the process is listed where a signal handler can reach
// it: a forced stop (a second SIGINT, or a tick that does not end) removes them all before the
// process exits, so no half-written file outlives a stopped run under any name.
#include <string>

namespace confsim::output {

class TemporaryFile {
 public:
  // `.NAME.tmp-PID` beside `final_path`; nothing is created until the caller writes it.
  explicit TemporaryFile(std::string final_path);
  ~TemporaryFile();  // removes the temporary file unless publish() succeeded
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  const std::string& path() const { return temp_path_; }
  const std::string& final_path() const { return final_path_; }
  // Flushes the temporary file to disk and renames it to its final name (then flushes the folder).
  void publish();

 private:
  std::string final_path_;
  std::string temp_path_;
  int slot_ = -1;  // its place in the list a signal handler reads; −1 when the list is full
  bool published_ = false;
};

// Removes every temporary file still listed. Async-signal-safe: only atomics and unlink(2).
void remove_temporary_files_now() noexcept;

}  // namespace confsim::output
