#!/usr/bin/python3
"""The figure scripts on real run files and a real sweep, as a user runs them: each writes a
non-empty image of the size its layout implies, in the format its extension names; the HTML report
holds every section and decodable figures; bad input gives one line and exit status 2, and leaves
no file behind.

usage: check_figure_scripts.py PART CONFSIM SOURCE_DIR WORK_DIR
PART: runs | sweep | report | bad_input
"""
import base64
import os
import re
import shutil
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from optional_modules import require  # noqa: E402

require("h5py", "numpy", "matplotlib")

part, confsim, source, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
scripts = os.path.join(source, "scripts")
problems = []


def confsim_run(scenario, name, *extra):
    path = os.path.join(work, name)
    subprocess.run([confsim, "run", os.path.join(source, scenario), "-o", path, "-q", "--threads", "2", *extra],
                   check=True)
    return path


def script(name, *args, expect=0):
    r = subprocess.run(["/usr/bin/python3", os.path.join(scripts, name), *args], capture_output=True, text=True)
    if r.returncode != expect:
        problems.append(f"{name} {' '.join(args)}: exit {r.returncode}, expected {expect}: {r.stderr.strip()[-600:]}")
    return r


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    return struct.unpack(">II", head[16:24])


def check_png(path, min_width, min_height, min_bytes=15_000):
    if not os.path.exists(path):
        problems.append(f"{path}: not written")
        return (0, 0)
    try:
        width, height = png_size(path)
    except ValueError as e:
        problems.append(f"{path}: {e}")
        return (0, 0)
    size = os.path.getsize(path)
    if width < min_width or height < min_height or size < min_bytes:
        problems.append(f"{path}: {width}x{height} px, {size} bytes; expected at least {min_width}x{min_height} px "
                        f"and {min_bytes} bytes")
    return width, height


def check_format(path, magic):
    if not os.path.exists(path):
        problems.append(f"{path}: not written")
        return
    with open(path, "rb") as f:
        head = f.read(400)
    if magic not in head:
        problems.append(f"{path}: does not start as its extension says ({magic!r} not in its first bytes)")


if part == "runs":
    epstein = confsim_run("scenarios/epstein/run2.yaml", "run2.h5", "--seed", "3", "--ticks", "200")
    iraq = confsim_run("scenarios/iraq/baseline.yaml", "iraq.h5", "--ticks", "100")
    out = lambda name: os.path.join(work, name)  # noqa: E731
    script("plot_run.py", epstein, "-o", out("run2_run.png"))
    _, epstein_height = check_png(out("run2_run.png"), 1000, 600)
    script("plot_run.py", iraq, "-o", out("iraq_run.png"))
    _, iraq_height = check_png(out("iraq_run.png"), 1000, 1500)
    if iraq_height < 2 * epstein_height:  # six national panels and ten governorates against three panels
        problems.append(f"the Iraq figure ({iraq_height} px high) lacks its panels per governorate")
    script("plot_run.py", iraq, "--ticks", "-o", out("iraq_run.svg"))
    check_format(out("iraq_run.svg"), b"<svg")
    script("plot_run.py", epstein, "-o", out("run2_run.pdf"))
    check_format(out("run2_run.pdf"), b"%PDF")

    script("plot_events.py", epstein, "-o", out("run2_events.png"))
    check_png(out("run2_events.png"), 1000, 300)
    script("plot_events.py", iraq, "-o", out("iraq_events.png"))
    _, all_rows = check_png(out("iraq_events.png"), 1000, 800)
    script("plot_events.py", iraq, "--kind", "rocket_attack", "--kind", "ied_attack", "-o", out("iraq_attacks.png"))
    _, some_rows = check_png(out("iraq_attacks.png"), 1000, 300)
    if some_rows >= all_rows:
        problems.append("plot_events.py --kind did not leave out the other kinds")

    r = script("plot_lattice.py", epstein, "--tick", "100", "-o", out("run2_lattice.png"))
    check_png(out("run2_lattice.png"), 800, 800)
    r = script("plot_lattice.py", epstein, "--tick", "70", "-o", out("run2_lattice_70.png"))
    if "nearest to 70" not in r.stdout:
        problems.append(f"plot_lattice.py --tick 70 did not say it showed the nearest snapshot: {r.stdout!r}")
    script("plot_lattice.py", iraq, "-o", out("iraq_lattices.png"))
    check_png(out("iraq_lattices.png"), 1000, 800)
    script("plot_lattice.py", iraq, "--region", "basra", "-o", out("basra.png"))
    check_png(out("basra.png"), 800, 800)
    arms = os.path.join(work, "arms")  # as scripts/iraq_counterfactuals.sh lays them out
    for arm, scenario in (("baseline", "baseline"), ("no_soleimani_strike", "counterfactuals/no_soleimani_strike")):
        os.makedirs(os.path.join(arms, arm))
        for seed in ("1", "2"):
            confsim_run(f"scenarios/iraq/{scenario}.yaml", os.path.join("arms", arm, f"seed{seed}.h5"), "--ticks", "100",
                        "--seed", seed)
    script("plot_iraq_comparison.py", arms, "-o", out("arms.png"))
    check_png(out("arms.png"), 900, 800)
    script("plot_iraq_comparison.py", arms, "--baseline", "-o", out("arms_baseline.png"))
    check_png(out("arms_baseline.png"), 900, 800)
    # A second conflict on the same model, of another shape (no foreign force, nine regions): every
    # script takes it as it is.
    sudan = confsim_run("scenarios/sudan/baseline.yaml", "sudan.h5", "--ticks", "200")
    script("plot_run.py", sudan, "-o", out("sudan_run.png"))
    _, sudan_height = check_png(out("sudan_run.png"), 1000, 1500)
    if sudan_height >= iraq_height:  # no foreign-force panel, one region fewer
        problems.append(f"the Sudan figure ({sudan_height} px) is not shorter than Iraq's ({iraq_height} px)")
    script("plot_events.py", sudan, "-o", out("sudan_events.png"))
    check_png(out("sudan_events.png"), 1000, 300)
    script("plot_lattice.py", sudan, "--region", "khartoum", "-o", out("khartoum.png"))
    check_png(out("khartoum.png"), 800, 800)
    r = script("plot_lattice.py", epstein, "--animate", "-o", out("run2.gif"))
    from PIL import Image

    with Image.open(out("run2.gif")) as gif:
        if gif.format != "GIF" or gif.n_frames != 5:  # snapshots at ticks 0, 50, 100, 150, 200
            problems.append(f"run2.gif: {gif.format} with {gif.n_frames} frames, expected a GIF with 5")

