#!/usr/bin/env bash
# Fresh machine → a passing test suite: installs the Debian packages, builds with a CMake preset
# (release by default; `asan` for AddressSanitizer + UndefinedBehaviorSanitizer, `debug`) and runs
# every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
bash scripts/install-deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset"
