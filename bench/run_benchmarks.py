#!/usr/bin/python3
"""Runs confsim's benchmark matrix and prints the tables of docs/performance.md.

Each case runs in its own process (build/release/bench/confsim_bench), so every memory figure is
that case's own. Timed cases run --repeat times, interleaved with the cases they are compared
with, and report the median and the best: a virtual machine's speed drifts from minute to minute.
Standard library only.

  bench/run_benchmarks.py                 # everything (about 30 minutes on 2 cores)
  bench/run_benchmarks.py --quick         # without the 4000x4000 grids and full-scale Iraq (3 minutes)
  bench/run_benchmarks.py --json raw.jsonl --markdown tables.md
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "build", "release", "bench", "confsim_bench")
LIMITS = os.path.join(ROOT, "build", "release", "bench", "confsim_machine_limits")
CONFSIM = os.path.join(ROOT, "build", "release", "app", "confsim")
MESA = "scenarios/epstein/mesa_default.yaml"
IRAQ = "scenarios/iraq/baseline.yaml"
IRAQ_40M = "bench/iraq_40_million.yaml"
SMALL_SWEEP = "bench/small_runs_sweep.yaml"
SYNCHRONOUS = ["rules.activation=synchronous"]
RANDOM_SEQUENTIAL = ["rules.activation=random_sequential"]


def build():
    for cmd in (["cmake", "--preset", "release"],
                ["cmake", "--build", "--preset", "release", "--target", "confsim_bench", "confsim_machine_limits",
                 "confsim"]):
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{r.stdout[-2000:]}{r.stderr[-2000:]}")


def bench_once(scenario, sets, threads, ticks, warmup, output):
    cmd = [BENCH, scenario, "--threads", str(threads), "--ticks", str(ticks), "--warmup", str(warmup)]
    for s in sets:
        cmd += ["--set", s]
    if output:
        cmd += ["--output", output]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.strip()}")
    result = json.loads(r.stdout)
    if output and os.path.exists(output):
        result["file_bytes"] = os.path.getsize(output)
        os.remove(output)
    return cmd, result


class Case:
    """One benchmark case; runs accumulate, and the figures are their median (and best)."""

    def __init__(self, label, scenario, sets=(), threads=2, ticks=20, warmup=2, output=None, **tags):
        self.label, self.scenario, self.sets, self.threads = label, scenario, list(sets), threads
        self.ticks, self.warmup, self.output, self.tags, self.runs = ticks, warmup, output, tags, []

    def run(self):
        print(f"  {self.label}", file=sys.stderr, flush=True)
        self.cmd, r = bench_once(self.scenario, self.sets, self.threads, self.ticks, self.warmup, self.output)
        self.runs.append(r)

    def median(self, key):
        return statistics.median(r[key] for r in self.runs)

    def fastest(self, key):
        """The best run's figure: the highest rate, where key is a rate."""
        return max(r[key] for r in self.runs)

    def step_ms(self):
        steps = {}
        for r in self.runs:
            for k, v in list(r["step_ms_per_tick"].items()) + [("observe and record", r["phase_ms_per_tick"].get("record", 0))]:
                steps.setdefault(k, []).append(v)
        return {k: statistics.median(v) for k, v in steps.items()}

    def command(self):
        return "build/release/bench/confsim_bench " + " ".join(
            a if not a.startswith(tempfile.gettempdir()) else "OUT.h5" for a in self.cmd[1:])


def run_interleaved(cases, repeat):
    for _ in range(repeat):
        for c in cases:
            c.run()


def confsim_rate(n, threads, repeat, activation, ticks=(5, 25), snapshots=True):
    """agent-steps/s of `confsim run` itself at n x n, from the difference of a short and a long run
    (start-up, placement and the file's finishing cancel), as a user would time it."""
    agents = n * n * (0.7 + 0.074)
    rates = []
    with tempfile.TemporaryDirectory(prefix="confsim-bench-") as tmp:
        def timed(length):
            out = os.path.join(tmp, f"r{length}.h5")
            t0 = time.perf_counter()
            subprocess.run([CONFSIM, "run", MESA, "-o", out, "--seed", "1", "--ticks", str(length), "--threads",
                            str(threads), "--set", f"grid.width={n}", "--set", f"grid.height={n}",
                            "--set", f"rules.activation={activation}"]
                           + ([] if snapshots else ["--set", "output.snapshot_every=0"]),
                           cwd=ROOT, check=True, capture_output=True)
            return time.perf_counter() - t0
        for _ in range(repeat):
            short, long_ = timed(ticks[0]), timed(ticks[1])
            rates.append(agents * (ticks[1] - ticks[0]) / max(1e-9, long_ - short))
    return statistics.median(rates), max(rates)


