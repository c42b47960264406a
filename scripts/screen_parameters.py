#!/usr/bin/python3
"""The `parameters:` block of a Morris screen: every real-valued parameter of a scenario that states
an assumption or was calibrated, each over an interval around its value.

  screen_parameters.py SCENARIO.yaml [--spread 0.5] [--confsim build/release/app/confsim] > block.yaml

Reads `confsim explain SCENARIO --format json`. A parameter of value v varies over
[v(1 - spread), v(1 + spread)], cut to its declared range; one whose value is 0 over
[0, spread / 2] when its declared range lies within [0, 1] (a share or a switch), and is otherwise
left out (a zero amount of money or people has no scale to vary it by), as are parameters of the
`scale` section (the numerical resolution, not the model), those citing a document, and those for
which an end of the interval alone makes an invalid scenario (`confsim validate` is asked). Each line's
comment says why the parameter is there. Paste the block under a sweep file's header with
design: morris (docs/calibration.md).
"""
import argparse
import json
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario")
    ap.add_argument("--spread", type=float, default=0.5, help="relative half-width of each interval (default 0.5)")
    ap.add_argument("--confsim", default="build/release/app/confsim", help="the confsim binary")
    args = ap.parse_args()
    if not 0 < args.spread < 1:
        sys.exit("screen_parameters.py: --spread must be in (0, 1)")
    r = subprocess.run([args.confsim, "explain", args.scenario, "--format", "json"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"screen_parameters.py: {r.stderr.strip()}")
    lines, left_out, refused = [], [], []
    for p in json.loads(r.stdout)["parameters"]:
        kind = p["provenance"]["kind"]
        if p["type"] != "real" or kind not in ("assumption", "calibrated") or p["path"].startswith("scale."):
            continue
        v, lo, hi = float(p["value"]), float(p["min"]), float(p["max"])
        if v == 0:
            if lo >= 0 and hi <= 1:
                a, b = 0.0, args.spread / 2
            else:
                left_out.append(p["path"])
                continue
        else:
            a, b = sorted((v * (1 - args.spread), v * (1 + args.spread)))
            a, b = max(a, lo), min(b, hi)
        if not a < b:
            left_out.append(p["path"])
            continue
        # Each end must make a valid scenario on its own (a switch that needs another actor, a
        # share that must stay below another): otherwise most points of the design would fail.
        ends_ok = all(subprocess.run([args.confsim, "validate", args.scenario, "--set", f"{p['path']}={x:.6g}"],
                                     capture_output=True).returncode == 0 for x in (a, b))
        if not ends_ok:
            refused.append(p["path"])
            continue
        lines.append(f"  {p['path']}: {{uniform: {{from: {a:.6g}, to: {b:.6g}}}}}  # {kind}, value {v:g}")
    print(f"# {len(lines)} parameters from `screen_parameters.py {args.scenario} --spread {args.spread:g}`")
    if left_out:
        print(f"# left out (value 0 with no unit scale): {', '.join(left_out)}")
    if refused:
        print(f"# left out (an end of the interval makes an invalid scenario): {', '.join(refused)}")
    print("parameters:")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
