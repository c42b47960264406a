#!/usr/bin/env bash
# Fresh machine → a finished run: installs the Debian packages, builds confsim (Release) and runs
# the default scenario, Epstein's Run 2, printing where the HDF5 file is and what it holds.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target confsim
mkdir -p out
build/release/app/confsim run scenarios/epstein/run2.yaml -o out/run2.h5
echo
echo "Open it with: /usr/bin/python3 -c \"import xarray as xr; print(xr.open_dataset('out/run2.h5', engine='h5netcdf'))\""
