"""Reading confsim's run files and sweep manifests for the figure scripts, with h5py alone.

Everything here reads what docs/output-format.md and docs/sweeps.md describe, the way any HDF5
user would: no confsim code is needed. A file that is missing, not HDF5, truncated or written by
something other than confsim stops the script with one line on stderr and exit status 2
(`InputProblem`, raised here and turned into that exit by `main_guard`).

Import it from a script in this folder (`import confsim_files`); run the scripts with
/usr/bin/python3 (Debian's python3-h5py, python3-numpy, python3-matplotlib, python3-pil).
"""
import argparse
import datetime as dt
import importlib.util
import os
import sys
import tempfile

DEBIAN_PACKAGES = {"h5py": "python3-h5py", "numpy": "python3-numpy", "matplotlib": "python3-matplotlib",
                   "PIL": "python3-pil"}


def require(script, *modules):
    """Exits with a line naming the Debian packages to install when a module is missing (the
    `python3` first on some PATHs is not Debian's, and has none of them)."""
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        sys.exit(f"{script}: Python modules missing: {', '.join(missing)}; install Debian's "
                 f"{' '.join(DEBIAN_PACKAGES[m] for m in missing)} (scripts/install-deps.sh) and run with "
                 "/usr/bin/python3")


require(os.path.basename(sys.argv[0]) or "confsim_files", "h5py", "numpy")
import h5py  # noqa: E402
import numpy as np  # noqa: E402

FIGURE_FORMATS = (".png", ".svg", ".pdf")


class InputProblem(Exception):
    """A problem with what the user gave (a file, an option): one line, exit status 2."""


