#!/usr/bin/python3
"""A sweep's summary against its parameters, as mean and interval over replicates.

  plot_sweep.py DIR/manifest.h5 --x PARAM --metric SUMMARY -o FIG.png [--by PARAM] [--band p90|sd|range]
  plot_sweep.py DIR/manifest.h5 --x PARAM --y PARAM --metric SUMMARY -o FIG.png
                [--where PARAM=VALUE]...

With --x alone: the mean of the summary over the runs at each value of the parameter, a line with
a band (p90: the central 90% of the runs, 5th to 95th percentile, as `confsim check` reports;
sd: one standard deviation either side; range: lowest to highest), each run a dot; --by draws a
line per value of another parameter. With --x and --y: a heat map of the mean, each cell labelled
with its mean and band (a scatter coloured by the mean when the design is not a grid, as with
Latin hypercube or Sobol designs). Runs are pooled over swept parameters not plotted, unless
--where fixes them. Only finished runs count (the figure says how many). PARAM is a parameter's
path as in the sweep file (e.g. government.legitimacy), SUMMARY a summary's name; DIR alone
stands for DIR/manifest.h5. The format follows the extension of FIG (.png, .svg or .pdf). Exit
status 2 for a missing, foreign or damaged manifest, or a parameter or summary it does not have.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import confsim_files as files  # noqa: E402

files.require("plot_sweep.py", "matplotlib")
import numpy as np  # noqa: E402
import confsim_plots as plots  # noqa: E402

BANDS = {
    "p90": ("central 90% of runs", lambda v: (np.percentile(v, 5), np.percentile(v, 95))),
    "sd": ("mean ± one standard deviation", lambda v: (np.mean(v) - np.std(v, ddof=1) if len(v) > 1 else v[0],
                                                       np.mean(v) + np.std(v, ddof=1) if len(v) > 1 else v[0])),
    "range": ("lowest to highest run", lambda v: (np.min(v), np.max(v))),
}


def ordered_values(values):
    """The distinct values of a parameter column, numbers in numeric order, words as they come."""
    if values.dtype.kind == "O":
        return list(dict.fromkeys(values))
    return sorted(set(values.tolist()))


def label(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def runs_kept(manifest, where):
    """Mask of the finished runs that match every --where PARAM=VALUE."""
    keep = manifest.finished.copy()
    for condition in where:
        name, _, wanted = condition.partition("=")
        column = manifest.need("parameter", name)
        if column.dtype.kind == "O":
            match = column == wanted
        else:
            try:
                match = np.isclose(column, float(wanted))
            except ValueError:
                raise files.InputProblem(f"--where {condition}: {name} takes numbers") from None
        if not match.any():
            raise files.InputProblem(f"--where {condition}: no run has {name} = {wanted}; its values: "
                                     f"{', '.join(label(v) for v in ordered_values(column))}")
        keep &= match
    return keep


def grouped(metric, columns, keep):
    """{(value, ...): metric values of the runs kept with those parameter values}, NaN runs left out."""
    groups = {}
    for i in np.flatnonzero(keep):
        if np.isfinite(metric[i]):
            groups.setdefault(tuple(c[i] for c in columns), []).append(metric[i])
    return {k: np.array(v) for k, v in groups.items()}


def make_figure(manifest, x, metric, y=None, by=None, where=(), band="p90", title=None):
    values = manifest.need("summary", metric)
    manifest.need("parameter", x)  # an unknown --x is refused before anything is drawn
    if y is not None and by is not None:
        raise files.InputProblem("--by draws lines against --x; with --y the figure is a heat map: give one of them")
    for other in (y, by):
        if other is not None:
            manifest.need("parameter", other)
            if other == x:
                raise files.InputProblem(f"--x and --y/--by are both {x}: choose two different parameters")
    keep = runs_kept(manifest, where)
    if not keep.any():
        raise files.InputProblem(f"{manifest.path}: no finished run to plot (the sweep has not run yet, or "
                                 "--where excludes every run)")
    plotted = {x, y, by} - {None}
    fixed = {w.partition("=")[0] for w in where}
    pooled = [p for p in manifest.parameters if p not in plotted | fixed]
    band_name, band_of = BANDS[band]
    fig, ax = plots.plt.subplots(figsize=(8, 5.2), layout="constrained")
    if y is None:
        draw_lines(ax, manifest, values, x, by, keep, band_of, band_name)
        ax.set_ylabel(metric)
    else:
        draw_heat_map(fig, ax, manifest, values, x, y, keep, band_of, band_name, metric)
    notes = [f"{int(keep.sum())} of {len(keep)} runs"]
    if where:
        notes.append("where " + ", ".join(where))
    if pooled:
        notes.append("pooled over " + ", ".join(pooled))
    ax.set_title("; ".join(notes), loc="left", fontsize=8)
    fig.suptitle(title or f"{manifest.attrs.get('sweep_name', 'sweep')}: {metric}", fontsize=11)
    return fig


def draw_lines(ax, manifest, values, x, by, keep, band_of, band_name):
    xs = manifest.parameters[x]
    xorder = ordered_values(xs[keep])
    categorical = xs.dtype.kind == "O"
    position = {v: i for i, v in enumerate(xorder)} if categorical else {v: v for v in xorder}
    lines = ordered_values(manifest.parameters[by][keep]) if by else [None]
    colours = plots.plt.get_cmap("viridis" if len(lines) > 6 else "tab10")
    for i, line in enumerate(lines):
        mask = keep & (manifest.parameters[by] == line) if by else keep
        groups = grouped(values, [xs], mask)
        points = [v for v in xorder if (v,) in groups]
        at = np.array([position[v] for v in points], dtype=float)
        runs = [groups[(v,)] for v in points]
        mean = np.array([r.mean() for r in runs])
        lo, hi = np.array([band_of(r) for r in runs]).T if runs else (np.array([]), np.array([]))
        colour = colours(i / max(1, len(lines) - 1)) if len(lines) > 6 else colours(i)
        name = f"{by} = {label(line)}" if by else "mean"
        ax.fill_between(at, lo, hi, color=colour, alpha=0.2, lw=0, label=f"{band_name}" if i == 0 else None)
        ax.plot(at, mean, "o-", color=colour, lw=1.5, ms=4, label=name)
        for p, r in zip(at, runs):
            ax.scatter(np.full(len(r), p), r, s=8, color=colour, alpha=0.35, lw=0)
    if categorical:
        ax.set_xticks(range(len(xorder)))
        ax.set_xticklabels([label(v) for v in xorder])
    ax.set_xlabel(x)
    ax.legend(loc="best")


def draw_heat_map(fig, ax, manifest, values, x, y, keep, band_of, band_name, metric):
    xs, ys = manifest.parameters[x], manifest.parameters[y]
    groups = grouped(values, [xs, ys], keep)
    xorder, yorder = ordered_values(xs[keep]), ordered_values(ys[keep])
    if len(groups) == len(xorder) * len(yorder):
        grid = np.full((len(yorder), len(xorder)), np.nan)
        for (vx, vy), runs in groups.items():
            grid[yorder.index(vy), xorder.index(vx)] = runs.mean()
        image = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis", vmin=np.nanmin(grid),
                          vmax=np.nanmax(grid))
        for (vx, vy), runs in groups.items():
            lo, hi = band_of(runs)
            i, j = yorder.index(vy), xorder.index(vx)
            shade = image.norm(grid[i, j])
            ax.text(j, i, f"{runs.mean():.3g}\n[{lo:.3g}, {hi:.3g}]", ha="center", va="center", fontsize=7,
                    color="white" if shade < 0.6 else "black")
        ax.set_xticks(range(len(xorder)))
        ax.set_xticklabels([label(v) for v in xorder])
        ax.set_yticks(range(len(yorder)))
        ax.set_yticklabels([label(v) for v in yorder])
        ax.grid(False)
        fig.colorbar(image, ax=ax, label=f"mean {metric} (cells: mean and {band_name})")
    else:
        if xs.dtype.kind == "O" or ys.dtype.kind == "O":
            raise files.InputProblem(f"{x} and {y} do not form a grid and one of them takes words: plot them "
                                     "one at a time with --x")
        points = np.array([(vx, vy, runs.mean()) for (vx, vy), runs in groups.items()])
        scatter = ax.scatter(points[:, 0], points[:, 1], c=points[:, 2], cmap="viridis", s=60, edgecolor="k", lw=0.3)
        fig.colorbar(scatter, ax=ax, label=f"mean {metric} over the runs at each design point")
    ax.set_xlabel(x)
    ax.set_ylabel(y)


def parse_arguments(argv=None):
    ap = files.figure_parser(__doc__, "DIR/manifest.h5", "a sweep's manifest (or its folder)",
                             title_help="the figure's title (default: the sweep's name and the summary)")
    ap.add_argument("--x", required=True, metavar="PARAM", help="swept parameter along the horizontal axis")
    ap.add_argument("--y", metavar="PARAM", help="a second swept parameter: a heat map")
    ap.add_argument("--metric", required=True, metavar="SUMMARY", help="the sweep's summary to plot")
    ap.add_argument("--by", metavar="PARAM", help="a line per value of this parameter (without --y)")
    ap.add_argument("--where", action="append", default=[], metavar="PARAM=VALUE",
                    help="keep only runs with this value (repeatable)")
    ap.add_argument("--band", choices=sorted(BANDS), default="p90",
                    help="the interval over replicates: p90 (default), sd or range")
    args = ap.parse_args(argv)
    for condition in args.where:
        if "=" not in condition:
            ap.error(f"--where {condition}: expected PARAM=VALUE")
    return args


def main():
    args = parse_arguments()
    files.figure_path(args.output)
    manifest = files.Manifest(args.input)
    fig = make_figure(manifest, args.x, args.metric, args.y, args.by, args.where, args.band, args.title)
    files.save_figure(fig, args.output, args.dpi)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    files.main_guard("plot_sweep.py", main)