elif part == "sweep":
    sweep = os.path.join(work, "sweep")
    subprocess.run([confsim, "sweep", os.path.join(source, "scenarios/sweeps/epstein_legitimacy.yaml"), "-o", sweep,
                    "--jobs", "2"], check=True, capture_output=True)
    manifest = os.path.join(sweep, "manifest.h5")
    one = os.path.join(work, "legitimacy.png")
    script("plot_sweep.py", manifest, "--x", "government.legitimacy", "--metric", "peak_active", "-o", one)
    check_png(one, 800, 500)
    by = os.path.join(work, "legitimacy_by_cops.svg")
    script("plot_sweep.py", sweep, "--x", "government.legitimacy", "--by", "cops.density", "--metric", "mean_active",
           "--band", "range", "-o", by)
    check_format(by, b"<svg")
    heat = os.path.join(work, "heat.png")
    script("plot_sweep.py", manifest, "--x", "government.legitimacy", "--y", "cops.density", "--metric", "arrests",
           "-o", heat)
    check_png(heat, 800, 500)
    where = os.path.join(work, "where.png")
    script("plot_sweep.py", manifest, "--x", "government.legitimacy", "--where", "cops.density=0.05", "--metric",
           "final_jailed", "-o", where)
    check_png(where, 800, 500)
    for args in (["--x", "nothing", "--metric", "peak_active"], ["--x", "government.legitimacy", "--metric", "nothing"],
                 ["--x", "government.legitimacy", "--where", "cops.density=0.9", "--metric", "peak_active"]):
        bad = os.path.join(work, "bad.png")
        r = script("plot_sweep.py", manifest, *args, "-o", bad, expect=2)
        if len(r.stderr.strip().splitlines()) != 1 or os.path.exists(bad):
            problems.append(f"plot_sweep.py {' '.join(args)}: expected one line and no file, got {r.stderr!r}")

