"""What the figure scripts share: matplotlib without a display, the time axis, scheduled events as
vertical lines, and one colour per lattice state. Run the scripts with /usr/bin/python3."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

plt.rcParams.update({"figure.dpi": 120, "font.size": 9, "axes.titlesize": 10, "axes.grid": True,
                     "grid.alpha": 0.3, "axes.spines.top": False, "axes.spines.right": False,
                     "legend.fontsize": 8, "legend.frameon": False})

# Colours of the lattice states, by the names in the files' flag_meanings (Epstein's and the conflict model's
# words for the same states share a colour).
STATE_COLOURS = {
    "empty": "#f4f4f4", "quiescent": "#9ecae1", "quiet": "#9ecae1", "active": "#d62728",
    "protesting": "#d62728", "jailed": "#2b2b2b", "detained": "#2b2b2b", "cop": "#1f4e9c",
    "security_unit": "#1f4e9c", "removed": "#b0b0b0", "dead": "#7f0000",
}
SCHEDULE_COLOUR = "#6a3d9a"


def time_axis(run, by_tick):
    """x values of the run's ticks: dates, or tick numbers with by_tick."""
    return np.arange(len(run.days)) if by_tick else run.dates


def event_x(run, ticks, by_tick):
    return np.asarray(ticks) if by_tick else np.array([run.date_of(t) for t in ticks], dtype="datetime64[D]")


def mark_schedule(run, axes, by_tick, label_on=None):
    """A vertical line on every axis at each scheduled change, its name written on label_on."""
    for tick, name, _ in run.schedule:
        x = tick if by_tick else run.date_of(tick)
        for ax in axes:
            ax.axvline(x, color=SCHEDULE_COLOUR, lw=0.8, ls="--", alpha=0.7, zorder=0)
        if label_on is not None:
            label_on.annotate(name, xy=(x, 1.0), xycoords=("data", "axes fraction"), xytext=(2, -2),
                              textcoords="offset points", rotation=90, va="top", ha="left", fontsize=6,
                              color=SCHEDULE_COLOUR)


def format_time_axis(ax, by_tick):
    if by_tick:
        ax.set_xlabel("tick")
        return
    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def state_colours(names):
    """Colours for codes 0..max by their names; unknown names get a colour of their own."""
    spare = iter(plt.get_cmap("tab10").colors)
    return {code: STATE_COLOURS.get(name) or next(spare) for code, name in sorted(names.items())}
