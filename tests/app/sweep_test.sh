#!/usr/bin/env bash
# Sweeps as users run them: the local executor, 2 MPI ranks, array tasks with --collect, a sweep
# killed with SIGKILL and resumed, SIGINT, a changed sweep, a damaged run file, bad sweep files.
set -u
confsim="$1"; source_dir="$2"; work="$3"; mpiexec="${4:-}"
rm -rf "$work"; mkdir -p "$work"
sweep="$source_dir/scenarios/sweeps/epstein_legitimacy.yaml"
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL $1"; failed=$((failed + 1)); }
same_runs() {  # same_runs DIR_A DIR_B: every run file's datasets identical
  /usr/bin/python3 - "$1" "$2" <<'PY'
import glob, hashlib, os, sys
import h5py
def digest(d):
    out = {}
    for p in sorted(glob.glob(os.path.join(d, "runs", "*.h5"))):
        with h5py.File(p, "r") as f:
            parts = []
            f.visititems(lambda n, o: parts.append((n, hashlib.sha256(o[...].tobytes()).hexdigest())) if isinstance(o, h5py.Dataset) else None)
        out[os.path.basename(p)] = sorted(parts)
    return out
a, b = digest(sys.argv[1]), digest(sys.argv[2])
sys.exit(0 if a and a == b else 1)
PY
}

"$confsim" sweep "$sweep" -o "$work/local" --jobs 2 >/dev/null 2>&1 && ok || bad "local sweep"
[ "$(ls "$work/local/runs" | wc -l)" -eq 12 ] && ok || bad "local sweep wrote $(ls "$work/local/runs" | wc -l) runs, expected 12"
"$confsim" sweep "$sweep" -o "$work/one" --jobs 1 >/dev/null 2>&1 && same_runs "$work/local" "$work/one" && ok || bad "1 job differs from 2 jobs"

if [ -n "$mpiexec" ]; then
  # Under the address sanitizer, leak checking is off for this one launch: Open MPI keeps
  # allocations in plugins it unloads at exit, which LeakSanitizer can neither name nor suppress.
  # The same sweep code runs leak-checked in the local sweeps above and below.
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
  "$mpiexec" --allow-run-as-root --oversubscribe -x ASAN_OPTIONS -np 2 "$confsim" sweep "$sweep" -o "$work/mpi" >"$work/mpi.log" 2>&1 &&
    grep -q "by 2 MPI ranks" "$work/mpi.log" && same_runs "$work/local" "$work/mpi" && ok || { bad "2-rank MPI sweep"; cat "$work/mpi.log"; }
fi

for t in 0 1 2; do "$confsim" sweep "$sweep" -o "$work/tasks" --task $t --tasks 3 >/dev/null 2>&1 || bad "task $t"; done
"$confsim" sweep --collect "$work/tasks" | grep -q "12/12 runs finished" && same_runs "$work/local" "$work/tasks" && ok || bad "array tasks + --collect"

/usr/bin/python3 - "$work/local/manifest.h5" <<'PY' && ok || bad "manifest readable by xarray along run, links followed by h5py"
import sys, xarray as xr, h5py, numpy as np
ds = xr.open_dataset(sys.argv[1], engine="h5netcdf")
assert ds.sizes["run"] == 12, ds.sizes
assert set(ds["government.legitimacy"].values) == {0.7, 0.8, 0.9}
assert (ds["status"] == 1).all() and np.isfinite(ds["peak_active"]).all() and (ds["arrests"] > 0).any()
with h5py.File(sys.argv[1], "r") as f:
    assert f["run_files/run_000003"].attrs["seed"] == ds["seed"].values[3]
PY

