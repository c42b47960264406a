#!/usr/bin/env bash
# Runs the Iraq baseline and each counterfactual over seeds 1..N, then scores them:
# the baseline against scenarios/iraq/targets.yaml, every arm against scenarios/iraq/outcomes.yaml.
# Finished run files are kept, so a second call only runs what is missing.
#
#   scripts/iraq_counterfactuals.sh [--seeds N] [--out DIR] [--jobs J]
#
# Writes DIR/<arm>/seed<k>.h5, DIR/summary.txt (the check tables) and DIR/comparison.md (the
# outcomes of every arm side by side: mean [5th, 95th percentile] over seeds, as in docs/iraq.md).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
seeds=20; out="$here/out/iraq"; jobs="$(nproc)"
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "iraq_counterfactuals: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
confsim="${CONFSIM:-$here/build/release/app/confsim}"
[ -x "$confsim" ] || { echo "iraq_counterfactuals: no confsim at $confsim (build it, or set CONFSIM)" >&2; exit 2; }

arms=(baseline)
for f in "$here"/scenarios/iraq/counterfactuals/*.yaml; do arms+=("$(basename "$f" .yaml)"); done
for arm in "${arms[@]}"; do
  scenario="$here/scenarios/iraq/counterfactuals/$arm.yaml"
  [ "$arm" = baseline ] && scenario="$here/scenarios/iraq/baseline.yaml"
  mkdir -p "$out/$arm"
  echo "iraq_counterfactuals: $arm, $seeds seeds" >&2
  seq 1 "$seeds" | xargs -P "$jobs" -I{} sh -c \
    '[ -e "$3/seed$4.h5" ] || "$1" run "$2" -o "$3/seed$4.h5" --seed "$4" --threads 1 -q' _ \
    "$confsim" "$scenario" "$out/$arm" {}
done

summary="$out/summary.txt"
{
  echo "== baseline against scenarios/iraq/targets.yaml"
  "$confsim" check "$out"/baseline/seed*.h5 --targets "$here/scenarios/iraq/targets.yaml" || true
  for arm in "${arms[@]}"; do
    echo
    echo "== $arm: outcomes"
    "$confsim" check "$out/$arm"/seed*.h5 --targets "$here/scenarios/iraq/outcomes.yaml"
  done
} > "$summary"
for arm in "${arms[@]}"; do
  "$confsim" check "$out/$arm"/seed*.h5 --targets "$here/scenarios/iraq/outcomes.yaml" --tsv > "$out/$arm.tsv"
done
/usr/bin/python3 - "$out" "${arms[@]}" > "$out/comparison.md" <<'PY'
import csv, sys
out, arms = sys.argv[1], sys.argv[2:]
tables = {arm: list(csv.DictReader(open(f"{out}/{arm}.tsv"), delimiter="\t")) for arm in arms}
def cell(row):
    v = [float(row[k]) for k in ("mean", "p05", "p95")]
    fmt = (lambda x: f"{x:.2f}") if max(abs(x) for x in v) < 10 else (lambda x: f"{x:.1f}") if max(v) < 100 else (lambda x: f"{x:.0f}")
    return f"{fmt(v[0])} [{fmt(v[1])}, {fmt(v[2])}]"
print("| outcome | " + " | ".join(a.replace("_", " ") for a in arms) + " |")
print("|---|" + "---|" * len(arms))
for i, row in enumerate(tables[arms[0]]):
    print(f"| {row['target']} | " + " | ".join(cell(tables[a][i]) for a in arms) + " |")
PY
echo "iraq_counterfactuals: wrote $summary and $out/comparison.md" >&2
