#!/usr/bin/python3
"""The main series of one confsim run over calendar dates, with its scheduled events marked.

  plot_run.py RUN.h5 -o FIG.png [--ticks] [--title TEXT]

Epstein's model: citizens by state and cops on duty, legitimacy and grievance, arrests per tick.
Conflict model (any scenario): protesters active, killed and arrested; attacks by kind per week;
each foreign force's troops and bases; legitimacy and the levers the run has (lethal posture,
withdrawal pressure, sponsors' coordination); armed groups alive and their fighters; then a panel
per region. Panels whose series a run lacks (a conflict without foreign forces) are left out. Any
other model: every series, a panel each.
Scheduled events are dashed vertical lines with their names. The format follows the extension of
FIG (.png, .svg or .pdf). Exit status 2 for a missing, foreign, truncated or damaged file.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import confsim_files as files  # noqa: E402

files.require("plot_run.py", "matplotlib")
import numpy as np  # noqa: E402
import confsim_plots as plots  # noqa: E402

# Event kinds drawn as attacks in the conflict model's weekly panel (docs/conflict-model.md).
ATTACK_KINDS = ("rocket_attack", "ied_attack", "drone_attack", "media_attack", "party_office_attack",
                "assassination", "abduction", "reprisal", "retaliation_strike", "leadership_strike")


class Panel:
    """One axis of the figure: lines of series (or their totals over a dimension), optionally a
    second y axis for lines on another scale."""

    def __init__(self, title, left, right=(), ylabel="", ylabel_right="", cumulative=()):
        self.title, self.left, self.right = title, list(left), list(right)
        self.ylabel, self.ylabel_right, self.cumulative = ylabel, ylabel_right, set(cumulative)

    def names(self):
        return [name for name, _ in self.left + self.right]


EPSTEIN = [
    Panel("Citizens by state, and cops on duty", [("quiescent", "quiescent"), ("active", "active"),
                                                  ("jailed", "jailed"), ("cops", "cops on duty")], ylabel="agents"),
    Panel("Legitimacy and grievance", [("legitimacy", "legitimacy L"), ("mean_grievance", "mean grievance H(1−L)")]),
    Panel("Arrests per tick", [("arrests", "arrests")], ylabel="arrests"),
]


def conflict_layout(run):
    """The conflict model's panels, from the series this run has (named after its own actors)."""
    names = list(run.series)
    ending = lambda suffix: [n for n in names if n.endswith(suffix)]  # noqa: E731
    troops, bases = ending("_troops"), [n for n in ending("_bases")]
    levers = [("national_legitimacy", "national legitimacy"), ("lethal_posture", "lethal share of confrontations")]
    levers += [(n, n.replace("_", " ")) for n in ending("_withdrawal_pressure") + ending("_coordination")]
    return [
        Panel("Protesters (all regions)", [("active_protesters", "active")],
              [("protesters_arrested", "arrested that day")], ylabel="people active", ylabel_right="people arrested"),
        Panel("Protest casualties (all regions), cumulative",
              [("protesters_killed", "killed"), ("protesters_wounded", "wounded")], ylabel="people",
              cumulative=("protesters_killed", "protesters_wounded")),
        "attacks",
        Panel("Foreign forces", [(n, n.replace("_", " ")) for n in troops], [(n, n.replace("_", " ")) for n in bases],
              ylabel="troops", ylabel_right="bases"),
        Panel("Legitimacy and levers", [lv for lv in levers if lv[0] in run.series], ylabel="share"),
        Panel("Armed groups", [("active_militia_factions", "groups alive (front groups included)")],
              [("fighters", "fighters, all groups")], ylabel="groups", ylabel_right="fighters"),
    ]


LAYOUTS = {"epstein_civil_violence": lambda run: EPSTEIN, "conflict": conflict_layout}

# Per region, in the conflict model: active protesters, and the cumulative dead on a second axis.
REGION_PANEL = Panel("", [("active_protesters", "active")], [("protesters_killed", "killed, cumulative")],
                     ylabel="active", ylabel_right="killed", cumulative=("protesters_killed",))


