#!/usr/bin/env bash
# Fuzzes the YAML loaders (scenario and sweep) with libFuzzer under AddressSanitizer and
# UndefinedBehaviorSanitizer, seeded with every file in scenarios/ and tests/fuzz/regressions/.
#
#   scripts/fuzz.sh [SECONDS]     default 60 (what CI runs); a longer run: scripts/fuzz.sh 3600
#
# Builds the `fuzz` preset (clang) into build/fuzz. New interesting inputs accumulate in
# build/fuzz/corpus (kept between runs). A crash, hang, leak or sanitizer report stops the run,
# leaves the input in build/fuzz/artifacts/ and exits non-zero: copy it into tests/fuzz/regressions/
# with a name that says what it broke, fix the loader, and the test suite keeps it fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
case "$seconds" in ''|*[!0-9]*) echo "fuzz: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;; esac
bash scripts/install-deps.sh >/dev/null
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
corpus=build/fuzz/corpus
artifacts=build/fuzz/artifacts
mkdir -p "$corpus" "$artifacts"
log=build/fuzz/last-run.log
set +e
build/fuzz/tests/fuzz/confsim_fuzz_loaders -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" scenarios tests/fuzz/regressions >"$log" 2>&1
status=$?
set -e
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
if [ "$status" -ne 0 ]; then
  grep -E "ERROR|SUMMARY|what\(\)|Test unit written" "$log" >&2 || tail -n 30 "$log" >&2
  echo "fuzz: FAILED after ${runs:-?} executions (log: $log); the input is in $artifacts/" >&2
  exit 1
fi
echo "fuzz: ${runs} executions in ${seconds} s, no crash, hang, leak or sanitizer report ($(ls "$corpus" | wc -l) inputs in the corpus)"
