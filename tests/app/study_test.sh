#!/usr/bin/env bash
# Calibration and sensitivity analysis as users run them, small enough for every build: a
# calibration on 1 and 2 threads and 2 MPI ranks gives the same posterior.h5, byte for byte, as
# does one killed with SIGKILL and run again; SIGINT says how to resume; posterior_mean.yaml is a
# valid scenario; bad and changed files are refused; the Saltelli and Morris analyses write their
# indices, resume to the same file, and the figure scripts and report read both folders.
set -u
confsim="$1"; source_dir="$2"; work="$3"; mpiexec="${4:-}"
rm -rf "$work"; mkdir -p "$work"
run2="$source_dir/scenarios/epstein/run2.yaml"
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }

cal="$work/cal.yaml"
cat > "$cal" <<YAML
confsim_calibration: 1
name: small
scenario: $run2
ticks: 60
master_seed: 3
parameters:
  government.legitimacy: {uniform: {from: 0.6, to: 1.0}}
  cops.density: {}
summaries:
  - {name: mean_active, series: {name: active, reduce: mean}}
  - {name: mean_jailed, series: {name: jailed, reduce: mean}}
reference: {set: {government.legitimacy: 0.8, cops.density: 0.04}, replicates: 4, master_seed: 1}
population: 40
generations: 3
validation_draws: 4
YAML
# The prior over the declared range of cops.density is [0, 1]: most draws leave no room for the
# citizens, and those scenarios are refused. A file that says so is an error, not a silent drop.
"$confsim" calibrate "$cal" -o "$work/refused" --jobs 2 >/dev/null 2>"$work/refused.log"; code=$?
[ $code -eq 2 ] && grep -q "expected at most 1 (one agent per cell)" "$work/refused.log" && ok ||
  { bad "a prior reaching impossible scenarios: exit $code"; tail -3 "$work/refused.log"; }
sed -i 's/  cops.density: {}/  cops.density: {uniform: {from: 0.02, to: 0.06}}/' "$cal"

"$confsim" calibrate "$cal" -o "$work/two" --jobs 2 >"$work/two.out" 2>"$work/two.log" && ok || { bad "calibrate --jobs 2"; tail -5 "$work/two.log"; }
grep -q "government.legitimacy: mean" "$work/two.out" && ok || bad "calibrate prints the posterior"
grep -q "generation 3 done: tolerance" "$work/two.log" && ok || bad "calibrate reports each generation"
"$confsim" calibrate "$cal" -o "$work/one" --jobs 1 >/dev/null 2>&1 && cmp -s "$work/two/posterior.h5" "$work/one/posterior.h5" &&
  ok || bad "1 thread and 2 threads give different posterior.h5"

if [ -n "$mpiexec" ]; then
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  "$mpiexec" --allow-run-as-root --oversubscribe -x ASAN_OPTIONS -np 2 "$confsim" calibrate "$cal" -o "$work/mpi" \
    >"$work/mpi.log" 2>&1 && grep -q "on 2 MPI ranks" "$work/mpi.log" && cmp -s "$work/two/posterior.h5" "$work/mpi/posterior.h5" &&
    ok || { bad "2 MPI ranks give another posterior.h5"; tail -5 "$work/mpi.log"; }
fi

# SIGKILL once runs are being made, then the same command: the same posterior, byte for byte.
"$confsim" calibrate "$cal" -o "$work/killed" --jobs 2 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do [ -d "$work/killed/generation_000" ] && break; sleep 0.05; done
sleep 0.$((RANDOM % 9)); kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
"$confsim" calibrate "$cal" -o "$work/killed" --jobs 2 >/dev/null 2>"$work/resumed.log" &&
  cmp -s "$work/two/posterior.h5" "$work/killed/posterior.h5" && ok || { bad "resume after SIGKILL"; tail -3 "$work/resumed.log"; }
find "$work/killed" -name '*tmp*' | grep -q . && bad "a temporary file of the killed calibration survived" || ok

slow="$work/slow.yaml"
sed -e 's/^ticks: 60/ticks: 3000/' "$cal" > "$slow"
"$confsim" calibrate "$slow" -o "$work/interrupted" --jobs 1 >/dev/null 2>"$work/int.log" &
pid=$!; sleep 1.5; kill -INT $pid; wait $pid; code=$?
[ $code -eq 130 ] && grep -q "Resume with: confsim calibrate" "$work/int.log" && ok || { bad "SIGINT: exit $code"; cat "$work/int.log"; }

