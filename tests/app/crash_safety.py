#!/usr/bin/python3
"""Crash safety of confsim run and confsim sweep, tested by doing it: SIGKILL at random moments,
then a full disk.

After every kill, no file under a final name may be truncated or invalid: the run's output either
does not exist, or is the earlier file that was there, byte for byte, or is the complete result;
every run file a killed sweep left under its final name opens and is complete. Re-running the run,
or resuming the sweep with the same command, then gives datasets byte-identical to an uninterrupted
one. A full disk (a small tmpfs when root may mount one; otherwise a file-size limit, the same
write failure injected by the kernel) gives exit 1 and a message naming the cause, leaves no
temporary file, and leaves earlier results intact; after space is freed the sweep resumes to the
same results.

usage: crash_safety.py CONFSIM SOURCE_DIR WORK_DIR [--run-trials N] [--sweep-trials N] [--seed S]
The test suite runs a few trials; the stress run is --run-trials 50 --sweep-trials 20.
"""
import argparse
import hashlib
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from optional_modules import require  # noqa: E402

require("h5py", "numpy")

import h5py  # noqa: E402
import numpy as np  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("confsim")
ap.add_argument("source")
ap.add_argument("work")
ap.add_argument("--run-trials", type=int, default=4)
ap.add_argument("--sweep-trials", type=int, default=2)
ap.add_argument("--seed", type=int, default=None, help="seed of the kill times (default: drawn, and printed)")
ap.add_argument("--no-mount", action="store_true", help="fill the disk with a file-size limit even as root")
args = ap.parse_args()
seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 30)
rng = random.Random(seed)
shutil.rmtree(args.work, ignore_errors=True)
os.makedirs(args.work)
problems = []
figures = {"run kills": 0, "run kills mid-write": 0, "sweep kills": 0, "final files checked": 0,
           "disk-full refusals": 0}

# A run of about a second: long enough to be killed in the middle of its ticks or of its file.
scenario = os.path.join(args.work, "medium.yaml")
with open(os.path.join(args.source, "scenarios/epstein/mesa_default.yaml")) as f:
    text = f.read()
with open(scenario, "w") as f:
    # The parallel scheme, so that the run spreads over its two threads as a large one does.
    f.write(text + "rules:\n  activation: synchronous\n")
RUN = [args.confsim, "run", scenario, "--seed", "5", "--ticks", "150", "--threads", "2", "-q",
       "--set", "grid.width=300", "--set", "grid.height=300", "--set", "output.snapshot_every=10"]
sweep_file = os.path.join(args.work, "sweep.yaml")
with open(sweep_file, "w") as f:
    f.write("confsim_sweep: 1\nname: crash-safety\nscenario: medium.yaml\nticks: 60\ndesign: grid\nreplicates: 3\n"
            "master_seed: 7\nparameters:\n  government.legitimacy: {values: [0.7, 0.8, 0.9]}\n"
            "  grid.width: {values: [200]}\n  grid.height: {values: [200]}\n"
            "summaries:\n  - name: peak_active\n    series: {name: active, reduce: max}\n")


def contents(dataset):
    values = np.asarray(dataset[()])
    if values.dtype.kind == "O":  # variable-length strings: their text, not the pointers
        return "\n".join(map(str, values.ravel().tolist())).encode()
    return values.tobytes()


def datasets(path):
    """name -> bytes of every dataset (attributes hold wall times, which differ between runs)."""
    out = {}
    with h5py.File(path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, contents(obj)) if isinstance(obj, h5py.Dataset) else None)
    return out


def complete_run_file(path):
    """Opens as a run file with every tick of its series."""
    with h5py.File(path, "r") as f:
        ticks = int(f.attrs["ticks"])
        return f["time"].shape[0] == ticks + 1 and f["active"].shape[0] == ticks + 1


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def temporaries(folder):
    return [n for n in os.listdir(folder) if ".tmp-" in n]


def kill_at(cmd, delay, **kwargs):
    """Starts cmd, SIGKILLs it after delay seconds; returns its exit status (negative: killed)."""
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    try:
        p.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
    return p.returncode


