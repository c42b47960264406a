#!/usr/bin/python3
"""The benchmark harness still runs and reports what docs/performance.md tabulates. It times
nothing against a threshold (speed is for benchmarks, not tests): it checks that every figure is
there and consistent, and that a run file written with --output is a complete run file.

usage: check_harness.py CONFSIM_BENCH SOURCE_DIR WORK_DIR
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from optional_modules import require  # noqa: E402

require("h5py")

import h5py  # noqa: E402

bench, source, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
out = os.path.join(work, "bench.h5")
if os.path.exists(out):
    os.remove(out)


def bench_run(activation, output=None):
    command = [bench, os.path.join(source, "scenarios/epstein/mesa_default.yaml"), "--threads", "2",
               "--ticks", "6", "--warmup", "2", "--set", "grid.width=60", "--set", "grid.height=50",
               "--set", "output.snapshot_every=3", "--set", f"rules.activation={activation}",
               "--set", "grid.placement=exact"]
    r = subprocess.run(command + (["--output", output] if output else []), capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"confsim_bench failed ({r.returncode}): {r.stderr}")
    return json.loads(r.stdout)


d = bench_run("synchronous", out)
problems = []
for key in ("agent_steps_per_second", "seconds_per_tick", "peak_rss_bytes", "running_rss_bytes",
            "state_bytes_per_citizen", "phase_ms_per_tick", "step_ms_per_tick", "record_share"):
    if key not in d:
        problems.append(f"no {key}")
if d.get("cells") != 3000 or d.get("measured_ticks") != 6:
    problems.append(f"cells {d.get('cells')}, measured ticks {d.get('measured_ticks')}: expected 3000 and 6")
if d.get("citizens") != 2100 or d.get("field_agents") != 2100 + 222:
    problems.append(f"citizens {d.get('citizens')}, agents {d.get('field_agents')}: expected 2100 and 2322")
rate = d.get("agent_steps_per_second", 0)
if not (rate > 0 and abs(rate * d["seconds_per_tick"] - d["field_agents"]) < 1e-3 * d["field_agents"]):
    problems.append(f"agent-steps/s {rate} does not match {d['field_agents']} agents per {d['seconds_per_tick']} s")
for step in ("propose_moves", "commit_moves", "decide", "choose_arrests", "count_windows"):
    if step not in d.get("step_ms_per_tick", {}):
        problems.append(f"no time for step {step} of the synchronous scheme")
if "take_turns" not in bench_run("random_sequential").get("step_ms_per_tick", {}):
    problems.append("no time for step take_turns of the random-sequential scheme")
with h5py.File(out, "r") as f:
    if f["active"].shape != (9,):  # tick 0, 2 warm-up ticks, 6 measured
        problems.append(f"the run file has {f['active'].shape} ticks of 'active', expected 9")
    if f["cell_state"].shape != (3, 50, 60):  # snapshots at ticks 0, 3 and 6 of 8
        problems.append(f"the run file's cell_state is {f['cell_state'].shape}, expected (3, 50, 60)")
if problems:
    sys.exit("confsim_bench: " + "; ".join(problems))
print(f"confsim_bench reports every figure; {rate / 1e6:.1f} M agent-steps/s on this tiny lattice (not a measurement)")