/usr/bin/python3 - "$work/two" <<'PY' && ok || bad "posterior.h5 read by xarray along generation, particle, parameter"
import sys, numpy as np, xarray as xr
ds = xr.open_dataset(sys.argv[1] + "/posterior.h5", engine="h5netcdf")
assert dict(ds.sizes) == {"generation": 3, "particle": 40, "parameter": 2, "summary": 2}, ds.sizes
assert list(ds["parameter"].values) == ["government.legitimacy", "cops.density"]
assert np.allclose(ds["weights"].sum("particle"), 1)
tol = ds["tolerance"].values
assert np.isinf(tol[0]) and tol[2] < tol[1], tol
assert (ds["distances"].isel(generation=2) <= tol[2]).all()
v = ds["values"].isel(generation=-1)
assert float(v.sel(parameter="government.legitimacy").min()) >= 0.6 and float(v.sel(parameter="cops.density").max()) <= 0.06
assert ds.attrs["stopped_by"] == "generations" and "confsim_calibration" in ds.attrs["calibration_text"]
PY
# R reads the posterior as docs/calibration.md shows (the same means as xarray's).
if Rscript -e 'quit(status = if (requireNamespace("ncdf4", quietly = TRUE)) 0 else 1)' >/dev/null 2>&1; then
  Rscript -e 'library(ncdf4); nc <- nc_open(commandArgs(TRUE)[1]); v <- ncvar_get(nc, "values"); w <- ncvar_get(nc, "weights")
    p <- ncvar_get(nc, "parameter"); g <- dim(v)[3]; stopifnot(all(as.vector(p) == c("government.legitimacy", "cops.density")))
    cat(sprintf("%.12f", weighted.mean(v[1, , g], w[, g])), "\n")' "$work/two/posterior.h5" >"$work/r.txt" 2>&1 &&
  /usr/bin/python3 -c "
import sys, xarray as xr
ds = xr.open_dataset(sys.argv[1], engine='h5netcdf').isel(generation=-1)
m = float((ds['values'].sel(parameter='government.legitimacy') * ds['weights']).sum() / ds['weights'].sum())
assert abs(m - float(open(sys.argv[2]).read().split()[0])) < 1e-9, (m, open(sys.argv[2]).read())
" "$work/two/posterior.h5" "$work/r.txt" && ok || { bad "R reads posterior.h5"; cat "$work/r.txt"; }
fi
"$confsim" explain "$work/two/posterior_mean.yaml" >"$work/explain.txt" 2>&1 && grep -q "calibrated.*by cal.yaml: posterior mean" "$work/explain.txt" &&
  ok || { bad "posterior_mean.yaml is a scenario whose values say they were calibrated"; head -5 "$work/explain.txt"; }
[ "$(wc -l < "$work/two/validation.tsv")" -eq 3 ] && ok || bad "validation.tsv: a row per summary"

printf 'confsim_calibration: 1\nname: x\nscenario: %s\nmaster_seed: 1\nparameters:\n  government.legitimacy: {uniform: {from: 0.6}}\nsummaries:\n  - {name: a, series: {name: active, reduce: mean}}\nobserved: {a: {value: 3, sd: 1}}\npopulaton: 5\n' \
  "$run2" > "$work/bad.yaml"
"$confsim" calibrate "$work/bad.yaml" -o "$work/bad" 2>"$work/bad.log"; code=$?
[ $code -eq 2 ] && grep -q "bad.yaml:6:36: error: parameters.government.legitimacy.uniform.to: missing to" "$work/bad.log" &&
  grep -q "bad.yaml:10:1: error: populaton: unknown key 'populaton'; did you mean 'population'" "$work/bad.log" && [ ! -e "$work/bad" ] &&
  ok || { bad "bad calibration file: exit $code"; cat "$work/bad.log"; }
printf 'confsim_calibration: 1\nname: x\nscenario: %s\nmaster_seed: 1\nparameters:\n  government.legitimacy: {uniform: {from: 0.6, to: 1.5}}\nsummaries:\n  - {name: a, series: {name: active, reduce: mean}}\nobserved: {a: {value: 3, sd: 1}}\n' \
  "$run2" > "$work/wide.yaml"
"$confsim" calibrate "$work/wide.yaml" -o "$work/wide" 2>"$work/wide.log"; code=$?
[ $code -eq 2 ] && grep -q "wide.yaml:6:3: error: parameters.government.legitimacy: the prior uniform(0.6, 1.5) reaches outside" "$work/wide.log" &&
  ok || { bad "a prior outside the parameter's range: exit $code"; cat "$work/wide.log"; }
cp "$cal" "$work/cal.orig" && sed -i 's/master_seed: 3/master_seed: 4/' "$cal"
"$confsim" calibrate "$cal" -o "$work/two" 2>"$work/changed.log"; code=$?
mv "$work/cal.orig" "$cal"
[ $code -eq 2 ] && grep -q "the calibration file has changed" "$work/changed.log" && ok || { bad "a changed calibration against its directory: exit $code"; cat "$work/changed.log"; }
"$confsim" calibrate "$cal" -o "$work/slurm" --slurm --ntasks 4 | grep -q "sbatch" && grep -q "^#SBATCH --ntasks=4" "$work/slurm/slurm/calibrate.sbatch" &&
  grep -q "mpirun -n \"\$SLURM_NTASKS\" .* calibrate " "$work/slurm/slurm/calibrate.sbatch" && ok || bad "calibrate --slurm writes its job script"

# Sensitivity: Saltelli and Morris designs of 2 parameters.
for method in saltelli morris; do
  cat > "$work/$method.yaml" <<YAML