# --- confsim run, killed ---------------------------------------------------------------------
reference = os.path.join(args.work, "reference.h5")
started = time.perf_counter()
subprocess.run(RUN + ["-o", reference], check=True)
run_seconds = time.perf_counter() - started
expected = datasets(reference)
earlier = os.path.join(args.work, "earlier.h5")
subprocess.run([args.confsim, "run", os.path.join(args.source, "scenarios/epstein/run2.yaml"), "-o", earlier,
                "--ticks", "20", "-q"], check=True)
for trial in range(args.run_trials):
    folder = os.path.join(args.work, f"run{trial}")
    os.makedirs(folder)
    out = os.path.join(folder, "out.h5")
    keep_earlier = trial % 2 == 1  # every other trial overwrites an earlier result
    if keep_earlier:
        shutil.copy(earlier, out)
    before = digest(out) if keep_earlier else None
    delay = rng.uniform(0.02, 1.1 * run_seconds)
    status = kill_at(RUN + ["-o", out], delay)
    figures["run kills"] += status < 0
    figures["run kills mid-write"] += status < 0 and delay > 0.6 * run_seconds
    if os.path.exists(out):
        figures["final files checked"] += 1
        if status < 0 and keep_earlier and digest(out) != before and datasets(out) != expected:
            # A kill that lands after the finished file took its place (while the process exits)
            # leaves the whole new result, which is allowed; anything else is not.
            problems.append(f"run trial {trial} (killed at {delay:.2f} s): the earlier file was replaced by another")
        elif status == 0 and datasets(out) != expected:
            problems.append(f"run trial {trial}: finished before the kill but differs from the reference")
    elif keep_earlier or status == 0:
        problems.append(f"run trial {trial} (killed at {delay:.2f} s, exit {status}): {out} disappeared")
    subprocess.run(RUN + ["-o", out], check=True)
    if datasets(out) != expected:
        problems.append(f"run trial {trial}: the re-run differs from the uninterrupted run")
    stale = temporaries(folder)
    if status == 0 and stale:
        problems.append(f"run trial {trial}: a finished run left {stale}")

# --- confsim sweep, killed and resumed -------------------------------------------------------
reference_sweep = os.path.join(args.work, "sweep_reference")
started = time.perf_counter()
subprocess.run([args.confsim, "sweep", sweep_file, "-o", reference_sweep, "--jobs", "2"], check=True,
               capture_output=True)
sweep_seconds = time.perf_counter() - started
runs = sorted(n for n in os.listdir(os.path.join(reference_sweep, "runs")) if n.endswith(".h5"))
expected_runs = {n: datasets(os.path.join(reference_sweep, "runs", n)) for n in runs}
manifest_columns = lambda d: {k: v for k, v in datasets(os.path.join(d, "manifest.h5")).items()  # noqa: E731
                              if k not in ("wall_seconds",)}
expected_manifest = manifest_columns(reference_sweep)
for trial in range(args.sweep_trials):
    folder = os.path.join(args.work, f"sweep{trial}")
    command = [args.confsim, "sweep", sweep_file, "-o", folder, "--jobs", "2"]
    kills = 0
    for _ in range(rng.randint(1, 3)):  # killed once or more, each time at a random moment
        status = kill_at(command, rng.uniform(0.05, 0.9 * sweep_seconds))
        kills += status < 0
        run_folder = os.path.join(folder, "runs")
        for name in os.listdir(run_folder) if os.path.isdir(run_folder) else []:
            if name.endswith(".h5") and not name.startswith("."):
                figures["final files checked"] += 1
                try:
                    if not complete_run_file(os.path.join(run_folder, name)):
                        problems.append(f"sweep trial {trial}: {name} is under its final name but incomplete")
                except OSError as e:
                    problems.append(f"sweep trial {trial}: {name} is under its final name but unreadable: {e}")
        if os.path.exists(os.path.join(folder, "manifest.h5")) and status < 0:
            try:
                h5py.File(os.path.join(folder, "manifest.h5"), "r").close()
            except OSError as e:
                problems.append(f"sweep trial {trial}: the manifest left by a kill is unreadable: {e}")
    figures["sweep kills"] += kills
    subprocess.run(command, check=True, capture_output=True)
    got = {n: datasets(os.path.join(folder, "runs", n)) for n in runs}
    if got != expected_runs or manifest_columns(folder) != expected_manifest:
        problems.append(f"sweep trial {trial}: resumed after {kills} kills, results differ from the uninterrupted sweep")
    if temporaries(os.path.join(folder, "runs")):
        problems.append(f"sweep trial {trial}: the resumed sweep left {temporaries(os.path.join(folder, 'runs'))}")


