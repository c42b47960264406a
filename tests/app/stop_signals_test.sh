#!/usr/bin/env bash
# Stopping a run whose tick does not end soon: SIGTERM waits CONFSIM_STOP_GRACE_SECONDS for the tick,
# then stops the process (exit 143); a second SIGINT stops it at once (exit 130); a sweep's workers
# stop alike. Each time no temporary file and no file under a final name is left.
#
# The long tick is real: every protesting group of a region looks for a gunmen's position within
# reach among 10,000 positions of a reach of one cell, so a tick of the Iraq scenario at 20 people a
# group takes seconds (7 s on the machine of docs/performance.md, longer under the sanitizers).
set -u
confsim="$1"; source_dir="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work"
passed=0; failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }

long_tick=(--set scale.people_per_agent=20 --set actors.asaib_ahl_al_haq.offices=10000
           --set actors.asaib_ahl_al_haq.anti_protest=1 --set armed_group_rules.protest_fire_rate=1000
           --set armed_group_rules.office_reach_people=1 --set actors.tishreen_movement.threshold=0
           --set regions.baghdad.hardship=1)
iraq="$source_dir/scenarios/iraq/baseline.yaml"

# The first tick is short (nobody protests before it); the later ones are long (release: 2 s, then
# 8 s each; asan: 20 s, then 45 s each). How long a run of one tick takes on this machine and build,
# half as long again, says when the second tick is well under way.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
start=$(now_ms)
"$confsim" run "$iraq" -o "$work/one-tick.h5" --threads 1 --ticks 1 -q "${long_tick[@]}" || bad "a run of one tick failed"
first_tick_ms=$(( $(now_ms) - start ))
rm -f "$work/one-tick.h5"
# Waits until the process has run that long and three seconds more, and is writing under DIR. One
# second more was not enough on a loaded machine: the release build's 2-second tick was then still
# ending, and a signal meant to land mid-tick landed at its end.
wait_for_second_tick() {
  local dir="$1" pid="$2" launched="$3"
  while [ $(( $(now_ms) - launched )) -lt $(( first_tick_ms * 3 / 2 + 3000 )) ]; do
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  ls -A "$dir" | grep -q '\.tmp-'
}
no_leftovers() {  # no_leftovers DIR: nothing but the log
  [ -z "$(ls -A "$1" | grep -v '\.log$')" ]
}
# stop_and_check WHAT PID LAUNCHED DIR LOG EXIT MESSAGE MOST_MS SIGNAL...
# Once the process is in its second tick, sends the signals 0.3 s apart, then checks its exit status,
# its message, the time from the last signal to its exit, and that DIR holds no output of any name.
stop_and_check() {
  local what="$1" pid="$2" launched="$3" dir="$4" log="$5" want="$6" message="$7" most_ms="$8"; shift 8
  if ! wait_for_second_tick "$dir" "$pid" "$launched"; then
    bad "$what: the run never began writing: $(cat "$log")"; kill -9 "$pid" 2>/dev/null; return
  fi
  local start; start=$(now_ms); kill -"$1" "$pid"; shift
  for signal in "$@"; do sleep 0.3; start=$(now_ms); kill -"$signal" "$pid"; done
  wait "$pid"; local code=$?; local took=$(( $(now_ms) - start ))
  if [ "$code" -eq "$want" ] && grep -q "$message" "$log" && no_leftovers "$dir" && [ "$took" -lt "$most_ms" ]; then
    ok; echo "$what: exit $code after $took ms"
  else
    bad "$what: exit $code after $took ms; $(cat "$log"); files: $(ls -A "$dir")"
  fi
}

# 1. One SIGTERM during a long tick: stopped once the grace has passed, without waiting for the tick.
mkdir -p "$work/term"
CONFSIM_STOP_GRACE_SECONDS=1 "$confsim" run "$iraq" -o "$work/term/run.h5" --threads 1 --ticks 30 -q \
  "${long_tick[@]}" 2>"$work/term/run.log" &
stop_and_check "SIGTERM during a long tick" $! "$(now_ms)" "$work/term" "$work/term/run.log" 143 \
  "did not end in time" 4000 TERM

# 2. Two SIGINTs: the second stops the process at once, however long the grace.
mkdir -p "$work/int"
CONFSIM_STOP_GRACE_SECONDS=600 "$confsim" run "$iraq" -o "$work/int/run.h5" --threads 1 --ticks 30 -q \
  "${long_tick[@]}" 2>"$work/int/run.log" &
stop_and_check "a second SIGINT" $! "$(now_ms)" "$work/int" "$work/int/run.log" 130 "a second signal" 2000 INT INT

# 3. A sweep of two such runs at once: one SIGTERM, both workers stopped, no temporary file left.
cat > "$work/sweep.yaml" <<EOF
confsim_sweep: 1
name: long-ticks
scenario: $iraq
ticks: 30
design: grid
replicates: 1
master_seed: 1
parameters:
  scale.people_per_agent: {values: [20]}
  actors.asaib_ahl_al_haq.offices: {values: [10000]}
  actors.asaib_ahl_al_haq.anti_protest: {values: [1]}
  armed_group_rules.protest_fire_rate: {values: [1000]}
  armed_group_rules.office_reach_people: {values: [1]}
  actors.tishreen_movement.threshold: {values: [0]}
  regions.baghdad.hardship: {values: [0.9, 1]}
EOF
CONFSIM_STOP_GRACE_SECONDS=1 "$confsim" sweep "$work/sweep.yaml" -o "$work/sweep" --jobs 2 >/dev/null \
  2>"$work/sweep.log" &
pid=$!; launched=$(now_ms)
# Two runs share two cores here, and the sweep first checks its design: twice the wait.
first_tick_ms=$(( 2 * first_tick_ms ))
stop_and_check "SIGTERM during a sweep's long ticks" "$pid" "$launched" "$work/sweep/runs" "$work/sweep.log" 143 \
  "did not end in time" 4000 TERM

# 4. A grace that is not a number is refused before anything runs.
CONFSIM_STOP_GRACE_SECONDS=soon "$confsim" run "$iraq" -o "$work/bad.h5" --ticks 1 -q 2>"$work/bad.log"; code=$?
[ "$code" -eq 2 ] && grep -q "CONFSIM_STOP_GRACE_SECONDS.*expected a number of seconds" "$work/bad.log" && [ ! -e "$work/bad.h5" ] \
  && ok || bad "a bad CONFSIM_STOP_GRACE_SECONDS: exit $code; $(cat "$work/bad.log")"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
