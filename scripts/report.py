#!/usr/bin/python3
"""One self-contained HTML page about a run, a sweep, a calibration or a sensitivity analysis, to
open in a browser or send to a colleague.

  report.py RUN.h5 -o REPORT.html
  report.py DIR -o REPORT.html            DIR: a folder made by confsim sweep, calibrate or sensitivity

For a run: how it was made (scenario, model, seed, version, dates, threads, overrides), the
figures of plot_run.py, plot_events.py and plot_lattice.py, the events counted by kind and actor,
the scheduled changes, the provenance of every parameter (the document and quote it cites, or the
assumption it states, or the target it was calibrated to, as the scenario recorded in the file says),
and the scenario text itself.
For a sweep: its design and runs, a figure of each summary against each swept parameter (and a
heat map over two parameters when the sweep has two), the table of runs, and the trajectory of
its first finished run.
For a calibration: the posterior's figure (plot_posterior.py), each parameter's prior, posterior
mean and 90% interval, the generations (tolerance, acceptance, effective sample size), the posterior
predictive check of validation.tsv, and the calibration file. For a sensitivity analysis: the
indices' figure (plot_sensitivity.py) and tables, and the analysis file. Figures are PNG images embedded in the page, which needs nothing beside
it. Exit status 2 for a missing, foreign, truncated or damaged file.
"""
import argparse
import base64
import datetime as dt
import html
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import confsim_files as files  # noqa: E402

files.require("report.py", "matplotlib", "PIL")
import confsim_plots as plots  # noqa: E402
import plot_events  # noqa: E402
import plot_lattice  # noqa: E402
import plot_run  # noqa: E402
import plot_posterior  # noqa: E402
import plot_sensitivity  # noqa: E402
import plot_sweep  # noqa: E402
import confsim_studies as studies  # noqa: E402

STYLE = """
body { font-family: sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; font-size: .9em; margin: .5em 0; }
td, th { border: 1px solid #ddd; padding: .25em .6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; border: 1px solid #eee; margin: .5em 0; }
pre { background: #f7f7f7; padding: 1em; overflow-x: auto; font-size: .8em; }
nav a { margin-right: 1em; } .note { color: #666; font-size: .9em; }
"""


