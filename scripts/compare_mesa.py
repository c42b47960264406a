#!/usr/bin/python3
"""Runs Mesa's epstein_civil_violence example and confsim's `mesa` preset on the same settings and
prints what docs/validation.md reports: mean active, jailed and quiescent citizens after the first
tick, and outbursts (actives above 5% of citizens) per 1000 ticks, as mean ± s.d. over seeds.

Mesa is not a dependency of confsim: point --mesa at a directory holding Mesa's source (the
`mesa` package folder's parent, e.g. a checkout of Mesa 3.3.1; it needs numpy, pandas, scipy,
tqdm and networkx). Without --mesa only confsim's side is measured.

    /usr/bin/python3 scripts/compare_mesa.py --mesa ~/src/mesa-3.3.1 --seeds 20 --ticks 1000
    /usr/bin/python3 scripts/compare_mesa.py --mesa ~/src/mesa-3.3.1 --model legitimacy=0.82 \
        --model max_jail_term=30 --model cop_density=0.04      # the settings of Epstein's Run 2

--model changes an argument of Mesa's EpsteinCivilViolence and the matching confsim parameter.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np


def outbursts(active, citizens):
    """Outbursts begin when actives rise above 5% of citizens and end when they fall below it."""
    threshold = 0.05 * citizens
    count, inside = 0, False
    for a in active:
        if a > threshold and not inside:
            count, inside = count + 1, True
        elif a < threshold:
            inside = False
    return count


def summarise(rows):
    """rows: one dict per seed of series; returns mean ± s.d. per measure."""
    out = {}
    for key in ("active", "jailed", "quiescent", "outbursts_per_1000"):
        values = np.array([r[key] for r in rows], dtype=float)
        out[key] = (values.mean(), values.std(ddof=1) if len(values) > 1 else 0.0)
    return out


def measure(active, jailed, quiescent, ticks):
    citizens = active[0] + jailed[0] + quiescent[0]
    a, j, q = (np.asarray(s[1:], dtype=float) for s in (active, jailed, quiescent))
    return {"active": a.mean(), "jailed": j.mean(), "quiescent": q.mean(),
            "outbursts_per_1000": outbursts(a, citizens) * 1000.0 / ticks}


# Mesa's model arguments and the confsim parameters they set.
MODEL_ARGUMENTS = {"legitimacy": "government.legitimacy", "max_jail_term": "jail.max_term",
                   "cop_density": "cops.density", "citizen_density": "citizens.density",
                   "citizen_vision": "citizens.vision", "cop_vision": "cops.vision"}


def run_mesa(mesa_dir, seed, ticks, arguments):
    sys.path.insert(0, mesa_dir)
    from mesa.examples.advanced.epstein_civil_violence.model import EpsteinCivilViolence
    model = EpsteinCivilViolence(seed=seed, **arguments)
    series = {"active": [model.ACTIVE], "jailed": [model.ARRESTED], "quiescent": [model.QUIET]}
    for _ in range(ticks):
        model.step()
        series["active"].append(model.ACTIVE)
        series["jailed"].append(model.ARRESTED)
        series["quiescent"].append(model.QUIET)
    return measure(series["active"], series["jailed"], series["quiescent"], ticks)


def run_confsim(exe, scenario, seed, ticks, extra):
    import h5py
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "run.h5")
        subprocess.run([exe, "run", scenario, "-o", path, "--seed", str(seed), "--ticks", str(ticks),
                        "--set", "output.snapshot_every=0"] + extra, check=True, stdout=subprocess.DEVNULL)
        with h5py.File(path, "r") as f:
            return measure(f["active"][...], f["jailed"][...], f["quiescent"][...], ticks)


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mesa", help="directory holding Mesa's source (the parent of its `mesa` package)")
    parser.add_argument("--confsim", default=os.path.join(here, "build/release/app/confsim"))
    parser.add_argument("--scenario", default=os.path.join(here, "scenarios/epstein/mesa_default.yaml"))
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--ticks", type=int, default=1000)
    parser.add_argument("--cache", help="a JSON file keeping Mesa's results per seed (Mesa takes ~35 s a run)")
    parser.add_argument("--model", action="append", default=[], metavar="NAME=VALUE",
                        help=f"a Mesa model argument, set in confsim too (repeatable): {', '.join(MODEL_ARGUMENTS)}")
    args = parser.parse_args()
    arguments = {}
    for item in args.model:
        name, _, value = item.partition("=")
        if name not in MODEL_ARGUMENTS:
            parser.error(f"--model {item}: expected one of {', '.join(MODEL_ARGUMENTS)}")
        arguments[name] = int(value) if name == "max_jail_term" else float(value)

    rows = {}
    if args.mesa:
        cached = json.load(open(args.cache)) if args.cache and os.path.exists(args.cache) else {}
        mesa_rows = []
        for seed in range(1, args.seeds + 1):
            key = f"{seed}/{args.ticks}/{sorted(arguments.items())}" if arguments else f"{seed}/{args.ticks}"
            if key not in cached:
                cached[key] = run_mesa(args.mesa, seed, args.ticks, arguments)
                if args.cache:
                    json.dump(cached, open(args.cache, "w"), indent=1)
            mesa_rows.append(cached[key])
        rows["Mesa's example"] = mesa_rows
    extra = [a for name, value in arguments.items() for a in ("--set", f"{MODEL_ARGUMENTS[name]}={value}")]
    for label, scheme in (("confsim `mesa` preset, random_sequential", "random_sequential"),
                          ("confsim `mesa` preset, synchronous", "synchronous")):
        rows[label] = [run_confsim(args.confsim, args.scenario, seed, args.ticks,
                                   ["--set", f"rules.activation={scheme}"] + extra)
                       for seed in range(1, args.seeds + 1)]
    settings = ", ".join(f"{k}={v}" for k, v in arguments.items()) or "the model's defaults"
    print(f"{settings}; {args.seeds} seeds × {args.ticks} ticks; mean ± s.d. over seeds of each run's mean after tick 0\n")
    print("| run | active | jailed | quiescent | outbursts (> 5% of citizens) per 1000 ticks |")
    print("|---|---|---|---|---|")
    for label, per_seed in rows.items():
        s = summarise(per_seed)
        cells = " | ".join(f"{s[k][0]:.1f} ± {s[k][1]:.1f}" for k in ("active", "jailed", "quiescent"))
        print(f"| {label} | {cells} | {s['outbursts_per_1000'][0]:.2f} ± {s['outbursts_per_1000'][1]:.2f} |")


if __name__ == "__main__":
    main()
