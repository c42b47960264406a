#!/usr/bin/python3
"""A sensitivity analysis's indices, one panel per summary.

  plot_sensitivity.py DIR -o FIG.png

DIR is a folder made by `confsim sensitivity` (or its sensitivity.h5). For Sobol indices (design
saltelli): the first-order (S1) and total-order (ST) index of every parameter as bars with their
bootstrap intervals, the most influential parameter first. For Morris effects (design morris): each
parameter at its mean absolute effect mu* and the spread sigma of its effects (far right: influential;
high: non-linear or interacting). Each panel's title gives the seed's share of a run's variance.
Exit status 2 for a missing, foreign or damaged file.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import confsim_files as files  # noqa: E402

files.require("plot_sensitivity.py", "matplotlib")
import numpy as np  # noqa: E402
import confsim_plots as plots  # noqa: E402
import confsim_studies as studies  # noqa: E402


def make_figure(sa, title=None):
    n = len(sa.summaries)
    fig, axes = plots.plt.subplots(1, n, figsize=(max(4.5, 1.1 * len(sa.parameters) + 2) * n, 3.8), squeeze=False)
    for s, (ax, summary) in enumerate(zip(axes[0], sa.summaries)):
        share = sa.seed_share[s]
        note = f"seed's share of variance {share:.2f}" if np.isfinite(share) else "one replicate per point"
        if sa.failed_points[s]:
            note += f"; {sa.failed_points[s]} points without a value"
        if sa.method == "saltelli":
            st, s1 = sa.indices["ST"][s], sa.indices["S1"][s]
            order = np.argsort(-np.nan_to_num(st, nan=-1))
            pos = np.arange(len(order))
            for offset, name, colour in ((-0.2, "S1", "#4c72b0"), (0.2, "ST", "#dd8452")):
                v = sa.indices[name][s][order]
                err = np.vstack([v - sa.indices[name + "_low"][s][order], sa.indices[name + "_high"][s][order] - v])
                ax.bar(pos + offset, v, 0.4, yerr=np.clip(err, 0, None), capsize=3, color=colour,
                       label="first order (S1)" if name == "S1" else "total order (ST)")
            ax.set_xticks(pos)
            ax.set_xticklabels([sa.parameters[i] for i in order], rotation=30, ha="right")
            ax.axhline(0, color="#999", lw=0.8)
            ax.set_ylabel("Sobol index")
            ax.set_ylim(min(-0.05, np.nanmin(s1) - 0.05), max(1.0, np.nanmax(st) + 0.05))
            ax.legend()
        else:
            mu_star, sigma = sa.indices["mu_star"][s], sa.indices["sigma"][s]
            ax.scatter(mu_star, sigma, color="#4c72b0")
            for i, name in enumerate(sa.parameters):
                ax.annotate(name, (mu_star[i], sigma[i]), xytext=(4, 3), textcoords="offset points", fontsize=8)
            ax.set_xlabel("mu* (mean |elementary effect| per unit interval)")
            ax.set_ylabel("sigma")
            ax.set_xlim(left=0)
            ax.set_ylim(bottom=0)
        ax.set_title(f"{summary}\n{note}")
    fig.suptitle(title or f"{os.path.basename(sa.attrs.get('sweep_file', ''))}: "
                 f"{'Sobol indices' if sa.method == 'saltelli' else 'Morris elementary effects'}")
    fig.tight_layout()
    return fig


def main():
    parser = files.figure_parser(__doc__, "DIR", "a folder made by confsim sensitivity, or its sensitivity.h5",
                                 title_help="the figure's title (default: the analysis file and method)")
    args = parser.parse_args()
    files.figure_path(args.output)
    fig = make_figure(studies.Sensitivity(args.input), args.title)
    files.save_figure(fig, args.output, args.dpi)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    files.main_guard("plot_sensitivity.py", main)
