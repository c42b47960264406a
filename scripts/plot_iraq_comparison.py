#!/usr/bin/python3
"""Figures of the Iraq scenario from run files, read with h5py alone.

  plot_iraq_comparison.py DIR -o FIG.png             arms side by side (DIR/<arm>/seed*.h5, as written
                                                     by scripts/iraq_counterfactuals.sh): mean and 90%
                                                     band over seeds
  plot_iraq_comparison.py DIR --baseline -o FIG.png  the baseline arm in detail

The format follows the extension of FIG (png, svg, pdf). Run with /usr/bin/python3 (Debian's
python3-h5py, python3-numpy, python3-matplotlib).
"""
import argparse
import datetime as dt
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import confsim_files as files  # noqa: E402

files.require("plot_iraq_comparison.py", "matplotlib")
import numpy as np  # noqa: E402
import confsim_plots as plots  # noqa: E402

plt = plots.plt
US_TARGETS = {"us_forces", "us_embassy", "us_convoy"}
ATTACKS = {"rocket_attack", "ied_attack", "drone_attack"}


class Run(files.Run):
    """A run of the Iraq model, with its events counted by month."""

    def __init__(self, path):
        super().__init__(path)
        if self.model != "conflict" or "coalition_bases" not in self.series:
            raise files.InputProblem(f"{path}: not a run of the Iraq scenario (scenarios/iraq/) on the conflict model")
        self.regions = self.labels["region"]
        self.ticks = len(self.days)
        self.series = {k: s.values for k, s in self.series.items()}

    def day_list(self):
        return [self.start + dt.timedelta(days=int(t)) for t in range(self.ticks)]

    def monthly(self, mask):
        """Events per calendar month, on the first day of each month."""
        months = {dt.date(d.year, d.month, 1): 0 for d in self.day_list()}
        for t in self.events["tick"][mask]:
            d = self.start + dt.timedelta(days=int(t))
            months[dt.date(d.year, d.month, 1)] += 1
        keys = sorted(months)
        return keys, np.array([months[k] for k in keys], dtype=float)

    def us_attacks(self):
        return np.isin(self.events["kind"], list(ATTACKS)) & np.isin(self.events["target"], list(US_TARGETS))


def load_arm(directory):
    paths = sorted(glob.glob(os.path.join(directory, "seed*.h5")))
    if not paths:
        raise files.InputProblem(f"no seed*.h5 in {directory}")
    return [Run(p) for p in paths]


def band(ax, x, rows, label, color):
    rows = np.asarray(rows)
    ax.plot(x, rows.mean(axis=0), label=label, color=color, lw=1.5)
    ax.fill_between(x, np.percentile(rows, 5, axis=0), np.percentile(rows, 95, axis=0), color=color, alpha=0.15, lw=0)


def comparison(root, out):
    arms = ["baseline"] + sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)) and d != "baseline")
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, axes = plt.subplots(3, 2, figsize=(12, 11), sharex=True)
    for i, arm in enumerate(arms):
        runs = load_arm(os.path.join(root, arm))
        c = colors[i % len(colors)]
        months, _ = runs[0].monthly(runs[0].us_attacks())
        band(axes[0, 0], months, [r.monthly(r.us_attacks())[1] for r in runs], arm, c)
        dates = runs[0].day_list()
        band(axes[0, 1], dates, [np.cumsum(r.series["protesters_killed"].sum(axis=1)) for r in runs], arm, c)
        band(axes[1, 0], dates, [r.series["active_militia_factions"] for r in runs], arm, c)
        band(axes[1, 1], dates, [r.series["coalition_bases"] for r in runs], arm, c)
        band(axes[2, 0], dates, [r.series["national_legitimacy"] for r in runs], arm, c)
        band(axes[2, 1], dates, [r.series["coalition_troops"] for r in runs], arm, c)
    titles = ["attacks on US interests per month", "protesters killed (cumulative)",
              "armed groups in existence (front groups included)", "coalition bases",
              "government legitimacy (population-weighted)", "US troops"]
    for ax, title in zip(axes.flat, titles):
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"Iraq 2019-2021: baseline and counterfactuals (mean and 90% band over {len(runs)} seeds)")
    fig.autofmt_xdate()
    fig.tight_layout()
    files.save_figure(fig, out, dpi=80)


def baseline_detail(root, out):
    runs = load_arm(os.path.join(root, "baseline"))
    r = runs[0]
    fig, axes = plt.subplots(3, 1, figsize=(12, 11), sharex=True)
    for kind in ("rocket_attack", "ied_attack", "drone_attack"):
        months, counts = r.monthly(r.us_attacks() & (r.events["kind"] == kind))
        axes[0].plot(months, counts, marker="o", ms=3, label=kind.replace("_", " "))
    for kind, marker in (("raid", "v"), ("release", "^"), ("front_group_formed", "*"), ("retaliation_strike", "x")):
        ticks = r.events["tick"][r.events["kind"] == kind]
        axes[0].scatter([r.start + dt.timedelta(days=int(t)) for t in ticks], [-1] * len(ticks), marker=marker,
                        label=kind.replace("_", " "), zorder=3)
    axes[0].set_title("attacks on US interests per month, and raids, releases, front groups, US strikes "
                      f"(seed {os.path.basename(sorted(glob.glob(os.path.join(root, 'baseline', 'seed*.h5')))[0])})",
                      fontsize=10)
    axes[0].legend(fontsize=8, ncol=4)
    dates = r.day_list()
    for k, name in enumerate(r.regions):
        if name in ("baghdad", "basra", "dhi_qar", "najaf", "ninawa"):
            axes[1].plot(dates, r.series["active_protesters"][:, k] / 1000, label=name)
            axes[2].plot(dates, r.series["legitimacy"][:, k], label=name)
    axes[1].set_title("people protesting (thousands)", fontsize=10)
    axes[2].set_title("government legitimacy by governorate", fontsize=10)
    for ax in axes:
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=8)
    for when, what in ((dt.date(2020, 1, 3), "Soleimani strike"), (dt.date(2020, 5, 7), "Kadhimi"),
                       (dt.date(2020, 9, 9), "drawdown"), (dt.date(2021, 10, 10), "election")):
        for ax in axes:
            ax.axvline(when, color="grey", lw=0.8, ls="--")
        axes[2].text(when, axes[2].get_ylim()[1], " " + what, fontsize=8, va="top")
    fig.autofmt_xdate()
    fig.tight_layout()
    files.save_figure(fig, out, dpi=80)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", help="directory with one sub-directory of seed*.h5 files per arm")
    parser.add_argument("-o", "--output", required=True, help="figure file (.png, .svg or .pdf)")
    parser.add_argument("--baseline", action="store_true", help="plot the baseline arm in detail")
    args = parser.parse_args()
    if not os.path.isdir(args.directory):
        raise files.InputProblem(f"{args.directory}: not a directory")
    files.figure_path(args.output)
    (baseline_detail if args.baseline else comparison)(args.directory, args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    files.main_guard("plot_iraq_comparison.py", main)
