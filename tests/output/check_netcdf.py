#!/usr/bin/python3
"""Runs a scenario and reads the file with other people's tools only: xarray through both the
h5netcdf and netCDF4 engines, and ncdump. Fails on phony dimensions, missing units or
undecodable event categories."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from optional_modules import require  # noqa: E402

require("xarray", "h5netcdf", "netCDF4")

confsim, scenario, workdir, ncdump = sys.argv[1:5]
os.makedirs(workdir, exist_ok=True)
path = os.path.join(workdir, "run2.h5")
subprocess.run([confsim, "run", scenario, "-o", path, "--ticks", "120", "--seed", "3", "-q"], check=True)

import xarray as xr  # noqa: E402

problems = []
for engine in ("h5netcdf", "netcdf4"):
    ds = xr.open_dataset(path, engine=engine)
    dims = list(ds.dims)
    if any(str(d).startswith("phony") for d in dims):
        problems.append(f"{engine}: phony dimensions {dims}")
    for needed in ("time", "x", "y", "citizen", "snapshot_time"):
        if needed not in dims:
            problems.append(f"{engine}: dimension {needed} missing from {dims}")
    if str(ds["time"].dtype) != "datetime64[ns]" or str(ds["time"].values[0])[:10] != "2000-01-01":
        problems.append(f"{engine}: time not decoded from 'days since 2000-01-01': {ds['time'].values[:2]}")
    if ds["active"].dims != ("time",) or ds["cell_state"].dims != ("snapshot_time", "y", "x"):
        problems.append(f"{engine}: unexpected dims {ds['active'].dims} {ds['cell_state'].dims}")
    if ds.attrs.get("seed") != 3 or "scenario_text" not in ds.attrs:
        problems.append(f"{engine}: root attributes lack seed or scenario_text")
    ev = xr.open_dataset(path, engine=engine, group="events")
    if list(ev.dims) != ["event"]:
        problems.append(f"{engine}: events dims {list(ev.dims)}")
    meanings = str(ev["kind"].attrs.get("flag_meanings", "")).split()
    if "arrest" not in meanings or ev.sizes["event"] == 0:
        problems.append(f"{engine}: event kinds not described ({meanings}) or no events")
    total = int(ev["arrested"].sum())
    if total != int(ds["arrests"].sum()):
        problems.append(f"{engine}: events table ({total}) disagrees with the arrests series")
    sched = xr.open_dataset(path, engine=engine, group="schedule")
    if "scheduled_event" not in sched.dims:
        problems.append(f"{engine}: schedule dims {list(sched.dims)}")

header = subprocess.run([ncdump, "-h", path], capture_output=True, text=True, check=True).stdout
if "phony_dim" in header:
    problems.append("ncdump shows phony dimensions")
if 'time:units = "days since 2000-01-01"' not in header:
    problems.append("ncdump does not show time units")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"read {path} with xarray (h5netcdf, netcdf4) and ncdump: named dimensions {dims}")
