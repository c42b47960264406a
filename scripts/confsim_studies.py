"""Reading the files of confsim's studies with h5py alone: a calibration's posterior.h5 and a
sensitivity analysis's sensitivity.h5 (docs/calibration.md describes both). A missing, foreign or
damaged file is an InputProblem (one line, exit status 2), as in confsim_files."""
import os

import confsim_files as files
import numpy as np


def study_file(path, name):
    """DIR or DIR/name → DIR/name."""
    return os.path.join(path, name) if os.path.isdir(path) else path


class Posterior:
    """The generations of an ABC-SMC calibration; `values` is (generation, particle, parameter)."""

    def __init__(self, path):
        self.path = study_file(path, "posterior.h5")

        def read(f):
            self.attrs = {k: files.text(v) for k, v in f.attrs.items()}
            self.parameters = [files.text(p) for p in f["parameter"][...]]
            self.summaries = [files.text(s) for s in f["summary"][...]]
            self.values = f["values"][...]
            self.weights = f["weights"][...]
            self.distances = f["distances"][...]
            self.tolerance = f["tolerance"][...]
            self.acceptance_rate = f["acceptance_rate"][...]
            self.ess = f["effective_sample_size"][...]
            self.prior = [files.text(p) for p in f["prior"][...]]
            self.prior_low, self.prior_high = f["prior_low"][...], f["prior_high"][...]
            self.prior_mean, self.prior_sd = f["prior_mean"][...], f["prior_sd"][...]
            self.observed, self.scale = f["observed"][...], f["scale"][...]
            self.particle_summaries = f["summaries"][...]

        files.read_checked(self.path, "a calibration's posterior (posterior.h5)", "calibration_file", read)
        if self.values.shape[0] == 0:
            raise files.InputProblem(f"{self.path}: no generation has finished yet")

    def final(self, generation=-1):
        """(values, weights) of a generation, weights normalised."""
        w = self.weights[generation]
        return self.values[generation], w / w.sum()

    def interval(self, j, generation=-1, level=0.9):
        """Weighted mean and central interval of parameter j."""
        x, w = self.final(generation)
        order = np.argsort(x[:, j])
        cumulative = np.cumsum(w[order])
        lo = x[order, j][np.searchsorted(cumulative, (1 - level) / 2)]
        hi = x[order, j][min(len(order) - 1, np.searchsorted(cumulative, 1 - (1 - level) / 2))]
        return float((x[:, j] * w).sum()), float(lo), float(hi)

    def prior_density(self, j, x):
        kind, lo, hi = self.prior[j], self.prior_low[j], self.prior_high[j]
        m, s = self.prior_mean[j], self.prior_sd[j]
        inside = (x >= lo) & (x <= hi)
        if kind == "uniform":
            return np.where(inside, 1.0 / (hi - lo), 0.0)
        if kind == "log_uniform":
            return np.where(inside, 1.0 / (x * np.log(hi / lo)), 0.0)
        from math import erf, sqrt
        phi = np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))
        if kind == "normal":
            return phi
        mass = 0.5 * (erf((hi - m) / (s * sqrt(2))) - erf((lo - m) / (s * sqrt(2))))
        return np.where(inside, phi / mass, 0.0)


class Sensitivity:
    """Sobol indices (method saltelli) or Morris effects (method morris), along (summary, parameter)."""

    def __init__(self, path):
        self.path = study_file(path, "sensitivity.h5")

        def read(f):
            self.attrs = {k: files.text(v) for k, v in f.attrs.items()}
            self.method = self.attrs["method"]
            self.parameters = [files.text(p) for p in f["parameter"][...]]
            self.summaries = [files.text(s) for s in f["summary"][...]]
            names = ("S1", "S1_low", "S1_high", "ST", "ST_low", "ST_high") if self.method == "saltelli" \
                else ("mu", "mu_star", "sigma")
            self.indices = {n: f[n][...] for n in names}
            self.seed_share = f["seed_share"][...]
            self.failed_points = f["failed_points"][...]

        files.read_checked(self.path, "a sensitivity analysis (sensitivity.h5)", "method", read)
