#!/usr/bin/env bash
# The confsim command as a user meets it: help, exit codes, error messages, files left behind.
set -u
confsim="$1"; source_dir="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work"
run2="$source_dir/scenarios/epstein/run2.yaml"
passed=0; failed=0
check() {  # check NAME EXPECTED_EXIT PATTERN -- command…
  local name="$1" want="$2" pattern="$3"; shift 4
  local out; out="$("$@" 2>&1)"; local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "FAIL $name: exit $got, expected $want"; echo "$out" | head -5; failed=$((failed + 1)); return
  fi
  if [ -n "$pattern" ] && ! grep -qE -- "$pattern" <<<"$out"; then
    echo "FAIL $name: output lacks /$pattern/"; echo "$out" | head -5; failed=$((failed + 1)); return
  fi
  passed=$((passed + 1))
}

check "help lists the subcommands" 0 "run.*validate|validate" -- "$confsim" --help
check "run --help explains --set" 0 "--set" -- "$confsim" run --help
check "version" 0 "^0\." -- "$confsim" --version
check "no subcommand is a usage error" 2 "" -- "$confsim"
check "run without -o is a usage error" 2 "output" -- "$confsim" run "$run2"
check "validate a good file" 0 "valid" -- "$confsim" validate "$run2"

sed 's/^  legitimacy:/  legitimcy:/' "$run2" > "$work/typo.yaml"
line=$(grep -n '^  legitimcy:' "$work/typo.yaml" | cut -d: -f1)
check "a typo names file:line:column and suggests" 2 "typo.yaml:$line:3: error: government.legitimcy: unknown key 'legitimcy' in 'government'; did you mean 'legitimacy'\?" -- "$confsim" validate "$work/typo.yaml"
check "a bad override is exit 2 and names the --set" 2 "^--set government.legitimacy=2: error: government.legitimacy: expected a number in \[0, 1\], found '2'" -- "$confsim" run "$run2" -o "$work/x.h5" --set government.legitimacy=2
check "a missing scenario is exit 2" 2 "cannot open" -- "$confsim" run "$work/none.yaml" -o "$work/x.h5"
check "a directory as scenario is exit 2" 2 "error" -- "$confsim" validate "$work"
[ ! -e "$work/x.h5" ] && passed=$((passed + 1)) || { echo "FAIL invalid input left an output file"; failed=$((failed + 1)); }

check "explain shows values and provenance" 0 "government.legitimacy +0.82 +source: Epstein 2002" -- "$confsim" explain "$run2"
check "explain shows preset choices" 0 "rules.ratio_rounding +floor +preset netlogo" -- "$confsim" explain "$run2"
check "explain --format json gives ranges and provenance" 0 '"path": "government.legitimacy", "type": "real", "value": 0.82, "unit": "", "min": 0, "max": 1, "min_open": false, "max_open": false' -- "$confsim" explain "$run2" --format json
check "explain --format takes text or json" 2 "format" -- "$confsim" explain "$run2" --format yaml
if [ -x /usr/bin/python3 ]; then
  # Every parameter of every shipped scenario, as a program reads them.
  for scenario in "$run2" "$source_dir"/scenarios/*/baseline.yaml; do
    check "explain --format json of $(basename "$(dirname "$scenario")") parses" 0 "^ok$" -- bash -c \
      "'$confsim' explain '$scenario' --format json | /usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); ps = d[\"parameters\"]; assert ps and all(p[\"path\"] and \"provenance\" in p and (\"max\" in p or p[\"type\"] != \"real\") for p in ps); print(\"ok\")'"
  done
fi
check "run prints where the file is and what it holds" 0 "^  / along time=61: active" -- "$confsim" run "$run2" -o "$work/r.h5" --ticks 60 --set citizens.vision=6
check "info describes the file" 0 "overrides: calendar.ticks=60|citizens.vision=6" -- "$confsim" info "$work/r.h5"
check "info shows dimensions" 0 "cell_state +\(snapshot_time=2, y=40, x=40\)" -- "$confsim" info "$work/r.h5"
echo "not hdf5" > "$work/text.h5"
check "info on a foreign file is exit 2 with a reason" 2 "not an HDF5 file" -- "$confsim" info "$work/text.h5"
head -c 3000 "$work/r.h5" > "$work/cut.h5"
check "info on a truncated file is exit 2" 2 "error" -- "$confsim" info "$work/cut.h5"
grep -v '^seed:' "$run2" > "$work/unseeded.yaml"
check "a run with no seed draws one" 0 "seed [0-9]+, drawn" -- "$confsim" run "$work/unseeded.yaml" -o "$work/drawn.h5" --ticks 5
check "and records that it was drawn" 0 "seed [0-9]+ \(drawn\)" -- "$confsim" info "$work/drawn.h5"
check "rerun from a file" 0 "wrote $work/again.h5" -- "$confsim" rerun "$work/r.h5" -o "$work/again.h5"

# confsim check scores run files against targets: exit 0 all met, 1 one missed, 2 bad input.
start=$("$confsim" info "$work/r.h5" | sed -nE 's/.* ticks from ([0-9-]{10}).*/\1/p')
year=${start%%-*}
cat > "$work/targets.yaml" <<TARGETS
targets:
  - name: arrests happen
    assumption: a test
    by_construction: false
    events: {kind: arrest, from: $start, to: $((year + 1))-12-31}
    runs_within: [1, .inf]
    min_share: 1
  - name: legitimacy on day 10
    assumption: a test
    by_construction: the scenario sets legitimacy
    series: {name: legitimacy, at: $start}
    mean_within: [0.8, 0.85]