# SIGKILL at a random moment, then resume: the same bytes as the uninterrupted sweep.
# The kill comes once the sweep has started writing runs (its start-up takes longer under the
# sanitizers), at a random moment within the next 0.4 s.
"$confsim" sweep "$sweep" -o "$work/killed" --jobs 1 >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do [ -d "$work/killed/runs" ] && break; sleep 0.05; done
sleep 0.$((RANDOM % 4)); kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
"$confsim" sweep "$sweep" -o "$work/killed" --resume >/dev/null 2>&1 && same_runs "$work/local" "$work/killed" && ok || bad "resume after SIGKILL"
ls -A "$work/killed/runs" | grep -q tmp && bad "a temporary file of the killed run survived the resume" || ok
/usr/bin/python3 - "$work/local/manifest.h5" "$work/killed/manifest.h5" <<'PY' && ok || bad "the resumed sweep's manifest differs (timings aside)"
import sys, xarray as xr
a, b = (xr.open_dataset(p, engine="h5netcdf") for p in sys.argv[1:3])
for name in a.variables:
    if name != "wall_seconds" and not a[name].equals(b[name]):
        sys.exit(f"manifest variable {name} differs")
PY

# A run file under its final name that is not what the run would write is redone, not trusted.
cp "$work/local/runs/run_000001.h5" "$work/killed/runs/run_000004.h5"
head -c 2000 "$work/local/runs/run_000002.h5" > "$work/killed/runs/run_000002.h5"
"$confsim" sweep "$sweep" -o "$work/killed" | grep -q "2 made now" && same_runs "$work/local" "$work/killed" && ok || bad "wrong or truncated run files are redone"

# SIGINT stops cleanly and says how to resume.
slow="$work/slow.yaml"
sed -e 's#scenario: ../epstein/run2.yaml#scenario: '"$source_dir"'/scenarios/epstein/run2.yaml#' -e 's/^ticks: 150/ticks: 4000/' "$sweep" > "$slow"
"$confsim" sweep "$slow" -o "$work/interrupted" --jobs 1 >/dev/null 2>"$work/int.log" &
pid=$!; sleep 1; kill -INT $pid; wait $pid; code=$?
[ $code -eq 130 ] && grep -q "Resume with: confsim sweep" "$work/int.log" && ok || { bad "SIGINT: exit $code"; cat "$work/int.log"; }
ls -A "$work/interrupted/runs" | grep -q tmp && bad "SIGINT left a temporary file" || ok

sed 's/master_seed: 20021/master_seed: 7/' "$sweep" > "$work/changed.yaml"
sed -i 's#scenario: ../epstein/run2.yaml#scenario: '"$source_dir"'/scenarios/epstein/run2.yaml#' "$work/changed.yaml"
"$confsim" sweep "$work/changed.yaml" -o "$work/local" 2>"$work/changed.log"; code=$?
[ $code -eq 2 ] && grep -q "master_seed" "$work/changed.log" && ok || { bad "a changed sweep against its directory: exit $code"; cat "$work/changed.log"; }

printf 'confsim_sweep: 1\nname: x\nscenario: %s\nmaster_seed: 1\nparameters:\n  government.legitimacy: {uniform: {from: 0.5, to: 0.9}}\nreplicats: 2\n' \
  "$source_dir/scenarios/epstein/run2.yaml" > "$work/bad.yaml"
"$confsim" sweep "$work/bad.yaml" -o "$work/bad" 2>"$work/bad.log"; code=$?
[ $code -eq 2 ] && grep -q "bad.yaml:6:[0-9]*: error: parameters.government.legitimacy.uniform: a grid needs countable values" "$work/bad.log" &&
  grep -q "bad.yaml:7:1: error: replicats: unknown key 'replicats'; did you mean 'replicates'" "$work/bad.log" && ok ||
  { bad "bad sweep file: exit $code"; cat "$work/bad.log"; }
printf 'confsim_sweep: 1\nname: x\nscenario: %s\nmaster_seed: 1\nparameters:\n  government.legitimacy: {values: [0.5, 2]}\n' \
  "$source_dir/scenarios/epstein/run2.yaml" > "$work/range.yaml"
"$confsim" sweep "$work/range.yaml" -o "$work/range" 2>"$work/range.log"; code=$?
[ $code -eq 2 ] && grep -q "expected a number in \[0, 1\], found '2' (design point 1" "$work/range.log" && [ ! -e "$work/range" ] && ok ||
  { bad "an invalid value in a sweep: exit $code"; cat "$work/range.log"; }

"$confsim" sweep "$sweep" -o "$work/nothing" --resume 2>&1 | grep -q "no sweep to resume here" && [ ! -e "$work/nothing" ] && ok || bad "--resume of a directory that holds no sweep"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