def layout_for(run):
    """The model's panels that its file can fill, or a panel per series for a model not listed."""
    layout = LAYOUTS.get(run.model, lambda r: [])(run)
    panels = [p for p in layout if p == "attacks" and run.events.get("kind") is not None
              or isinstance(p, Panel) and p.names() and all(n in run.series for n in p.names())]
    if panels:
        return panels
    return [Panel(s.long_name, [(s.name, s.name)], ylabel=s.units) for s in run.series.values() if s.name != "tick"]


def values_of(run, name, cumulative, region=None):
    series = run.series[name]
    if region is not None:
        values = series.values[:, series.labels[0].index(region)]
    else:
        values = series.total()
    return np.cumsum(values) if cumulative else values


def draw_panel(ax, run, panel, x, region=None):
    lines = []
    for names, axis, label in ((panel.left, ax, panel.ylabel), (panel.right, None, panel.ylabel_right)):
        if not names:
            continue
        if axis is None:
            axis = ax.twinx()
            axis.grid(False)
            axis.spines["right"].set_visible(True)
        colours = iter(["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"] if axis is ax else ["#d62728", "#8c564b"])
        for name, legend in names:
            style = "-" if axis is ax else "--"
            lines += axis.plot(x, values_of(run, name, name in panel.cumulative, region), style, lw=1.2,
                               color=next(colours), label=legend)
        axis.set_ylabel(label)
    ax.set_title(panel.title or region, loc="left")
    return lines


def draw_attacks(ax, run, by_tick):
    """Attacks per week (per 7 ticks), stacked by kind."""
    kinds = run.events["kind"]
    ticks = run.events["tick"]
    bins = np.arange(0, len(run.days) + 7, 7)
    bottom = np.zeros(len(bins) - 1)
    present = [k for k in ATTACK_KINDS if np.any(kinds == k)]
    colours = plots.plt.get_cmap("tab10").colors
    left = plots.event_x(run, bins[:-1], by_tick)
    width = 7 if by_tick else np.timedelta64(7, "D")
    for i, kind in enumerate(present):
        counts, _ = np.histogram(ticks[kinds == kind], bins=bins)
        ax.bar(left, counts, width=width, bottom=bottom, align="edge", color=colours[i % 10],
               label=kind.replace("_", " "), lw=0)
        bottom += counts
    ax.set_title("Attacks by kind, per week", loc="left")
    ax.set_ylabel("attacks")
    if not present:
        ax.text(0.5, 0.5, "no attacks in this run", transform=ax.transAxes, ha="center", va="center")
    return ax.get_legend_handles_labels()[0]


def make_figure(run, by_tick=False, title=None):
    panels = layout_for(run)
    regions = run.labels.get("region") if run.model in LAYOUTS and all(
        n in run.series for n in REGION_PANEL.names()) else None
    region_rows = (len(regions) + 1) // 2 if regions else 0
    fig = plots.plt.figure(figsize=(11, 2.3 * len(panels) + 1.9 * region_rows + 0.8), layout="constrained")
    grid = fig.add_gridspec(len(panels) + region_rows, 2, height_ratios=[1.2] * len(panels) + [1] * region_rows)
    x = plots.time_axis(run, by_tick)
    axes = []
    for i, panel in enumerate(panels):
        ax = fig.add_subplot(grid[i, :], sharex=axes[0] if axes else None)
        handles = draw_attacks(ax, run, by_tick) if panel == "attacks" else draw_panel(ax, run, panel, x)
        if handles:
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.06, 1.0))
        axes.append(ax)
    for j, region in enumerate(regions or []):
        ax = fig.add_subplot(grid[len(panels) + j // 2, j % 2], sharex=axes[0])
        draw_panel(ax, run, REGION_PANEL, x, region=region)
        axes.append(ax)
    plots.mark_schedule(run, axes, by_tick, label_on=axes[0])
    for ax in axes:
        plots.format_time_axis(ax, by_tick)
    fig.suptitle(title or run.title(), fontsize=11)
    return fig


def parse_arguments(argv=None):
    ap = files.figure_parser(__doc__)
    ap.add_argument("--ticks", action="store_true", help="tick numbers on the time axis instead of dates")
    return ap.parse_args(argv)


def main():
    args = parse_arguments()
    files.write_run_figure(args, lambda run: make_figure(run, args.ticks, args.title))


if __name__ == "__main__":
    files.main_guard("plot_run.py", main)
