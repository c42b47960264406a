#!/usr/bin/env bash
# Fresh machine → a finished run: installs the Debian packages, builds confsim (Release) and runs
# the default scenario, Epstein's Run 2, printing where the HDF5 file is and what it holds; then
# draws its series (out/run2.png) and writes a report page with every figure (out/run2.html).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release --target confsim
mkdir -p out
build/release/app/confsim run scenarios/epstein/run2.yaml -o out/run2.h5
/usr/bin/python3 scripts/plot_run.py out/run2.h5 -o out/run2.png
/usr/bin/python3 scripts/report.py out/run2.h5 -o out/run2.html
echo
echo "Open it with: /usr/bin/python3 -c \"import xarray as xr; print(xr.open_dataset('out/run2.h5', engine='h5netcdf'))\""