# --- a full disk ------------------------------------------------------------------------------
def small_disk(path, megabytes):
    """Mounts a tmpfs of that size at path; False when this process may not."""
    os.makedirs(path, exist_ok=True)
    if os.geteuid() != 0 or args.no_mount:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", path],
                          capture_output=True).returncode == 0


def file_size_limit(limit):
    """preexec_fn: writes past `limit` bytes fail with EFBIG instead of killing the process."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


disk = os.path.join(args.work, "disk")
mounted = small_disk(disk, 3)
try:
    earlier_on_disk = os.path.join(disk, "earlier.h5")
    shutil.copy(earlier, earlier_on_disk)
    before = digest(earlier_on_disk)
    limit = {} if mounted else {"preexec_fn": file_size_limit(2_000_000)}
    full = subprocess.run(RUN + ["-o", os.path.join(disk, "big.h5")], capture_output=True, text=True, **limit)
    cause = "No space left on device" if mounted else "File too large"
    if full.returncode != 1 or cause not in full.stderr or "Segmentation" in full.stderr:
        problems.append(f"full disk: exit {full.returncode}, expected 1 with '{cause}': {full.stderr.strip()[-300:]}")
    else:
        figures["disk-full refusals"] += 1
    if os.path.exists(os.path.join(disk, "big.h5")) or temporaries(disk):
        problems.append(f"full disk: left {os.listdir(disk)}")
    if digest(earlier_on_disk) != before:
        problems.append("full disk: the earlier file changed")
    os.remove(earlier_on_disk)
    if mounted:
        subprocess.run(["mount", "-o", "remount,size=2m", disk], check=True)
    sweep_dir = os.path.join(disk, "sweep")
    run_bytes = os.path.getsize(os.path.join(reference_sweep, "runs", runs[0]))
    limit = {} if mounted else {"preexec_fn": file_size_limit(run_bytes // 2)}
    full = subprocess.run([args.confsim, "sweep", sweep_file, "-o", sweep_dir, "--jobs", "2"], capture_output=True,
                          text=True, **limit)
    if full.returncode != 1 or (mounted and cause not in full.stderr):
        problems.append(f"sweep on a full disk: exit {full.returncode}: {full.stderr.strip()[-300:]}")
    else:
        figures["disk-full refusals"] += 1
    done = [n for n in os.listdir(os.path.join(sweep_dir, "runs")) if n.endswith(".h5") and not n.startswith(".")]
    for name in done:
        if datasets(os.path.join(sweep_dir, "runs", name)) != expected_runs[name]:
            problems.append(f"sweep on a full disk: {name}, finished before the disk filled, is not intact")
    if temporaries(os.path.join(sweep_dir, "runs")):
        problems.append(f"sweep on a full disk: left {temporaries(os.path.join(sweep_dir, 'runs'))}")
    if mounted:
        subprocess.run(["mount", "-o", "remount,size=64m", disk], check=True)
        subprocess.run([args.confsim, "sweep", sweep_file, "-o", sweep_dir, "--jobs", "2"], check=True,
                       capture_output=True)
        got = {n: datasets(os.path.join(sweep_dir, "runs", n)) for n in runs}
        if got != expected_runs or manifest_columns(sweep_dir) != expected_manifest:
            problems.append("sweep resumed after freeing space: results differ from the uninterrupted sweep")
finally:
    if mounted:
        subprocess.run(["umount", disk], check=False)

if problems:
    print("\n".join(problems))
    print(f"(kill times drawn with --seed {seed})")
    sys.exit(1)
print(f"crash safety (--seed {seed}): {figures['run kills']} SIGKILLs of confsim run "
      f"({figures['run kills mid-write']} late in the run) and {figures['sweep kills']} of confsim sweep, "
      f"{figures['final files checked']} final files checked, none truncated or invalid; every re-run and resume "
      f"byte-identical; full disk ({'tmpfs' if mounted else 'file-size limit'}) refused "
      f"{figures['disk-full refusals']} times with earlier results intact")
