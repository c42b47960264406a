#!/usr/bin/python3
"""Runs a scenario at parameter values drawn from a calibration's posterior, so that what the runs
show carries the parameters' uncertainty as well as the seed's.

  posterior_runs.py CAL_DIR SCENARIO.yaml -o OUT [--draws 20] [--seed 1] [--jobs 2] [--confsim PATH]

CAL_DIR is a folder made by `confsim calibrate`. Draw m picks a particle of the last generation by
weight (numpy's generator seeded with --seed) and runs SCENARIO with that particle's values
(`--set`) and seed --seed + m, into OUT/draw_MMM.h5; OUT/draws.tsv lists each draw's particle,
seed and values. The same --seed and --draws give every scenario the same draws and seeds, so a
baseline and its counterfactuals differ only by what their files change (common random numbers).
Runs already in OUT are kept. Score them with `confsim check OUT/draw_*.h5 --targets ...`.
"""
import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import confsim_files as files  # noqa: E402
import confsim_studies as studies  # noqa: E402
import numpy as np  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("calibration", metavar="CAL_DIR")
    ap.add_argument("scenario", metavar="SCENARIO.yaml")
    ap.add_argument("-o", "--output", required=True, metavar="OUT")
    ap.add_argument("--draws", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--confsim", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "build",
                                                      "release", "app", "confsim"))
    args = ap.parse_args()
    if args.draws < 1 or args.jobs < 1:
        raise files.InputProblem("--draws and --jobs must be at least 1")
    if not os.path.isfile(args.scenario):
        raise files.InputProblem(f"{args.scenario}: no such scenario file")
    post = studies.Posterior(args.calibration)
    values, weights = post.final()
    chosen = np.random.default_rng(args.seed).choice(len(weights), size=args.draws, p=weights)
    os.makedirs(args.output, exist_ok=True)
    rows = ["draw\tparticle\tseed\t" + "\t".join(post.parameters)]
    jobs = []
    for m, particle in enumerate(chosen):
        seed = args.seed + m
        settings = [f"{p}={values[particle, j]!r}" for j, p in enumerate(post.parameters)]
        rows.append(f"{m}\t{particle}\t{seed}\t" + "\t".join(f"{values[particle, j]!r}" for j in range(len(post.parameters))))
        out = os.path.join(args.output, f"draw_{m:03d}.h5")
        if not os.path.exists(out):
            cmd = [args.confsim, "run", args.scenario, "-o", out, "--seed", str(seed), "--threads", "1", "-q"]
            for s in settings:
                cmd += ["--set", s]
            jobs.append(cmd)

    def run(cmd):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise files.InputProblem(f"{' '.join(cmd[:4])} …: {r.stderr.strip()}")

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(run, jobs))
    files.write_atomically(os.path.join(args.output, "draws.tsv"),
                           lambda temp: open(temp, "w", encoding="utf-8").write("\n".join(rows) + "\n"))
    print(f"{args.output}: {args.draws} runs from the posterior of {post.path} ({len(jobs)} made now)")


if __name__ == "__main__":
    files.main_guard("posterior_runs.py", main)