TARGETS
check "check passes met targets, tests and by construction apart" 0 "1/1 targets met \(tests of the model\), 1/1 by construction over 2 runs" -- "$confsim" check "$work/r.h5" "$work/again.h5" --targets "$work/targets.yaml"
sed 's/mean_within: \[0.8, 0.85\]/mean_within: [0.9, 1]/' "$work/targets.yaml" > "$work/missed.yaml"
check "check fails a missed target with exit 1" 1 "legitimacy on day 10 .*FAIL" -- "$confsim" check "$work/r.h5" --targets "$work/missed.yaml"
sed 's/kind: arrest/kind: arest/' "$work/targets.yaml" > "$work/bad_kind.yaml"
check "check names a category the files lack" 2 "bad_kind.yaml:2:5: error: .*'arest'.*did you mean 'arrest'" -- "$confsim" check "$work/r.h5" --targets "$work/bad_kind.yaml"
check "check on a foreign file is exit 2" 2 "not an HDF5 file" -- "$confsim" check "$work/text.h5" --targets "$work/targets.yaml"

# A second conflict runs through run, check and sweep as it is: its targets' groups are reported apart,
# and its sweep writes a manifest over all its runs.
check "the Sudan scenario runs" 0 "wrote $work/sudan.h5" -- "$confsim" run "$source_dir/scenarios/sudan/baseline.yaml" -o "$work/sudan.h5"
check "and is checked, tests and by construction apart" 0 "6/6 targets met \(tests of the model\), 1/1 by construction over 1 run" -- "$confsim" check "$work/sudan.h5" --targets "$source_dir/scenarios/sudan/targets.yaml"
check "its sweep runs" 0 "18/18 runs" -- "$confsim" sweep "$source_dir/scenarios/sweeps/sudan_crackdown.yaml" -o "$work/sudan-sweep" --jobs 2

# A long run at a terminal shows a progress bar on stderr; the same run in a pipe prints none.
# The run is stopped by SIGINT after 2.5 s, so it lasts long enough for a bar on any machine.
bar_args=(run "$run2" -o "$work/bar.h5" --ticks 10000000 --set grid.width=200 --set grid.height=200
          --set output.snapshot_every=0)
tty_out="$(script -qec "$(printf '%q ' timeout -s INT 2.5 "$confsim" "${bar_args[@]}")" /dev/null 2>&1)"
pipe_out="$(timeout -s INT 2.5 "$confsim" "${bar_args[@]}" 2>&1)"
if grep -q "ETA" <<<"$tty_out" && ! grep -q "ETA" <<<"$pipe_out"; then
  passed=$((passed + 1))
else
  echo "FAIL progress bar: at a terminal: $(tail -c 200 <<<"$tty_out" | tr '\r' '\n' | tail -2)"; failed=$((failed + 1))
fi