def main_guard(script, main):
    """Runs main(); turns an InputProblem, and any error from reading a damaged HDF5 file, into one
    line on stderr and exit status 2."""
    try:
        main()
    except InputProblem as problem:
        print(f"{script}: {problem}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


def text(value):
    """An HDF5 string (bytes or str, scalar or one-element array) as str."""
    if isinstance(value, np.ndarray):
        value = value.item() if value.size == 1 else value.tolist()
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def figure_path(path, allowed=FIGURE_FORMATS):
    """Checks the extension of an output path before any work is done; returns the path."""
    ext = os.path.splitext(path)[1].lower()
    if ext not in allowed:
        raise InputProblem(f"{path}: the format comes from the extension; expected one of "
                           f"{', '.join(allowed)}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputProblem(f"{path}: the folder {folder} does not exist")
    return path


def write_atomically(path, write):
    """Calls write(temporary_path) and renames the result to path only when it is complete, so an
    interrupted or failed script never leaves a half-written file under the requested name."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.tmp-", suffix=os.path.splitext(path)[1],
                                dir=folder)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temp, 0o666 & ~umask)  # mkstemp's 0600 would otherwise stay on the finished file
    try:
        write(temp)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def positive_number(text):
    """An argparse type: a number above 0."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number above 0, found '{text}'")
    return value


def add_figure_options(parser, output_help="figure to write (.png, .svg or .pdf)",
                       title_help="the figure's title (default: scenario, seed and period)"):
    """The options every figure script takes: -o, --dpi, --title."""
    parser.add_argument("-o", "--output", required=True, metavar="FIG", help=output_help)
    parser.add_argument("--dpi", type=positive_number, default=120,
                        help="resolution of PNG and GIF output, dots per inch (default 120)")
    parser.add_argument("--title", help=title_help)


def save_figure(fig, path, dpi=120):
    """Writes a matplotlib figure in the format its extension names, atomically."""
    write_atomically(path, lambda temp: fig.savefig(temp, dpi=dpi, bbox_inches="tight", pad_inches=0.15,
                                                             format=os.path.splitext(path)[1][1:]))


def open_hdf5(path, what):
    """Opens path read-only, or raises an InputProblem saying why it cannot be read."""
    if not os.path.exists(path):
        raise InputProblem(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputProblem(f"{path}: a folder, not {what}")
    if not h5py.is_hdf5(path):
        raise InputProblem(f"{path}: not an HDF5 file, so not {what}")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise InputProblem(f"{path}: an HDF5 file that cannot be opened (truncated or damaged?): {e}") from None


def write_run_figure(args, make):
    """A run figure script's work once its options are parsed: check the output's name, read the
    run, draw it with make(run) and write the figure."""
    figure_path(args.output)
    run = Run(args.input)
    save_figure(make(run), args.output, args.dpi)
    print(f"wrote {args.output}")


def read_checked(path, what, marker, read):
    """Opens path, checks that it carries the attribute `marker` that confsim writes into files of
    this kind, and calls read(file); an error from reading a damaged file becomes an InputProblem."""
    f = open_hdf5(path, what)
    try:
        with f:
            if marker not in f.attrs:
                raise InputProblem(f"{path}: an HDF5 file, but not {what} (no {marker} attribute)")
            read(f)
    except InputProblem:
        raise
    except (OSError, KeyError, ValueError, TypeError, IndexError) as e:
        raise InputProblem(f"{path}: a damaged or incomplete file, not readable as {what} "
                           f"({type(e).__name__}: {e})") from None


def figure_parser(doc, input_metavar="RUN.h5", input_help="a run file written by confsim run", **figure_options):
    """An argument parser with the script's description, its input file and the figure options."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", metavar=input_metavar, help=input_help)
    add_figure_options(parser, **figure_options)
    return parser


def flag_names(dataset):
    """{code: name} from CF flag_values / flag_meanings, or None when the variable has none."""
    values, meanings = dataset.attrs.get("flag_values"), dataset.attrs.get("flag_meanings")
    if values is None or meanings is None:
        return None
    return dict(zip((int(v) for v in np.atleast_1d(values)), text(meanings).split()))


def days_since(units):
    """The start date of CF units 'days since YYYY-MM-DD'."""
    prefix = "days since "
    units = text(units)
    if not units.startswith(prefix):
        raise ValueError(f"time units '{units}' are not 'days since <date>'")
    return dt.date.fromisoformat(units[len(prefix):len(prefix) + 10])


class Series:
    """A per-tick series: values with time first, then one axis per extra dimension."""

    def __init__(self, name, values, dims, labels, long_name, units):
        self.name, self.values, self.dims, self.labels = name, values, dims, labels
        self.long_name, self.units = long_name, units

    def total(self):
        """Per-tick totals over the extra dimensions (a national figure from per-region ones)."""
        return self.values.reshape(len(self.values), -1).sum(axis=1)


class Run:
    """What a run file holds, read eagerly so that damage shows up here and not halfway through a
    figure: attributes, dates, series, the events table and the schedule. Snapshots are read one at
    a time (`snapshot`), since they can be large."""

    def __init__(self, path):
        self.path = path
        read_checked(path, "a confsim run file", "confsim_file_format", self._read)

    def _read(self, f):
        self.attrs = {k: text(v) if isinstance(v, (bytes, str, np.bytes_)) else v for k, v in f.attrs.items()}
        self.model = text(f.attrs.get("model", "unknown"))
        time = f["time"]
        self.start = days_since(time.attrs["units"])
        self.days = time[...].astype(int)
        self.dates = np.array([np.datetime64(self.start) + np.timedelta64(int(d), "D") for d in self.days])
        self.labels = {}
        for name in ("region", "faction"):
            if name in f:
                self.labels[name] = [text(v) for v in f[name][...]]
        self.series = {}
        n = len(self.days)
        for name, ds in f.items():
            if not isinstance(ds, h5py.Dataset) or name == "time" or ds.ndim == 0 or ds.shape[0] != n:
                continue
            dims = _dimension_names(ds)
            if not dims or dims[0] != "time":
                continue
            self.series[name] = Series(name, ds[...], dims[1:], [self.labels.get(d) for d in dims[1:]],
                                       text(ds.attrs.get("long_name", name)), text(ds.attrs.get("units", "")))
        self.events = self._read_table(f, "events", ("tick", "kind", "actor", "target", "region", "target_actor",
                                                     "killed", "wounded", "arrested"))
        self.schedule = []
        if "schedule" in f:
            g = f["schedule"]
            for tick, name, action in zip(g["tick"][...], g["name"][...], g["action"][...]):
                self.schedule.append((int(tick), text(name), text(action)))
        self.snapshot_names = [name for name, ds in f.items()
                               if isinstance(ds, h5py.Dataset) and _dimension_names(ds)[:1] == ["snapshot_time"]
                               and ds.ndim == 3]
        self.snapshot_ticks = []
        if "snapshot_time" in f:
            self.snapshot_ticks = [int(d) - int(self.days[0]) for d in f["snapshot_time"][...]]

    @staticmethod
    def _read_table(f, group, columns):
        """{column: array}, with code columns decoded to names (numpy arrays of str)."""
        table = {}
        if group not in f:
            return table
        g = f[group]
        for col in columns:
            if col not in g:
                continue
            values = g[col][...]
            names = flag_names(g[col])
            if names is not None:
                values = np.array([names.get(int(v), "none" if int(v) < 0 else f"code {int(v)}") for v in values],
                                  dtype=object)
            table[col] = values
        return table

    def date_of(self, tick):
        return np.datetime64(self.start) + np.timedelta64(int(self.days[0]) + int(tick), "D")

    def event_dates(self):
        return np.array([self.date_of(t) for t in self.events.get("tick", [])], dtype="datetime64[D]")

    def scheduled_events(self):
        """[(date, name)] of the scheduled changes within the run, one per occurrence, in order."""
        return [(self.date_of(tick), name) for tick, name, _ in self.schedule]

    def snapshot(self, name, tick):
        """(tick actually shown, 2-D array of codes, {code: name}) for the snapshot nearest to tick."""
        index = int(np.argmin([abs(t - tick) for t in self.snapshot_ticks]))
        try:
            with h5py.File(self.path, "r") as f:
                ds = f[name]
                return self.snapshot_ticks[index], ds[index, :, :], flag_names(ds) or {}
        except (OSError, KeyError, ValueError) as e:
            raise InputProblem(f"{self.path}: cannot read snapshot {name} ({type(e).__name__}: {e})") from None

    def title(self):
        name = self.attrs.get("scenario_name", os.path.basename(self.path))
        return (f"{name} — seed {self.attrs.get('seed', '?')}, {self.attrs.get('ticks', '?')} ticks "
                f"from {self.start.isoformat()}")


def _dimension_names(ds):
    """The names of a dataset's dimension scales, axis by axis ('' where none is attached)."""
    names = []
    for axis in ds.dims:
        scales = list(axis.keys())
        names.append(scales[0] if scales else "")
    return names


class Manifest:
    """A sweep's manifest.h5: one row per run, its parameters and summaries (docs/sweeps.md)."""

    FIXED = ("point", "replicate", "seed", "status", "wall_seconds", "file", "run")

    def __init__(self, path):
        if os.path.isdir(path):
            path = os.path.join(path, "manifest.h5")
        self.path = path
        read_checked(path, "a confsim sweep manifest", "confsim_manifest_format", self._read)

    def _read(self, f):
        self.attrs = {k: text(v) if isinstance(v, (bytes, str)) else v for k, v in f.attrs.items()}
        self.finished = f["status"][...] == 1
        self.point = f["point"][...]
        self.replicate = f["replicate"][...]
        self.files = [text(v) for v in f["file"][...]]
        self.parameters, self.summaries = {}, {}
        for name, ds in f.items():
            if not isinstance(ds, h5py.Dataset) or name in self.FIXED:
                continue
            long_name = text(ds.attrs.get("long_name", ""))
            values = ds[...]
            if values.dtype.kind in "OS":
                values = np.array([text(v) for v in values], dtype=object)
            if long_name.startswith("swept parameter "):
                self.parameters[name] = values
            elif long_name.startswith("summary "):
                self.summaries[name] = values

    def run_paths(self):
        """Paths of the finished runs' files."""
        folder = os.path.dirname(os.path.abspath(self.path))
        return [os.path.join(folder, f) for f, done in zip(self.files, self.finished) if done]

    def need(self, kind, name):
        table = self.parameters if kind == "parameter" else self.summaries
        if name not in table:
            known = ", ".join(table) or "none"
            raise InputProblem(f"{self.path}: no {kind} '{name}' in this sweep; its {kind}s: {known}")
        return table[name]