elif part == "report":
    epstein = confsim_run("scenarios/epstein/run2.yaml", "run2.h5", "--seed", "3", "--ticks", "200",
                          "--set", "government.legitimacy=0.8")
    iraq = confsim_run("scenarios/iraq/baseline.yaml", "iraq.h5", "--ticks", "100")
    sudan = confsim_run("scenarios/sudan/baseline.yaml", "sudan.h5", "--ticks", "200")
    sweep = os.path.join(work, "sweep")
    subprocess.run([confsim, "sweep", os.path.join(source, "scenarios/sweeps/epstein_legitimacy.yaml"), "-o", sweep,
                    "--jobs", "2"], check=True, capture_output=True)

    def figures_in(page, name):
        images = re.findall(r'<img alt="[^"]*" src="data:image/png;base64,([^"]+)"', page)
        for data in images:
            if base64.b64decode(data)[:8] != b"\x89PNG\r\n\x1a\n":
                problems.append(f"{name}: an embedded figure is not a PNG")
        return len(images)

    for run, name, expected in ((epstein, "run2.html", ("Epstein 2002, PNAS 99 suppl. 3, Table 2", "40 x 40 torus",
                                                          "0.8 (--set; the file&#x27;s value 0.82)")),
                                (iraq, "iraq.html", ("004_a44b7e60fcd0cb4a.txt", "Soleimani and al-Muhandis",
                                                     "CSO 2019 estimate", "calibrated</td>")),
                                (sudan, "sudan.html", ("Conflict and Health", "the Council orders the sit-in",
                                                       "were calibrated to a target"))):
        page_path = os.path.join(work, name)
        script("report.py", run, "-o", page_path)
        page = open(page_path, encoding="utf-8").read() if os.path.exists(page_path) else ""
        for section in ("run", "trajectory", "events", "lattice", "schedule", "provenance", "scenario"):
            if f'<section id="{section}">' not in page:
                problems.append(f"{name}: no section '{section}'")
        if figures_in(page, name) != 3:
            problems.append(f"{name}: {figures_in(page, name)} embedded figures, expected 3 (series, events, lattice)")
        for text in expected:
            if text not in page:
                problems.append(f"{name}: '{text}' is not in the page")
    page_path = os.path.join(work, "sweep.html")
    script("report.py", sweep, "-o", page_path)
    page = open(page_path, encoding="utf-8").read() if os.path.exists(page_path) else ""
    for section in ("sweep", "figures", "runs", "example", "sweep-file"):
        if f'<section id="{section}">' not in page:
            problems.append(f"sweep.html: no section '{section}'")
    # Four summaries against each of two parameters, a heat map of each, and the first run's series.
    if figures_in(page, "sweep.html") != 4 * 2 + 4 + 1:
        problems.append(f"sweep.html: {figures_in(page, 'sweep.html')} embedded figures, expected 13")
    if page.count("<td>finished</td>") != 12:
        problems.append("sweep.html: the table of runs does not list the 12 finished runs")

elif part == "bad_input":
    good = confsim_run("scenarios/epstein/run2.yaml", "run2.h5", "--ticks", "60")
    truncated = os.path.join(work, "truncated.h5")
    with open(good, "rb") as f:
        data = f.read()
    with open(truncated, "wb") as f:
        f.write(data[: len(data) // 2])
    cut_early = os.path.join(work, "cut_early.h5")
    with open(cut_early, "wb") as f:
        f.write(data[:4096])
    foreign = os.path.join(work, "foreign.h5")
    import h5py

    with h5py.File(foreign, "w") as f:
        f["temperature"] = [1.0, 2.0]
    edited = os.path.join(work, "edited.h5")
    shutil.copy(good, edited)
    with h5py.File(edited, "a") as f:
        del f["time"]
    not_hdf5 = os.path.join(work, "notes.h5")
    with open(not_hdf5, "w") as f:
        f.write("not an HDF5 file\n")
    cases = [(name, bad) for bad in (truncated, cut_early, foreign, edited, not_hdf5, os.path.join(work, "missing.h5"),
                                     work)
             for name in ("plot_run.py", "plot_events.py", "plot_lattice.py", "report.py")]
    cases += [("plot_sweep.py", bad) for bad in (good, foreign, truncated, not_hdf5)]
    for name, bad in cases:
        out = os.path.join(work, "out.html" if name == "report.py" else "out.png")
        extra = ["--x", "a", "--metric", "b"] if name == "plot_sweep.py" else []
        r = script(name, bad, *extra, "-o", out, expect=2)
        lines = r.stderr.strip().splitlines()
        if len(lines) != 1 or "Traceback" in r.stderr or not lines[0].startswith(name):
            problems.append(f"{name} {os.path.basename(bad)}: expected one line naming the script, got {r.stderr!r}")
        leftovers = [f for f in os.listdir(work) if f.startswith(("out.", ".out."))]
        if leftovers:
            problems.append(f"{name} {os.path.basename(bad)}: left {leftovers} behind")
    for args in (["plot_run.py", good, "-o", os.path.join(work, "figure.jpg")],
                 ["plot_lattice.py", good, "--animate", "-o", os.path.join(work, "movie.png")],
                 ["plot_lattice.py", good, "--region", "basra", "-o", os.path.join(work, "lattice.png")],
                 ["plot_events.py", good, "--kind", "rocket_attack", "-o", os.path.join(work, "events.png")],
                 ["plot_run.py", good, "-o", os.path.join(work, "no", "such", "folder.png")]):
        r = script(*args, expect=2)
        if len(r.stderr.strip().splitlines()) != 1 or os.path.exists(args[-1]):
            problems.append(f"{' '.join(args[:2])} -o {args[-1]}: expected one line and no file, got {r.stderr!r}")
    no_snapshots = confsim_run("scenarios/epstein/run2.yaml", "plain.h5", "--ticks", "10", "--set",
                               "output.snapshot_every=0")
    r = script("plot_lattice.py", no_snapshots, "-o", os.path.join(work, "plain.png"), expect=2)
    if "snapshot_every" not in r.stderr:
        problems.append(f"plot_lattice.py on a run without snapshots: {r.stderr!r} does not say how to get them")
else:
    sys.exit(f"unknown part {part}")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{part}: every figure script did what it says")