confsim_sweep: 1
name: $method
scenario: $run2
ticks: 60
design: $method
n: $([ $method = saltelli ] && echo 16 || echo 6)
replicates: 2
master_seed: 5
parameters:
  government.legitimacy: {uniform: {from: 0.7, to: 0.9}}
  jail.max_term: {uniform: {from: 10, to: 40}}
summaries:
  - {name: mean_active, series: {name: active, reduce: mean}}
YAML
  "$confsim" sensitivity "$work/$method.yaml" -o "$work/sa_$method" --jobs 2 >"$work/$method.out" 2>&1 && ok || { bad "sensitivity $method"; tail -3 "$work/$method.out"; }
done
grep -q "S1 .* ST " "$work/saltelli.out" && grep -q "mu\* " "$work/morris.out" && ok || bad "sensitivity prints its indices"
[ "$(ls "$work/sa_saltelli/runs" | wc -l)" -eq $((16 * 4 * 2)) ] && ! ls "$work/sa_saltelli/runs" | grep -q '\.h5$' && ok ||
  bad "a Saltelli design of 16 rows and 2 parameters is 64 points x 2 replicates, kept as summaries"
/usr/bin/python3 - "$work" <<'PY' && ok || bad "sensitivity.h5 read by xarray along summary, parameter"
import sys, numpy as np, xarray as xr
s = xr.open_dataset(sys.argv[1] + "/sa_saltelli/sensitivity.h5", engine="h5netcdf")
assert s["S1"].dims == ("summary", "parameter") and s.sizes["parameter"] == 2
for v in ("S1", "ST", "S1_low", "S1_high", "ST_low", "ST_high"):
    assert np.isfinite(s[v]).all(), v
assert (s["S1_low"] <= s["S1_high"]).all() and 0 <= float(s["seed_share"][0]) <= 1
m = xr.open_dataset(sys.argv[1] + "/sa_morris/sensitivity.h5", engine="h5netcdf")
assert np.isfinite(m["mu_star"]).all() and (m["mu_star"] >= abs(m["mu"]) - 1e-12).all()
assert int(m["failed_points"][0]) == 0
PY
if [ -n "$mpiexec" ]; then
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  "$mpiexec" --allow-run-as-root --oversubscribe -x ASAN_OPTIONS -np 2 "$confsim" sensitivity "$work/saltelli.yaml" -o "$work/sa_mpi" \
    >"$work/sa_mpi.log" 2>&1 && grep -q "by 2 MPI ranks" "$work/sa_mpi.log" && cmp -s "$work/sa_saltelli/sensitivity.h5" "$work/sa_mpi/sensitivity.h5" &&
    ok || { bad "a sensitivity analysis on 2 MPI ranks differs"; tail -5 "$work/sa_mpi.log"; }
fi
"$confsim" sensitivity "$work/saltelli.yaml" -o "$work/sa_killed" --jobs 1 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 200); do [ -d "$work/sa_killed/runs" ] && break; sleep 0.05; done
sleep 0.$((RANDOM % 5)); kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
"$confsim" sensitivity "$work/saltelli.yaml" -o "$work/sa_killed" >/dev/null 2>&1 &&
  cmp -s "$work/sa_saltelli/sensitivity.h5" "$work/sa_killed/sensitivity.h5" && ok || bad "a sensitivity analysis resumed after SIGKILL differs"
"$confsim" sensitivity "$source_dir/scenarios/sweeps/epstein_legitimacy.yaml" -o "$work/grid" 2>"$work/grid.log"; code=$?
[ $code -eq 2 ] && grep -q "needs design: saltelli" "$work/grid.log" && ok || { bad "sensitivity of a grid: exit $code"; cat "$work/grid.log"; }

for fig in "plot_posterior.py $work/two -o $work/posterior.png --truth government.legitimacy=0.8" \
           "plot_sensitivity.py $work/sa_saltelli -o $work/sobol.png" "plot_sensitivity.py $work/sa_morris -o $work/morris.svg" \
           "report.py $work/two -o $work/calibration.html" "report.py $work/sa_saltelli -o $work/sensitivity.html"; do
  /usr/bin/python3 $source_dir/scripts/$fig >/dev/null 2>"$work/fig.log" && ok || { bad "$fig"; cat "$work/fig.log"; }
done
/usr/bin/python3 "$source_dir/scripts/posterior_runs.py" "$work/two" "$run2" -o "$work/draws" --draws 3 --jobs 2 --confsim "$confsim" \
  >/dev/null 2>"$work/draws.log" && [ "$(ls "$work/draws"/draw_*.h5 | wc -l)" -eq 3 ] && [ "$(wc -l < "$work/draws/draws.tsv")" -eq 4 ] &&
  "$confsim" info "$work/draws/draw_002.h5" | grep -q "government.legitimacy" && ok || { bad "posterior_runs.py"; cat "$work/draws.log"; }
/usr/bin/python3 "$source_dir/scripts/plot_posterior.py" "$work/sa_saltelli" -o "$work/x.png" 2>"$work/fig.log"; code=$?
[ $code -eq 2 ] && grep -q "no such file" "$work/fig.log" && ok || { bad "plot_posterior.py of a folder without a posterior: exit $code"; cat "$work/fig.log"; }

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
