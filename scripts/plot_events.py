#!/usr/bin/python3
"""The event timeline of one confsim run, by kind and actor.

  plot_events.py RUN.h5 -o FIG.png [--kind K]... [--actor A]... [--ticks] [--title TEXT]

One row per kind of event and actor that occur in the run (e.g. "rocket attack — kataib_hezbollah"),
a mark at each event's date, its area growing with the logarithm of the people it affected (killed, wounded and
arrested), its colour the actor's; beside each row, how many events it holds. Scheduled events are
dashed vertical lines with their names. --kind and --actor keep only the kinds or actors named
(repeatable). The format follows the extension of FIG (.png, .svg or .pdf). Exit status 2 for a
missing, foreign, truncated or damaged file, or a kind or actor the run does not have.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import confsim_files as files  # noqa: E402

files.require("plot_events.py", "matplotlib")
import numpy as np  # noqa: E402
import confsim_plots as plots  # noqa: E402


def selected(run, kinds=(), actors=()):
    """Boolean mask of the events kept by the filters; an unknown name is an input problem."""
    keep = np.ones(len(run.events.get("tick", [])), dtype=bool)
    for column, names in (("kind", kinds), ("actor", actors)):
        if not names:
            continue
        present = set(run.events[column])
        unknown = [n for n in names if n not in present]
        if unknown:
            raise files.InputProblem(f"{run.path}: no event has {column} {', '.join(unknown)}; "
                                     f"its {column}s: {', '.join(sorted(present))}")
        keep &= np.isin(run.events[column], list(names))
    return keep


def make_figure(run, kinds=(), actors=(), by_tick=False, title=None):
    ev = run.events
    keep = selected(run, kinds, actors) if ev else np.zeros(0, dtype=bool)
    rows = sorted({(k, a) for k, a in zip(ev["kind"][keep], ev["actor"][keep])}) if keep.any() else []
    actor_names = sorted({a for _, a in rows})
    colours = plots.plt.get_cmap("tab20").colors
    colour = {a: colours[i % len(colours)] for i, a in enumerate(actor_names)}
    fig = plots.plt.figure(figsize=(12, max(3.6, 0.32 * len(rows) + 1.8)), layout="constrained")
    timeline, totals = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [5, 1]})
    if not rows:
        timeline.text(0.5, 0.5, "no events in this run" + (" with these filters" if kinds or actors else ""),
                      transform=timeline.transAxes, ha="center", va="center")
    people = sum(ev[c].astype(float) for c in ("killed", "wounded", "arrested") if c in ev) if ev else 0
    # Mark areas grow with the logarithm of the people affected: counts span 1 to hundreds of thousands.
    scale = 110.0 / np.log1p(max(1.0, float(np.max(people[keep])) if keep.any() else 1.0))
    counts = []
    for y, (kind, actor) in enumerate(rows):
        mask = keep & (ev["kind"] == kind) & (ev["actor"] == actor)
        x = plots.event_x(run, ev["tick"][mask], by_tick)
        timeline.scatter(x, np.full(mask.sum(), y), s=8 + scale * np.log1p(people[mask]), color=colour[actor],
                         alpha=0.6, lw=0)
        counts.append(mask.sum())
    timeline.set_yticks(range(len(rows)))
    timeline.set_yticklabels([f"{k.replace('_', ' ')} — {a}" for k, a in rows])
    timeline.set_ylim(len(rows) - 0.5, -0.5)
    timeline.set_xlim(plots.time_axis(run, by_tick)[[0, -1]])
    timeline.grid(axis="y", alpha=0.15)
    plots.mark_schedule(run, [timeline], by_tick, label_on=timeline)
    plots.format_time_axis(timeline, by_tick)
    timeline.set_title("Events (area of a mark: log of the people killed, wounded or arrested)", loc="left")
    totals.barh(range(len(rows)), counts, height=0.6, color=[colour[a] for _, a in rows])
    for y, n in enumerate(counts):
        totals.text(n, y, f" {n:,}", va="center", fontsize=7)
    totals.set_title("events", loc="left")
    totals.set_xlim(0, max(counts, default=1) * 1.35)
    totals.grid(axis="y", visible=False)
    fig.suptitle(title or run.title(), fontsize=11)
    return fig


def parse_arguments(argv=None):
    ap = files.figure_parser(__doc__)
    ap.add_argument("--kind", action="append", default=[], help="keep only events of this kind (repeatable)")
    ap.add_argument("--actor", action="append", default=[], help="keep only events by this actor (repeatable)")
    ap.add_argument("--ticks", action="store_true", help="tick numbers on the time axis instead of dates")
    return ap.parse_args(argv)


def main():
    args = parse_arguments()
    files.write_run_figure(args, lambda run: make_figure(run, args.kind, args.actor, args.ticks, args.title))


if __name__ == "__main__":
    files.main_guard("plot_events.py", main)