def small_runs_command(activation):
    return (f"build/release/app/confsim run {MESA} -o OUT.h5 --seed 1 --ticks 22000 --threads 1 "
            f"--set output.snapshot_every=0 --set rules.activation={activation}")


def sweep_seconds(repeat):
    """Wall time of the 1,000-run sweep of bench/small_runs_sweep.yaml on 2 worker threads."""
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="confsim-bench-") as tmp:
            t0 = time.perf_counter()
            subprocess.run([CONFSIM, "sweep", SMALL_SWEEP, "-o", os.path.join(tmp, "sweep"), "--jobs", "2"],
                           cwd=ROOT, check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


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


def grid(n):
    return [f"grid.width={n}", f"grid.height={n}"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="skip the 4000x4000 grids and full-scale Iraq")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each timed case (default 3)")
    ap.add_argument("--no-build", action="store_true", help="use the binaries as they are")
    ap.add_argument("--json", help="also write every raw result here, one JSON object per line")
    ap.add_argument("--markdown", help="also write the tables here")
    args = ap.parse_args()
    if not args.no_build:
        build()
    for exe in (BENCH, LIMITS, CONFSIM):
        if not os.access(exe, os.X_OK):
            sys.exit(f"{exe} is missing: build with cmake --preset release && cmake --build --preset release")
    started = time.time()
    limits = json.loads(subprocess.run([LIMITS], capture_output=True, text=True, check=True).stdout)
    tmp = tempfile.mkdtemp(prefix="confsim-bench-")
    no_snapshots = ["output.snapshot_every=0"]

    big = 1000 if args.quick else 4000
    sizes = [(40, 2000, 20), (200, 300, 5), (1000, 40, 2)] + ([] if args.quick else [(4000, 20, 2)])
    size_cases = {(n, t): Case(f"epstein {n}x{n}, {t} thread(s)", MESA, grid(n) + no_snapshots + SYNCHRONOUS, t, ticks,
                               warmup, n=n)
                  for n, ticks, warmup in sizes for t in (1, 2)}
    print("Epstein, by lattice size and threads", file=sys.stderr)
    run_interleaved(list(size_cases.values()), args.repeat)
    sequential_cases = [Case(f"epstein {n}x{n}, random-sequential", MESA, grid(n) + no_snapshots + RANDOM_SEQUENTIAL,
                             1, ticks, warmup, n=n) for n, ticks, warmup in sizes if n <= 1000]
    print("Epstein, random-sequential activation", file=sys.stderr)
    run_interleaved(sequential_cases, args.repeat)

    print("Small runs", file=sys.stderr)
    small = {a: confsim_rate(40, 1, args.repeat, a, ticks=(2000, 22000), snapshots=False)
             for a in ("synchronous", "random_sequential")}
    sweep = sweep_seconds(args.repeat)

    euclidean = ["citizens.vision_shape=euclidean", "cops.vision_shape=euclidean"]
    vision_cases = [Case(f"epstein {big}x{big} euclidean vision {v}", MESA,
                         grid(big) + no_snapshots + SYNCHRONOUS + euclidean + [f"citizens.vision={v}", f"cops.vision={v}"], 2,
                         40 if args.quick else 12, 2, vision=v) for v in (1.7, 7, 15)]
    print("Epstein, by vision radius", file=sys.stderr)
    run_interleaved(vision_cases, args.repeat)

    recording = []
    for n in [1000] + ([] if args.quick else [4000]):
        recording.append((Case(f"epstein {n}x{n}, no output", MESA, grid(n) + no_snapshots + SYNCHRONOUS, 2, 100, 1, n=n),
                          Case(f"epstein {n}x{n}, series every tick and snapshots every 50 ticks to HDF5", MESA,
                               grid(n) + ["output.snapshot_every=50"] + SYNCHRONOUS, 2, 100, 1,
                               output=os.path.join(tmp, f"rec{n}.h5"), n=n)))
    print("Epstein, recording", file=sys.stderr)
    run_interleaved([c for pair in recording for c in pair], args.repeat)

    print("confsim run, end to end", file=sys.stderr)
    end_to_end = {n: confsim_rate(n, 2, args.repeat, "synchronous") for n in [1000] + ([] if args.quick else [4000])}

    iraq = [Case("Iraq baseline, default scale (1,000 people per agent)", IRAQ, [], 2, 0, 0,
                 output=os.path.join(tmp, "iraq.h5"))]
    if not args.quick:
        iraq += [Case("Iraq baseline, full scale (1 person per agent, 26.7 million)", IRAQ,
                      ["scale.people_per_agent=1"], 2, 0, 0, output=os.path.join(tmp, "iraq_full.h5")),
                 Case("Iraq at 40 million people (bench/iraq_40_million.yaml), 1 person per agent", IRAQ_40M,
                      ["scale.people_per_agent=1"], 2, 0, 0, output=os.path.join(tmp, "iraq_40m.h5"))]
    print("Iraq", file=sys.stderr)
    for c in iraq:
        c.run()

    out = [f"Measured {datetime.date.today().isoformat()} on {machine()}, with `bench/run_benchmarks.py"
           f"{' --quick' if args.quick else ''} --repeat {args.repeat}` ({(time.time() - started) / 60:.0f} minutes). "
           "Times are medians over the repeats, interleaved; the best run is in brackets.\n"]
    out.append("### What the machine allows (`build/release/bench/confsim_machine_limits`)\n")
    out.append("| one Philox4x64-10 block, independent | one block, each waiting for the last | "
               "memory read+write, 1 thread | 2 threads |")
    out.append("|---|---|---|---|")
    out.append(f"| {limits['philox4x64_10_throughput_ns']:.1f} ns | {limits['philox4x64_10_latency_ns']:.1f} ns | "
               f"{limits['bandwidth_1_thread_gb_per_s']:.1f} GB/s | {limits['bandwidth_2_threads_gb_per_s']:.1f} GB/s |\n")

    out.append("### Small runs: Mesa's defaults (40x40), one thread, `confsim run` itself\n")
    out.append("Timed as a run of 22,000 ticks less one of 2,000 (start-up and the file's finishing cancel), no snapshots.\n")
    out.append("| activation | agent-steps/s |")
    out.append("|---|---|")
    for a, (median, best) in small.items():
        out.append(f"| {a} | {median / 1e6:.1f} M ({best / 1e6:.1f} M) |")
    out.append(f"\nA sweep of 1,000 runs of Run 2 (500 ticks each; `{SMALL_SWEEP}`), 2 worker threads, "
               f"run files written, summarised and removed: {sweep[0]:.1f} s ({sweep[1]:.1f} s).\n")

    out.append("### Epstein, synchronous activation, Mesa's densities (0.7 citizens, 0.074 cops), von Neumann vision 7, no snapshots\n")
    out.append("| lattice | agents | threads | agent-steps/s | ms per tick | 2 threads vs 1 | state per citizen | peak per agent |")
    out.append("|---|---|---|---|---|---|---|---|")
    for (n, t), c in size_cases.items():
        speedup = ""
        if t == 2:
            speedup = f"{size_cases[(n, 1)].median('seconds_per_tick') / c.median('seconds_per_tick'):.2f}x"
        out.append(f"| {n}x{n} | {c.runs[0]['field_agents']:,} | {t} | {c.median('agent_steps_per_second') / 1e6:.1f} M "
                   f"({c.fastest('agent_steps_per_second') / 1e6:.1f} M) | {c.median('seconds_per_tick') * 1000:.2f} | "
                   f"{speedup} | {c.median('state_bytes_per_citizen'):.1f} B | {c.median('bytes_per_agent'):.1f} B |")
    for n, (median, best) in end_to_end.items():
        out.append(f"\n`confsim run` at {n}x{n}, 2 threads, with its run file, timed as 25 ticks minus 5: "
                   f"{median / 1e6:.1f} M agent-steps/s ({best / 1e6:.1f} M).")

    out.append("\n### Epstein, random-sequential activation (serial: one thread whatever --threads says)\n")
    out.append("| lattice | agents | agent-steps/s | ms per tick |")
    out.append("|---|---|---|---|")
    for c in sequential_cases:
        out.append(f"| {c.tags['n']}x{c.tags['n']} | {c.runs[0]['field_agents']:,} | "
                   f"{c.median('agent_steps_per_second') / 1e6:.1f} M ({c.fastest('agent_steps_per_second') / 1e6:.1f} M) | "
                   f"{c.median('seconds_per_tick') * 1000:.2f} |")

    out.append("\n### Time per tick by step (ms, medians), 2 threads\n")
    two = [c for (n, t), c in size_cases.items() if t == 2]
    steps = sorted({k for c in two for k in c.step_ms()})
    out.append("| lattice | " + " | ".join(steps) + " |")
    out.append("|---|" + "---|" * len(steps))
    for c in two:
        ms = c.step_ms()
        out.append(f"| {c.tags['n']}x{c.tags['n']} | " + " | ".join(f"{ms.get(s, 0):.2f}" for s in steps) + " |")

    out.append(f"\n### Vision radius (Euclidean windows), {big}x{big}, 2 threads\n")
    out.append("| vision | cells seen | agent-steps/s | ns per agent-step (2 threads) | vs the fastest |")
    out.append("|---|---|---|---|---|")
    cells_seen = {1.7: 8, 7: 148, 15: 708}
    fastest = min(c.median("seconds_per_tick") for c in vision_cases)
    for c in vision_cases:
        out.append(f"| {c.tags['vision']} | {cells_seen[c.tags['vision']]} | {c.median('agent_steps_per_second') / 1e6:.1f} M | "
                   f"{1e9 / c.median('agent_steps_per_second'):.1f} | {c.median('seconds_per_tick') / fastest:.2f}x |")

    out.append("\n### Recording: series every tick and snapshots every 50 ticks to a real HDF5 file, 2 threads, 100 ticks\n")
    out.append("| lattice | ms per tick, no output | with the file | cost of recording | file size |")
    out.append("|---|---|---|---|---|")
    for bare, rec in recording:
        a, b = bare.median("seconds_per_tick"), rec.median("seconds_per_tick")
        out.append(f"| {bare.tags['n']}x{bare.tags['n']} | {a * 1000:.1f} | {b * 1000:.1f} | {100 * (b - a) / b:.1f}% | "
                   f"{rec.median('file_bytes') / 1e6:.0f} MB |")

    out.append("\n### Iraq, 2019-10-01 to 2021-11-30 (791 days), 2 threads, whole run with its file\n")
    out.append("| case | field agents | lattice cells | wall time | per day | peak memory |")
    out.append("|---|---|---|---|---|---|")
    for c in iraq:
        r = c.runs[0]
        wall = f"{r['total_seconds'] / 60:.1f} min" if r["total_seconds"] >= 60 else f"{r['total_seconds']:.1f} s"
        out.append(f"| {c.label} | {r['field_agents']:,} | {r['cells']:,} | {wall} | "
                   f"{r['seconds_per_tick'] * 1000:.0f} ms | {r['peak_rss_bytes'] / 2**30:.2f} GiB |")

    out.append("\nCommands:\n")
    for a in small:
        out.append(f"- small runs, {a}: `{small_runs_command(a)}` less the same with `--ticks 2000`")
    out.append(f"- the 1,000-run sweep: `build/release/app/confsim sweep {SMALL_SWEEP} -o OUT --jobs 2`")
    for c in list(size_cases.values()) + sequential_cases + vision_cases + [c for pair in recording for c in pair] + iraq:
        out.append(f"- {c.label}: `{c.command()}`")
    for n in end_to_end:
        out.append(f"- `confsim run` at {n}x{n}: `build/release/app/confsim run {MESA} -o OUT.h5 --seed 1 --ticks 25 "
                   f"--threads 2 --set grid.width={n} --set grid.height={n} --set rules.activation=synchronous` "
                   f"less the same with `--ticks 5`")
    text = "\n".join(out) + "\n"
    print(text)
    if args.markdown:
        open(args.markdown, "w").write(text)
    if args.json:
        with open(args.json, "w") as f:
            for c in list(size_cases.values()) + sequential_cases + vision_cases + [c for pair in recording for c in pair] + iraq:
                for r in c.runs:
                    f.write(json.dumps({"label": c.label, "command": c.command(), **r}) + "\n")


if __name__ == "__main__":
    main()