def embedded(fig, alt):
    """A matplotlib figure as an <img> with the PNG inside the page."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight", pad_inches=0.15)
    plots.plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def table(header, rows, numeric=()):
    out = ["<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>"]
    for row in rows:
        cells = []
        for i, v in enumerate(row):
            css = ' class="num"' if i in numeric else ""
            cells.append(f"<td{css}>{html.escape(str(v))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join(out + ["</table>"])


def page(title, sections):
    nav = " ".join(f'<a href="#{key}">{html.escape(name)}</a>' for key, name, _ in sections)
    body = "\n".join(f'<section id="{key}"><h2>{html.escape(name)}</h2>\n{content}\n</section>'
                     for key, name, content in sections)
    made = dt.datetime.now().isoformat(timespec="seconds")
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body>\n<h1>{html.escape(title)}</h1>\n"
            f"<p class=\"note\">Made by scripts/report.py on {made}.</p>\n<nav>{nav}</nav>\n{body}\n</body></html>\n")


def provenance(scenario_text, overrides):
    """[(parameter, value, 'source', 'calibrated' or 'assumption', document, quote or reason)] from the
    scenario recorded in the run file; a --set override is noted against the value it replaced."""
    import yaml

    try:
        document = yaml.safe_load(scenario_text) or {}
    except yaml.YAMLError as e:
        return [("(the scenario text could not be read)", "", "", "", str(e).splitlines()[0])]
    replaced = dict(line.split("=", 1) for line in overrides.splitlines() if "=" in line)
    rows = []
    bases = ("source", "calibrated", "assumption")

    def walk(node, path):
        if isinstance(node, dict):
            if any(b in node for b in bases):
                if path.startswith("events"):
                    value = ", ".join(f"{k}: {node[k]}" for k in ("at", "every", "set", "ramp", "remove_share", "record")
                                      if k in node)
                elif "value" in node:
                    value = node["value"]
                else:  # a section or an entry whose provenance covers its plain values
                    value = ", ".join(f"{k}: {v}" for k, v in node.items() if k not in bases)
                if path in replaced:
                    value = f"{replaced[path]} (--set; the file's value {value})"
                source = node.get("source")
                if isinstance(source, dict):
                    rows.append((path, value, "source", source.get("document", ""), source.get("quote", "")))
                elif "calibrated" in node:
                    rows.append((path, value, "calibrated", "", " ".join(str(node["calibrated"]).split())))
                else:
                    rows.append((path, value, "assumption", "", " ".join(str(node.get("assumption", "")).split())))
                return
            for key, child in node.items():
                walk(child, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list):
            for i, child in enumerate(node):
                name = child.get("name") if isinstance(child, dict) else None
                walk(child, f"{path}: {name}" if name else f"{path}[{i}]")

    walk(document, "")
    return rows


def run_report(path):
    run = files.Run(path)
    a = run.attrs
    seed = f"{a.get('seed', '?')}" + (" (drawn, none was given)" if int(a.get("seed_drawn", 0) or 0) else "")
    about = [("scenario", a.get("scenario_name", "")), ("scenario file", a.get("scenario_file", "")),
             ("model", a.get("model", "") + (f", preset {a['preset']}" if a.get("preset") else "")),
             ("seed", seed), ("confsim version", a.get("confsim_version", "")),
             ("file format", a.get("confsim_file_format", "")),
             ("period", f"{run.start} + {a.get('ticks', '?')} ticks (to {run.dates[-1]})"),
             ("snapshots every", f"{a.get('snapshot_every', 0)} ticks" if int(a.get("snapshot_every", 0)) else "none"),
             ("threads", a.get("threads", "")), ("wall time", f"{float(a.get('wall_seconds', 0)):.2f} s"),
             ("overrides", a.get("overrides", "") or "none"), ("file", os.path.abspath(path))]
    sections = [("run", "Run", table(("", ""), about) + "<p class=\"note\">Re-run it with "
                 f"<code>confsim rerun {html.escape(os.path.basename(path))} -o AGAIN.h5</code>: the datasets "
                 "come out byte-identical.</p>")]
    sections.append(("trajectory", "Trajectory", embedded(plot_run.make_figure(run), "main series")))
    counts = {}
    for kind, actor in zip(run.events.get("kind", []), run.events.get("actor", [])):
        counts[(kind, actor)] = counts.get((kind, actor), 0) + 1
    people = {}
    for col in ("killed", "wounded", "arrested"):
        for kind, actor, n in zip(run.events.get("kind", []), run.events.get("actor", []), run.events.get(col, [])):
            people.setdefault((kind, actor), [0, 0, 0])[("killed", "wounded", "arrested").index(col)] += int(n)
    event_rows = [(k, a_, n, *people.get((k, a_), [0, 0, 0])) for (k, a_), n in sorted(counts.items())]
    sections.append(("events", "Events", embedded(plot_events.make_figure(run), "event timeline")
                     + table(("kind", "actor", "events", "killed", "wounded", "arrested"), event_rows, (2, 3, 4, 5))))
    try:
        lattice, shown = plot_lattice.make_figure(run)
        lattice_html = embedded(lattice, f"lattice at tick {shown}") + \
            f"<p class=\"note\">The last snapshot (tick {shown}); plot_lattice.py --animate shows them all.</p>"
    except files.InputProblem as problem:
        lattice_html = f"<p class=\"note\">{html.escape(str(problem))}</p>"
    sections.append(("lattice", "Lattice", lattice_html))
    schedule = [(t, str(run.date_of(t)), name, action) for t, name, action in run.schedule]
    sections.append(("schedule", "Scheduled changes",
                     table(("tick", "date", "name", "action"), schedule, (0,)) if schedule
                     else "<p>The scenario schedules no changes within the run.</p>"))
    rows = provenance(a.get("scenario_text", ""), a.get("overrides", ""))
    cited = sum(1 for r in rows if r[2] == "source")
    fitted = sum(1 for r in rows if r[2] == "calibrated")
    sections.append(("provenance", "Provenance",
                     f"<p>{cited} values cite a document; {fitted} were calibrated to a target; "
                     f"{len(rows) - cited - fitted} state an assumption.</p>"
                     + table(("parameter", "value", "basis", "document", "quote or reason"), rows)))
    sections.append(("scenario", "Scenario as run", f"<pre>{html.escape(a.get('scenario_text', ''))}</pre>"))
    return page(f"confsim run: {a.get('scenario_name', os.path.basename(path))}, seed {a.get('seed', '?')}", sections)


def sweep_report(folder):
    manifest = files.Manifest(folder)
    a = manifest.attrs
    done = int(manifest.finished.sum())
    about = [("sweep", a.get("sweep_name", "")), ("sweep file", a.get("sweep_file", "")),
             ("scenario", a.get("scenario_file", "")), ("design", a.get("design", "")),
             ("replicates", a.get("replicates", "")), ("master seed", a.get("master_seed", "")),
             ("runs", f"{done} finished of {len(manifest.finished)}"), ("confsim version", a.get("confsim_version", "")),
             ("parameters", ", ".join(manifest.parameters)), ("summaries", ", ".join(manifest.summaries))]
    sections = [("sweep", "Sweep", table(("", ""), about))]
    figures = []
    if done:
        params = list(manifest.parameters)
        for metric in manifest.summaries:
            for x in params:
                figures.append(embedded(plot_sweep.make_figure(manifest, x, metric), f"{metric} against {x}"))
            if len(params) == 2:
                figures.append(embedded(plot_sweep.make_figure(manifest, params[0], metric, y=params[1]),
                                        f"{metric} over {params[0]} and {params[1]}"))
    sections.append(("figures", "Summaries against parameters",
                     "\n".join(figures) or "<p>No run has finished yet.</p>"))
    header = ["run", "point", "replicate", "status"] + list(manifest.parameters) + list(manifest.summaries)
    rows = []
    for i in range(len(manifest.finished)):
        row = [i, manifest.point[i], manifest.replicate[i], "finished" if manifest.finished[i] else "pending"]
        row += [plot_sweep.label(v.item() if hasattr(v, "item") else v) for v in
                (manifest.parameters[p][i] for p in manifest.parameters)]
        row += [f"{manifest.summaries[s][i]:.6g}" for s in manifest.summaries]
        rows.append(row)
    numeric = (0, 1, 2) + tuple(range(4 + len(manifest.parameters), len(header)))
    sections.append(("runs", "Runs", table(header, rows, numeric)))
    if done:
        first = manifest.run_paths()[0]
        sections.append(("example", "First finished run", f"<p>{html.escape(first)}</p>"
                         + embedded(plot_run.make_figure(files.Run(first)), "first run's series")))
    sections.append(("sweep-file", "Sweep file", f"<pre>{html.escape(a.get('sweep_text', ''))}</pre>"))
    return page(f"confsim sweep: {a.get('sweep_name', folder)}", sections)


def calibration_report(folder):
    post = studies.Posterior(folder)
    a = post.attrs
    gens = len(post.tolerance)
    about = [("calibration file", a.get("calibration_file", "")), ("scenario", a.get("scenario_file", "")),
             ("generations", f"{gens} (stopped by {a.get('stopped_by', '?')})"),
             ("particles", post.values.shape[1]), ("replicates per particle", a.get("replicates", "")),
             ("master seed", a.get("master_seed", "")), ("confsim version", a.get("confsim_version", ""))]
    rows = []
    for j, name in enumerate(post.parameters):
        mean, lo, hi = post.interval(j)
        prior = post.prior[j] + (f"({post.prior_low[j]:g}, {post.prior_high[j]:g})" if "uniform" in post.prior[j]
                                 else f"(mean {post.prior_mean[j]:g}, sd {post.prior_sd[j]:g})")
        rows.append((name, prior, f"{mean:.4g}", f"[{lo:.4g}, {hi:.4g}]"))
    generations = [(g, f"{post.tolerance[g]:.4g}", f"{post.acceptance_rate[g]:.3f}", f"{post.ess[g]:.1f}")
                   for g in range(gens)]
    sections = [("calibration", "Calibration", table(("", ""), about)),
                ("posterior", "Posterior", table(("parameter", "prior", "mean", "90% interval"), rows)
                 + embedded(plot_posterior.make_figure(post), "posterior")),
                ("generations", "Generations", table(("generation", "tolerance", "acceptance rate",
                                                      "effective sample size"), generations, (0, 1, 2, 3))),
                ("observed", "What the distance compares",
                 table(("summary", "observed", "scale"),
                       [(n, f"{o:.6g}", f"{sc:.4g}") for n, o, sc in zip(post.summaries, post.observed, post.scale)],
                       (1, 2)))]
    check = os.path.join(folder, "validation.tsv")
    if os.path.exists(check):
        with open(check, encoding="utf-8") as f:
            lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
        sections.append(("validation", "Posterior predictive check (seeds the fit never used)",
                         table(lines[0], lines[1:], (2, 3, 4, 5, 6))))
    sections.append(("file", "Calibration file", f"<pre>{html.escape(a.get('calibration_text', ''))}</pre>"))
    return page(f"confsim calibrate: {os.path.basename(a.get('calibration_file', folder))}", sections)


def sensitivity_report(folder):
    sa = studies.Sensitivity(folder)
    a = sa.attrs
    about = [("analysis file", a.get("sweep_file", "")), ("scenario", a.get("scenario_file", "")),
             ("method", "Sobol indices (Saltelli design)" if sa.method == "saltelli" else "Morris elementary effects"),
             ("design points", a.get("design_points", "")), ("runs", a.get("runs", "")),
             ("replicates", a.get("replicates", "")), ("confsim version", a.get("confsim_version", ""))]
    sections = [("analysis", "Analysis", table(("", ""), about)),
                ("figure", "Indices", embedded(plot_sensitivity.make_figure(sa), "indices"))]
    names = ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high") if sa.method == "saltelli" \
        else ("mu_star", "mu", "sigma")
    for s, summary in enumerate(sa.summaries):
        rows = [[p] + [f"{sa.indices[n][s][j]:.3f}" for n in names] for j, p in enumerate(sa.parameters)]
        share = sa.seed_share[s]
        note = f"<p class='note'>seed's share of a run's variance: {share:.3f}</p>" if share == share else ""
        sections.append((f"summary-{s}", summary,
                         note + table(("parameter",) + names, rows, tuple(range(1, len(names) + 1)))))
    sections.append(("file", "Analysis file", f"<pre>{html.escape(a.get('sweep_text', ''))}</pre>"))
    return page(f"confsim sensitivity: {os.path.basename(a.get('sweep_file', folder))}", sections)


def parse_arguments(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", metavar="RUN.h5|DIR",
                    help="a run file, or a folder made by confsim sweep, calibrate or sensitivity")
    ap.add_argument("-o", "--output", required=True, metavar="REPORT.html", help="the page to write")
    return ap.parse_args(argv)


def main():
    args = parse_arguments()
    files.figure_path(args.output, (".html", ".htm"))
    folder = args.input if os.path.isdir(args.input) else None
    is_sweep = folder is not None or os.path.basename(args.input) == "manifest.h5"
    if folder and os.path.exists(os.path.join(folder, "sensitivity.h5")):
        text = sensitivity_report(folder)
    elif folder and os.path.exists(os.path.join(folder, "posterior.h5")):
        text = calibration_report(folder)
    elif folder and not os.path.exists(os.path.join(folder, "manifest.h5")):
        raise files.InputProblem(f"{args.input}: a folder without manifest.h5, so not a sweep's folder; give a run "
                                 "file, or a folder made by confsim sweep (confsim sweep --collect DIR builds the "
                                 "manifest of an array job)")
    else:
        text = sweep_report(args.input) if is_sweep else run_report(args.input)

    def write(temp):
        with open(temp, "w", encoding="utf-8") as out:
            out.write(text)

    files.write_atomically(args.output, write)
    print(f"wrote {args.output} ({len(text) // 1024} KiB)")


if __name__ == "__main__":
    files.main_guard("report.py", main)
