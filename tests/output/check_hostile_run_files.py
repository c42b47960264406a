#!/usr/bin/python3
"""confsim info, check and rerun on run files that were truncated, damaged or edited by hand:
each must answer with a message and exit 1 or 2 (0 where the edit leaves the file readable), never
a crash, a hang or an uncaught exception.

usage: check_hostile_run_files.py CONFSIM SOURCE_DIR WORK_DIR
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from optional_modules import require  # noqa: E402

require("h5py", "numpy")

import h5py  # noqa: E402
import numpy as np  # noqa: E402

confsim, source, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
good = os.path.join(work, "good.h5")
subprocess.run([confsim, "run", os.path.join(source, "scenarios/epstein/run2.yaml"), "-o", good, "--ticks", "60",
                "--seed", "4", "-q"], check=True)
targets = os.path.join(work, "targets.yaml")
with open(targets, "w") as f:
    f.write("confsim_targets: 1\nname: reading\ntargets:\n"
            "  - name: active on day 30\n    assumption: a check of reading\n"
            "    series: {name: active, at: 2000-01-31}\n    mean_within: [0, 100000]\n"
            "  - name: arrests\n    assumption: a check of reading\n"
            "    events: {kind: arrest, from: 2000-01-01, to: 2000-12-31}\n    measure: arrested\n"
            "    mean_within: [0, 100000]\n")
data = open(good, "rb").read()
variants = {}


def variant(name, edit=None, raw=None):
    path = os.path.join(work, name + ".h5")
    if raw is not None:
        with open(path, "wb") as f:
            f.write(raw)
    else:
        shutil.copy(good, path)
        with h5py.File(path, "a") as f:
            edit(f)
    variants[name] = path


for share in (0.02, 0.3, 0.6, 0.95):
    variant(f"truncated_{int(share * 100)}", raw=data[: int(len(data) * share)])
# Damaged bytes in the middle (chunks, heaps, B-trees), keeping the superblock.
for k, at in enumerate((0.1, 0.4, 0.7, 0.9)):
    damaged = bytearray(data)
    start = int(len(data) * at)
    damaged[start:start + 512] = bytes((i * 37 + 11) % 256 for i in range(512))
    variant(f"damaged_{k}", raw=bytes(damaged))
variant("empty", raw=b"")
variant("text", raw=b"confsim: 1\n")
variant("foreign", lambda f: [f.attrs.__delitem__(k) for k in list(f.attrs)])
variant("no_time", lambda f: f.__delitem__("time"))
variant("no_events", lambda f: f.__delitem__("events"))
variant("no_scenario_text", lambda f: f.attrs.__delitem__("scenario_text"))
variant("garbage_scenario", lambda f: f.attrs.__setitem__("scenario_text", "{{{ not: [yaml"))
variant("bomb_scenario", lambda f: f.attrs.__setitem__("scenario_text", "a: &a [x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join(['*a' + (str(i - 1) if i > 1 else '')] * 10)}]\n" for i in range(1, 12))))
variant("negative_ticks", lambda f: f.attrs.__setitem__("ticks", -5))
variant("huge_ticks", lambda f: f.attrs.__setitem__("ticks", 2**62))
variant("text_seed", lambda f: f.attrs.__setitem__("seed", "twelve"))
variant("format_99", lambda f: f.attrs.__setitem__("confsim_file_format", 99))
variant("no_flags", lambda f: [f["events/kind"].attrs.__delitem__(a) for a in ("flag_values", "flag_meanings")])
variant("bad_flags", lambda f: f["events/kind"].attrs.__setitem__("flag_meanings", ""))


def short_active(f):
    del f["active"]
    f["active"] = np.zeros(5, dtype=np.int32)


def text_active(f):
    del f["active"]
    f["active"] = np.array([b"x"] * 61)


def short_events(f):
    del f["events/kind"]
    f["events/kind"] = np.zeros(3, dtype=np.int32)


variant("short_series", short_active)
variant("text_series", text_active)
variant("short_event_column", short_events)
variant("bad_time_units", lambda f: f["time"].attrs.__setitem__("units", "fortnights since the flood"))

problems = []
answers = {0: 0, 1: 0, 2: 0}
for name, path in variants.items():
    for command in (["info", path], ["check", path, "--targets", targets],
                    ["rerun", path, "-o", os.path.join(work, "again.h5"), "--ticks", "3"]):
        try:
            r = subprocess.run([confsim, *command], capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            problems.append(f"{name}: confsim {command[0]} did not answer in 60 s")
            continue
        crashed = r.returncode < 0 or r.returncode > 2 or "terminate called" in r.stderr or "Sanitizer" in r.stderr
        silent = r.returncode != 0 and not r.stderr.strip()
        if crashed or silent:
            problems.append(f"{name}: confsim {command[0]} exited {r.returncode}: {r.stderr.strip()[-400:]}")
        else:
            answers[r.returncode] += 1
        if os.path.exists(os.path.join(work, "again.h5")):
            os.remove(os.path.join(work, "again.h5"))
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{len(variants)} damaged or edited run files through info, check and rerun: {answers[0]} readable answers, "
      f"{answers[1] + answers[2]} refusals with a message, no crash")
