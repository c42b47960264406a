#!/usr/bin/env bash
# Installs every Debian package confsim needs to build, test, run and read its files.
# Idempotent: apt-get skips what is already installed. Needs root (or sudo).
set -euo pipefail

packages=(
  # build (clang and its runtime libraries for the loaders' fuzz target)
  build-essential cmake pkg-config clang libclang-rt-14-dev
  # C++ libraries
  libboost-dev libtbb-dev libhdf5-dev zlib1g-dev libyaml-cpp-dev catch2 libcli11-dev libfmt-dev
  librandom123-dev
  # tools to inspect output files
  hdf5-tools netcdf-bin
  # parameter sweeps: MPI, and a Slurm cluster on localhost for the array-job test
  openmpi-bin libopenmpi-dev slurm-wlm munge
  # Python readers used by tests and the scripts (run with /usr/bin/python3)
  python3 python3-h5py python3-xarray python3-h5netcdf python3-netcdf4 python3-pandas
  python3-numpy python3-yaml python3-matplotlib python3-pil
  # R readers used by the tests (docs/analysis.md)
  r-base-core r-cran-ncdf4 r-cran-hdf5r
  # the viewer's tests in a real browser: Chromium driven by playwright-core (npm, below)
  chromium nodejs
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
else
  echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -o DPkg::Lock::Timeout=300 -qq
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 -qq "${missing[@]}"
fi

# playwright-core at the version tests/browser/package-lock.json pins (it drives Debian's Chromium;
# it never downloads a browser of its own).
browser_tests="$(cd "$(dirname "$0")/.." && pwd)/tests/browser"
if ! command -v npm >/dev/null; then  # Debian's nodejs comes without it; NodeSource's includes it
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 -qq npm
fi
version_of() { node -p "require('$1').version" 2>/dev/null || true; }
wanted="$(node -p "require('$browser_tests/package-lock.json').packages['node_modules/playwright-core'].version")"
if [ "$(version_of "$browser_tests/node_modules/playwright-core/package.json")" != "$wanted" ]; then
  echo "install-deps: installing playwright-core $wanted for the browser tests (npm ci in tests/browser)"
  (cd "$browser_tests" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "install-deps: done"
