// SIGINT and SIGTERM: the first asks the run to stop at the end of the tick (run_loaded checks the
// flag after every tick and unwinds, removing its temporary file); a second one, or a tick that has
// not ended CONFSIM_STOP_GRACE_SECONDS after the first, stops the process at once, removing every
// temporary file the process is writing first.
#include <semaphore.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>

#include "confsim/output/temporary_file.hpp"
#include "confsim/sim/diagnostics.hpp"
#include "run.hpp"

namespace confsim::app::detail {

namespace {

volatile std::sig_atomic_t g_stop_signal = 0;
std::atomic<int> g_signals_received{0};
std::atomic<bool> g_closing{false};
sem_t g_first_signal;  // posted by the handler (sem_post is async-signal-safe) or on closing
sem_t g_closed;        // posted when the stop signals' scope ends in order

void say(const char* text) noexcept {
  for (std::size_t left = std::strlen(text); left > 0;) {
    const ssize_t n = ::write(STDERR_FILENO, text, left);
    if (n <= 0) return;
    text += n;
    left -= static_cast<std::size_t>(n);
  }
}

[[noreturn]] void stop_now(int signal, const char* why) noexcept {
  output::remove_temporary_files_now();
  say("confsim: stopped at once by ");
  say(signal == SIGINT ? "SIGINT" : "SIGTERM");
  say(why);
  say("; temporary output removed, no output file written\n");
  ::_exit(128 + signal);
}

extern "C" void on_stop_signal(int signal) {
  if (g_signals_received.fetch_add(1) > 0) stop_now(signal, " (a second signal)");
  g_stop_signal = signal;
  ::sem_post(&g_first_signal);
}

double grace_seconds() {
  constexpr double kDefault = 5;
  const char* text = std::getenv("CONFSIM_STOP_GRACE_SECONDS");
  if (text == nullptr || *text == '\0') return kDefault;
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  if (end == text || *end != '\0' || !(value >= 0) || !std::isfinite(value))
    throw sim::InputError({{{"environment variable CONFSIM_STOP_GRACE_SECONDS", 0, 0, ""},
                            "",
                            std::string("expected a number of seconds of at least 0, found '") + text + "'"}});
  return value;
}

}  // namespace

StopSignals::StopSignals() {
  const double grace = grace_seconds();
  g_stop_signal = 0;
  g_signals_received = 0;
  g_closing = false;
  ::sem_init(&g_first_signal, 0, 0);
  ::sem_init(&g_closed, 0, 0);
  watchdog_ = std::thread([grace] {
    while (::sem_wait(&g_first_signal) != 0 && errno == EINTR) {
    }
    if (g_stop_signal == 0) return;  // closed in order before any signal
    timespec deadline{};
    ::clock_gettime(CLOCK_REALTIME, &deadline);
    const double whole = std::floor(grace);
    deadline.tv_sec += static_cast<time_t>(whole);
    deadline.tv_nsec += static_cast<long>((grace - whole) * 1e9);
    if (deadline.tv_nsec >= 1000000000L) {
      deadline.tv_sec += 1;
      deadline.tv_nsec -= 1000000000L;
    }
    int status;
    while ((status = ::sem_timedwait(&g_closed, &deadline)) != 0 && errno == EINTR) {
    }
    if (status != 0 && !g_closing) stop_now(g_stop_signal, " (the tick under way did not end in time)");
  });
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

StopSignals::~StopSignals() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  g_closing = true;
  ::sem_post(&g_closed);
  ::sem_post(&g_first_signal);
  watchdog_.join();
  ::sem_destroy(&g_first_signal);
  ::sem_destroy(&g_closed);
}

int stop_signal() { return g_stop_signal; }

}  // namespace confsim::app::detail
