#!/usr/bin/python3
"""A calibration's posterior: each parameter's marginal against its prior, every pair of parameters,
and how the tolerance fell over the generations (top right).

  plot_posterior.py DIR -o FIG.png [--generation G] [--truth PARAM=VALUE]...

DIR is a folder made by `confsim calibrate` (or its posterior.h5). The diagonal shows the weighted
histogram of the last generation (or --generation G, 0 being the prior's draws) with the prior's
density and the 90% interval shaded; below it, each pair of parameters as the particles, darker by
weight; top right, the tolerance and acceptance rate per generation. --truth marks known values
(a known-answer test). Exit status 2 for a missing, foreign or damaged file.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import confsim_files as files  # noqa: E402

files.require("plot_posterior.py", "matplotlib")
import numpy as np  # noqa: E402
import confsim_plots as plots  # noqa: E402
import confsim_studies as studies  # noqa: E402


def parse_truth(pairs, parameters):
    truth = {}
    for pair in pairs or []:
        name, _, value = pair.partition("=")
        if name not in parameters:
            raise files.InputProblem(f"--truth {pair}: no calibrated parameter {name}; they are {', '.join(parameters)}")
        try:
            truth[name] = float(value)
        except ValueError:
            raise files.InputProblem(f"--truth {pair}: expected PARAM=NUMBER") from None
    return truth


def make_figure(posterior, generation=-1, truth=None, title=None):
    truth = truth or {}
    k = len(posterior.parameters)
    if not -len(posterior.tolerance) <= generation < len(posterior.tolerance):
        raise files.InputProblem(f"--generation {generation}: the calibration has generations 0 to "
                                 f"{len(posterior.tolerance) - 1}")
    x, w = posterior.final(generation)
    size = max(2.6, 8.0 / max(k, 1))
    columns = max(k, 2)  # the tolerance panel takes the top right corner, empty in a corner plot
    fig, axes = plots.plt.subplots(k, columns, figsize=(size * columns, size * k), squeeze=False)
    for ax in axes.flat:
        ax.set_visible(False)
    for i, name in enumerate(posterior.parameters):
        ax = axes[i][i]
        ax.set_visible(True)
        lo, hi = posterior.prior_low[i], posterior.prior_high[i]
        span_lo = lo if np.isfinite(lo) else x[:, i].min()
        span_hi = hi if np.isfinite(hi) else x[:, i].max()
        bins = np.linspace(span_lo, span_hi, 31)
        ax.hist(x[:, i], bins=bins, weights=w, density=True, color="#4c72b0", alpha=0.8, label="posterior")
        grid = np.linspace(span_lo, span_hi, 400)
        ax.plot(grid, posterior.prior_density(i, grid), color="#555", lw=1.2, ls="--", label="prior")
        mean, p05, p95 = posterior.interval(i, generation)
        ax.axvspan(p05, p95, color="#4c72b0", alpha=0.12, label="90% interval")
        ax.axvline(mean, color="#1f3d7a", lw=1.2, label=f"mean {mean:.4g}")
        if name in truth:
            ax.axvline(truth[name], color="#d62728", lw=1.5, label=f"truth {truth[name]:g}")
        ax.set_xlabel(name)
        ax.set_yticks([])
        ax.legend(loc="upper right")
    for i in range(k):
        for j in range(i):
            ax = axes[i][j]
            ax.set_visible(True)
            ax.scatter(x[:, j], x[:, i], s=8, c=w, cmap="Blues", vmin=0, vmax=w.max(), edgecolors="none")
            if posterior.parameters[j] in truth and posterior.parameters[i] in truth:
                ax.plot(truth[posterior.parameters[j]], truth[posterior.parameters[i]], "x", color="#d62728", ms=9, mew=2)
            ax.set_xlabel(posterior.parameters[j])
            ax.set_ylabel(posterior.parameters[i])
    ax = axes[0][columns - 1]
    ax.set_visible(True)
    gens = np.arange(len(posterior.tolerance))
    finite = np.isfinite(posterior.tolerance)
    ax.plot(gens[finite], posterior.tolerance[finite], "o-", color="#4c72b0", label="tolerance")
    ax.set_yscale("log")
    ax.set_xlabel("generation")
    ax.set_ylabel("tolerance")
    twin = ax.twinx()
    twin.plot(gens, posterior.acceptance_rate, "s--", color="#dd8452", label="acceptance rate")
    twin.set_ylabel("acceptance rate")
    twin.set_ylim(0, 1.05)
    ax.legend(loc="upper right")
    twin.legend(loc="center right")
    gen_label = len(posterior.tolerance) - 1 if generation == -1 else generation
    fig.suptitle(title or f"{os.path.basename(posterior.attrs.get('calibration_file', ''))}: generation {gen_label} "
                 f"of {len(posterior.tolerance) - 1}, {x.shape[0]} particles")
    fig.tight_layout()
    return fig


def main():
    parser = files.figure_parser(__doc__, "DIR", "a folder made by confsim calibrate, or its posterior.h5",
                                 title_help="the figure's title (default: calibration and generation)")
    parser.add_argument("--generation", type=int, default=-1, help="the generation to show (default: the last)")
    parser.add_argument("--truth", action="append", metavar="PARAM=VALUE", help="mark a known value")
    args = parser.parse_args()
    files.figure_path(args.output)
    posterior = studies.Posterior(args.input)
    fig = make_figure(posterior, args.generation, parse_truth(args.truth, posterior.parameters), args.title)
    files.save_figure(fig, args.output, args.dpi)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    files.main_guard("plot_posterior.py", main)
