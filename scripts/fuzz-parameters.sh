#!/usr/bin/env bash
# Fuzzes the parameter space of every shipped scenario for longer than the test suite's minute:
# each parameter at the ends of its declared range, then random values one at a time and many at
# once (tests/fuzz/parameter_fuzz.cpp says what every run must satisfy).
#
#   scripts/fuzz-parameters.sh [SECONDS] [PRESET]    default 1800 s under `asan`; `release` is ~10× faster
#
# Every finding prints the `confsim run … --set …` command that reproduces it and the run ends
# with exit 1. Once the cause is fixed, save the case in tests/fuzz/parameter_regressions/ (scenario,
# seed, ticks, set, found: what was wrong) so that the test suite replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-1800}"
preset="${2:-asan}"
case "$seconds" in ''|*[!0-9]*) echo "fuzz-parameters: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;; esac
case "$preset" in release|debug|asan) ;; *) echo "fuzz-parameters: PRESET is release, debug or asan, not '$preset'" >&2; exit 2 ;; esac
bash scripts/install-deps.sh >/dev/null
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --target confsim_parameter_fuzz
log="build/$preset/parameter-fuzz.log"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp"
scenarios=(scenarios/epstein/run2.yaml scenarios/*/baseline.yaml)
set +e
"build/$preset/tests/fuzz/confsim_parameter_fuzz" --seconds "$seconds" --ends-share 1 "${scenarios[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || echo "fuzz-parameters: FAILED (exit $status); the log is $log" >&2
exit "$status"