# Event data: exports of a short Iraq run, compare against the documented events, and bad input.
iraq="$source_dir/scenarios/iraq/baseline.yaml"
documented="$source_dir/scenarios/data/iraq_documented_events.csv"
check "a short Iraq run" 0 "" -- "$confsim" run "$iraq" -o "$work/iraq.h5" --ticks 60 --seed 2 --set scale.people_per_agent=5000 -q
check "export --help names both formats" 0 "ucdp" -- "$confsim" export --help

# The viewer's command line (the page itself is tested in Chromium: tests/browser/viewer_test.mjs).
check "view --help explains --no-browser and the port" 0 "--no-browser.*|--port" -- "$confsim" view --help
check "view of a missing file is exit 2, one line naming it" 2 "^confsim view: $work/none.h5: no such file$" -- "$confsim" view "$work/none.h5" --no-browser
check "view of a directory without a manifest is exit 2" 2 "not a sweep directory" -- "$confsim" view "$work" --no-browser
check "view --port takes 0 to 65535" 2 "port" -- "$confsim" view "$work/none.h5" --port 70000
check "export writes ACLED's header to stdout" 0 "^event_id_cnty,event_date,year,time_precision,disorder_type,event_type" -- "$confsim" export "$work/iraq.h5"
check "export -o writes the file and nothing on stdout" 0 "^$" -- "$confsim" export "$work/iraq.h5" --format ucdp -o "$work/ged.csv"
check "the UCDP file has GED's columns" 0 "type_of_violence.*side_a.*side_b.*adm_1.*date_start.*date_end.*best,high,low" -- head -1 "$work/ged.csv"
check "two runs make one file with a run column" 0 "^run,event_id_cnty" -- "$confsim" export "$work/iraq.h5" "$work/iraq.h5"
check "export --format takes acled or ucdp" 2 "format" -- "$confsim" export "$work/iraq.h5" --format gdelt
check "export of an Epstein run says it has no crosswalk" 2 "does not map its events" -- "$confsim" export "$work/r.h5"
check "export of a missing file is exit 2" 2 "no such file" -- "$confsim" export "$work/none.h5"
check "compare prints cells and scores" 0 "coverage of the runs' 90% interval" -- "$confsim" compare "$work/iraq.h5" --observed "$documented" --by month
check "compare --by checks its words" 2 "by" -- "$confsim" compare "$work/iraq.h5" --observed "$documented" --by week
check "compare --tsv starts with its columns" 0 "^admin1	observed	mean	p05	p95	in_90	crps" -- "$confsim" compare "$work/iraq.h5" --observed "$documented" --by admin1 --tsv
printf 'event_date,event_type,admin1,fatalities\n2019-10-05,Riots,Baghdad,1\n2019-10-06,Protest,Basrah,0\n' > "$work/bad_type.csv"
check "an unknown event type names the file, line and column" 2 "bad_type.csv:3:12: error: event_type: row 2: 'Protest' is not one of ACLED's six event types \(did you mean 'Protests'\?\)" -- "$confsim" compare "$work/iraq.h5" --observed "$work/bad_type.csv"
check "the error is one line" 0 "^1$" -- bash -c "'$confsim' compare '$work/iraq.h5' --observed '$work/bad_type.csv' 2>&1 | wc -l"
printf 'event_date,event_type,admin1,fatalities\n2019-10-05,Riots,Ninaw\xe9,1\n' > "$work/latin1.csv"
check "another encoding is refused" 2 "latin1.csv:2:23: error: encoding: byte 0xe9 is not UTF-8" -- "$confsim" compare "$work/iraq.h5" --observed "$work/latin1.csv"
check "a failed export leaves no file" 2 "" -- "$confsim" export "$work/none.h5" -o "$work/none.csv"
[ ! -e "$work/none.csv" ] && passed=$((passed + 1)) || { echo "FAIL a failed export left a file"; failed=$((failed + 1)); }

# SIGINT during a long run: exit 130, nothing under the final name, no temporary file left.
"$confsim" run "$run2" -o "$work/interrupted.h5" --ticks 10000000 --set grid.width=400 --set grid.height=400 -q &
pid=$!
sleep 1.5
kill -INT "$pid"; wait "$pid"; code=$?
if [ "$code" -eq 130 ] && [ ! -e "$work/interrupted.h5" ] && [ -z "$(ls -A "$work" | grep tmp)" ]; then
  passed=$((passed + 1))
else
  echo "FAIL interrupted run: exit $code; files: $(ls -A "$work")"; failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
