#!/usr/bin/python3
"""The agents' states on the lattice, as in Epstein's figures: one snapshot, or all of them as a GIF.

  plot_lattice.py RUN.h5 [--tick T] [--region R]... -o FIG.png
  plot_lattice.py RUN.h5 --animate [--fps N] [--region R]... -o MOVIE.gif

A cell's colour is its state, by the names the file gives its codes (empty, quiescent, active,
jailed, cop; for the conflict model empty, quiet, protesting, detained, dead, security unit); the legend
counts the cells in each state. A run with several lattices (the conflict model's regions) shows
each, or those named with --region. Snapshots exist every output.snapshot_every ticks: --tick
shows the one nearest to T (the last by default) and says which. The format follows the extension
(.png, .svg, .pdf; .gif with --animate, written with Pillow). Exit status 2 for a missing, foreign,
truncated or damaged file, a run without snapshots, or an unknown region.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import confsim_files as files  # noqa: E402

files.require("plot_lattice.py", "matplotlib", "PIL")
import numpy as np  # noqa: E402
from matplotlib.colors import BoundaryNorm, ListedColormap  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
import confsim_plots as plots  # noqa: E402

SNAPSHOT_PREFIX = "cell_state"


def lattices(run, regions=()):
    """[(label, snapshot variable)]: 'cell_state' alone, or 'cell_state_<region>' per region."""
    found = [(name[len(SNAPSHOT_PREFIX) + 1:] or "lattice", name) for name in run.snapshot_names
             if name == SNAPSHOT_PREFIX or name.startswith(SNAPSHOT_PREFIX + "_")]
    if not run.snapshot_ticks or not found:
        raise files.InputProblem(f"{run.path}: the run recorded no lattice snapshots (output.snapshot_every is 0, "
                                 "or 'auto' on a lattice over a million cells); re-run with "
                                 "--set output.snapshot_every=N")
    if regions:
        known = {label for label, _ in found}
        unknown = [r for r in regions if r not in known]
        if unknown:
            raise files.InputProblem(f"{run.path}: no lattice named {', '.join(unknown)}; "
                                     f"its lattices: {', '.join(sorted(known))}")
        found = [(label, name) for label, name in found if label in regions]
    return found


def make_figure(run, tick=None, regions=(), title=None):
    """The snapshot nearest to tick (the last when None) of each lattice asked for."""
    chosen = lattices(run, regions)
    tick = run.snapshot_ticks[-1] if tick is None else tick
    columns = math.ceil(math.sqrt(len(chosen)))
    rows = math.ceil(len(chosen) / columns)
    size = 8.5 if len(chosen) == 1 else 3.2 * columns
    fig = plots.plt.figure(figsize=(size + 0.6, size * rows / columns + 1.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False)).ravel()
    shown_tick, names = None, {}
    for ax, (label, variable) in zip(axes, chosen):
        shown_tick, cells, names = run.snapshot(variable, tick)
        codes = sorted(names)
        colours = plots.state_colours(names)
        cmap = ListedColormap([colours[c] for c in codes])
        norm = BoundaryNorm([c - 0.5 for c in codes] + [codes[-1] + 0.5], cmap.N)
        ax.imshow(cells, cmap=cmap, norm=norm, interpolation="nearest", origin="lower")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        counts = {c: int(np.count_nonzero(cells == c)) for c in codes}
        if len(chosen) > 1:
            active = sum(n for c, n in counts.items() if names[c] in ("active", "protesting"))
            ax.set_title(f"{label} ({cells.shape[1]}×{cells.shape[0]}; {active:,} protesting)", fontsize=8)
        else:
            handles = [Patch(color=colours[c], label=f"{names[c].replace('_', ' ')}: {counts[c]:,} cells")
                       for c in codes]
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncol=3, fontsize=9)
    for ax in axes[len(chosen):]:
        ax.axis("off")
    if len(chosen) > 1:
        # The legend takes the first empty slot of the grid, or sits beside the last lattice.
        colours = plots.state_colours(names)
        handles = [Patch(color=colours[c], label=names[c].replace("_", " ")) for c in sorted(names)]
        if len(axes) > len(chosen):
            axes[len(chosen)].legend(handles=handles, loc="center", fontsize=9)
        else:
            axes[-1].legend(handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=8)
    when = f"tick {shown_tick}, {run.date_of(shown_tick)}"
    if shown_tick != tick:
        when += f" (the snapshot nearest to tick {tick})"
    fig.suptitle(f"{title or run.title()}\n{when}", fontsize=10)
    return fig, shown_tick


def write_animation(run, regions, path, fps, dpi=120, title=None):
    """Every snapshot as a frame of a looping GIF."""
    from PIL import Image

    frames = []
    for tick in run.snapshot_ticks:
        fig, _ = make_figure(run, tick, regions, title)
        fig.set_dpi(dpi)
        fig.canvas.draw()
        frames.append(Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).convert("RGB")
                      .quantize(colors=64, method=Image.Quantize.MEDIANCUT))
        plots.plt.close(fig)
    files.write_atomically(path, lambda temp: frames[0].save(
        temp, format="GIF", save_all=True, append_images=frames[1:], duration=int(1000 / fps), loop=0))
    return len(frames)


def parse_arguments(argv=None):
    ap = files.figure_parser(__doc__, output_help="figure to write (.png, .svg or .pdf), or with --animate a .gif")
    ap.add_argument("--tick", type=int, help="the snapshot nearest to this tick (default: the last)")
    ap.add_argument("--region", action="append", default=[], help="only this lattice (repeatable)")
    ap.add_argument("--animate", action="store_true", help="every snapshot, as frames of a GIF")
    ap.add_argument("--fps", type=files.positive_number, default=4, help="frames per second of the animation (default 4)")
    args = ap.parse_args(argv)
    if args.animate and args.tick is not None:
        ap.error("--tick and --animate do not go together: an animation shows every snapshot")
    return args


def main():
    args = parse_arguments()
    files.figure_path(args.output, (".gif",) if args.animate else files.FIGURE_FORMATS)
    run = files.Run(args.input)
    if args.animate:
        frames = write_animation(run, args.region, args.output, args.fps, args.dpi, args.title)
        print(f"wrote {args.output} ({frames} frames)")
        return
    fig, shown = make_figure(run, args.tick, args.region, args.title)
    files.save_figure(fig, args.output, args.dpi)
    note = "" if args.tick is None or shown == args.tick else f" (snapshot at tick {shown}, the nearest to {args.tick})"
    print(f"wrote {args.output}{note}")


if __name__ == "__main__":
    files.main_guard("plot_lattice.py", main)
