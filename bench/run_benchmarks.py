#!/usr/bin/python3
"""Runs confsim's benchmark matrix and prints the tables of docs/performance.md.

Each case runs in its own process (build/release/bench/confsim_bench), so every peak-memory
figure is that case's own. Standard library only.

  bench/run_benchmarks.py                 # everything (about 35 minutes on 2 cores)
  bench/run_benchmarks.py --quick         # without the 4000x4000 grids and full-scale Iraq
  bench/run_benchmarks.py --json raw.jsonl --markdown tables.md
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "build", "release", "bench", "confsim_bench")
MESA = "scenarios/epstein/mesa_default.yaml"
IRAQ = "scenarios/iraq/baseline.yaml"
IRAQ_40M = "bench/iraq_40_million.yaml"


def build():
    for cmd in (["cmake", "--preset", "release"],
                ["cmake", "--build", "--preset", "release", "--target", "confsim_bench", "confsim_machine_limits"]):
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")


def bench(label, scenario, sets=(), threads=2, ticks=20, warmup=2, output=None):
    cmd = [BENCH, scenario, "--threads", str(threads), "--ticks", str(ticks), "--warmup", str(warmup), "--label", label]
    for s in sets:
        cmd += ["--set", s]
    if output:
        cmd += ["--output", output]
    print(f"  {label}: {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{label} failed ({r.returncode}): {r.stderr.strip()}")
    result = json.loads(r.stdout)
    result["command"] = "build/release/bench/confsim_bench " + " ".join(cmd[1:])
    return result


def grid(n):
    return [f"grid.width={n}", f"grid.height={n}"]


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    gcc = subprocess.run(["g++", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, {platform.system()} {platform.release()}, {gcc}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="skip the 4000x4000 grids and full-scale Iraq")
    ap.add_argument("--no-build", action="store_true", help="use the benchmark binary as it is")
    ap.add_argument("--json", help="also write every raw result here, one JSON object per line")
    ap.add_argument("--markdown", help="also write the tables here")
    args = ap.parse_args()
    if not args.no_build:
        build()
    if not os.access(BENCH, os.X_OK):
        sys.exit(f"{BENCH} is missing: build with cmake --preset release && cmake --build --preset release")

    limits = json.loads(subprocess.run([os.path.join(ROOT, "build", "release", "bench", "confsim_machine_limits")],
                                       capture_output=True, text=True, check=True).stdout)
    results = []
    no_snapshots = ["output.snapshot_every=0"]
    sizes = [(40, 2000, 20), (200, 300, 5), (1000, 40, 2)] + ([] if args.quick else [(4000, 10, 2)])
    scaling = {}
    for n, ticks, warmup in sizes:
        for threads in (1, 2):
            r = bench(f"epstein {n}x{n} vision 7, {threads} thread(s)", MESA, grid(n) + no_snapshots, threads, ticks, warmup)
            r["group"], r["n"] = "size", n
            results.append(r)
            scaling[(n, threads)] = r
    vision_n = 1000 if args.quick else 4000
    euclidean = ["citizens.vision_shape=euclidean", "cops.vision_shape=euclidean"]
    for v in (1.7, 7, 15):
        r = bench(f"epstein {vision_n}x{vision_n} euclidean vision {v}", MESA,
                  grid(vision_n) + no_snapshots + euclidean + [f"citizens.vision={v}", f"cops.vision={v}"], 2,
                  40 if args.quick else 10, 2)
        r["group"], r["vision"] = "vision", v
        results.append(r)
    with tempfile.TemporaryDirectory(prefix="confsim-bench-") as tmp:
        for n in [1000] + ([] if args.quick else [4000]):
            r = bench(f"epstein {n}x{n} recording to HDF5", MESA, grid(n) + ["output.snapshot_every=50"], 2, 100, 1,
                      output=os.path.join(tmp, f"rec{n}.h5"))
            r["group"], r["n"] = "recording", n
            results.append(r)
        r = bench("iraq baseline, default scale", IRAQ, [], 2, 0, 0, output=os.path.join(tmp, "iraq.h5"))
        r["group"] = "iraq"
        results.append(r)
        if not args.quick:
            r = bench("iraq baseline, full scale (1 person per agent, 26.7 M people)", IRAQ, ["scale.people_per_agent=1"],
                      2, 0, 0, output=os.path.join(tmp, "iraq_full.h5"))
            r["group"] = "iraq"
            results.append(r)
            r = bench("iraq at 40 M people (bench/iraq_40_million.yaml), 1 person per agent", IRAQ_40M,
                      ["scale.people_per_agent=1"], 2, 0, 0, output=os.path.join(tmp, "iraq_40m.h5"))
            r["group"] = "iraq"
            results.append(r)

    out = []
    out.append(f"Measured {datetime.date.today().isoformat()} on {machine()}.\n")
    out.append("### What the machine allows (build/release/bench/confsim_machine_limits)\n")
    out.append("| one Philox4x64-10 block, independent | one block, each waiting for the last | "
               "memory read+write, 1 thread | 2 threads |")
    out.append("|---|---|---|---|")
    out.append(f"| {limits['philox4x64_10_throughput_ns']:.1f} ns | {limits['philox4x64_10_latency_ns']:.1f} ns | "
               f"{limits['bandwidth_1_thread_gb_per_s']:.1f} GB/s | {limits['bandwidth_2_threads_gb_per_s']:.1f} GB/s |\n")
    out.append("### Epstein, Mesa's densities (0.7 citizens, 0.074 cops), von Neumann vision 7, no snapshots\n")
    out.append("| grid | agents | threads | agent-steps/s | ms per tick | 2 threads vs 1 | peak memory per agent |")
    out.append("|---|---|---|---|---|---|---|")
    for r in [r for r in results if r["group"] == "size"]:
        speedup = ""
        if r["threads"] == 2 and (r["n"], 1) in scaling:
            speedup = f"{scaling[(r['n'], 1)]['seconds_per_tick'] / r['seconds_per_tick']:.2f}x"
        out.append(f"| {r['n']}x{r['n']} | {r['field_agents']:,} | {r['threads']} | "
                   f"{r['agent_steps_per_second'] / 1e6:.1f} M | {r['seconds_per_tick'] * 1000:.2f} | {speedup} | "
                   f"{r['bytes_per_agent']:.1f} B |")
    out.append("\n### Time per tick by step (ms), 2 threads\n")
    steps = sorted({k for r in results if r["group"] == "size" for k in r["step_ms_per_tick"]})
    out.append("| grid | " + " | ".join(steps) + " | observe and record |")
    out.append("|---|" + "---|" * (len(steps) + 1))
    for r in [r for r in results if r["group"] == "size" and r["threads"] == 2]:
        out.append(f"| {r['n']}x{r['n']} | " + " | ".join(f"{r['step_ms_per_tick'].get(s, 0):.2f}" for s in steps) +
                   f" | {r['phase_ms_per_tick'].get('record', 0):.2f} |")
    out.append("\n### Vision radius (Euclidean windows), 2 threads\n")
    out.append("| vision | cells seen | agent-steps/s | ns per agent-step (2 threads) |")
    out.append("|---|---|---|---|")
    cells_seen = {1.7: 8, 7: 148, 15: 708}
    for r in [r for r in results if r["group"] == "vision"]:
        out.append(f"| {r['vision']} | {cells_seen.get(r['vision'], '')} | {r['agent_steps_per_second'] / 1e6:.1f} M | "
                   f"{1e9 / r['agent_steps_per_second']:.1f} |")
    out.append("\n### Recording (series every tick, snapshots every 50 ticks, real HDF5 file), 2 threads, 100 ticks\n")
    out.append("| grid | ms per tick | of which observe and record | share |")
    out.append("|---|---|---|---|")
    for r in [r for r in results if r["group"] == "recording"]:
        out.append(f"| {r['n']}x{r['n']} | {r['seconds_per_tick'] * 1000:.1f} | {r['phase_ms_per_tick'].get('record', 0):.1f} | "
                   f"{100 * r['record_share']:.1f}% |")
    out.append("\n### Iraq baseline, 2019-10-01 to 2021-11-30 (791 days), 2 threads, whole run with its file\n")
    out.append("| case | field agents | lattice cells | wall time | per day | peak memory |")
    out.append("|---|---|---|---|---|---|")
    for r in [r for r in results if r["group"] == "iraq"]:
        out.append(f"| {r['label']} | {r['field_agents']:,} | {r['cells']:,} | {r['total_seconds'] / 60:.1f} min | "
                   f"{r['seconds_per_tick'] * 1000:.0f} ms | {r['peak_rss_bytes'] / 2**30:.2f} GiB |")
    out.append("\nCommands:\n")
    for r in results:
        out.append(f"- {r['label']}: `{r['command']}`")
    text = "\n".join(out) + "\n"
    print(text)
    if args.markdown:
        open(args.markdown, "w").write(text)
    if args.json:
        with open(args.json, "w") as f:
            for r in results:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
