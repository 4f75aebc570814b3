#!/usr/bin/env bash
# Scheduler burst: 200 patch-set-created events on 50 changes (patch sets 1 to 4 of each, the
# changes interleaved) handed to a real Scheduler as fast as it takes them, with the embedded H2
# store and local dispatch over a builder whose builds take BUILD_MS. Reports event-to-enqueued and
# event-to-dispatched latency, how many builds ran, and that no superseded patch set ran to the
# end; then one more patch set per change, each sent once a slot is free, for the scheduler's own
# latency to dispatch. Each round ends with enqueue + start round trips straight to the store on the
# same database, the baseline the latencies are divided by, round by round.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

RUNS=${RUNS:-5}
BUILD_MS=${BUILD_MS:-200}
SLOTS=${SLOTS:-$(nproc)}
CHANGES=${CHANGES:-50}
PATCHSETS=${PATCHSETS:-4}
SEED=${SEED:-42}
GOAL_MS=100

w="$work_dir/scheduler"
samples="$w/samples.tsv"
counts="$w/counts.tsv"
rm -rf "$w" && mkdir -p "$w"

echo "[scheduler] building" >&2
(cd "$repo_dir" && mvn -q -pl core,testing,scheduler -am install -DskipTests)
mvn -q -f "$bench_dir/scheduler/pom.xml" package
target="$bench_dir/scheduler/target"

# Round 0 warms the JVM and H2 up and is not reported. The scheduler's own log goes to a file.
# The project's modules come from this checkout, not from ~/.m2, which other checkouts share.
java -Dorg.slf4j.simpleLogger.logFile="$w/scheduler.log" \
  -cp "$repo_dir/core/target/classes:$repo_dir/scheduler/target/classes:$target/classes:$target/lib/*" \
  org.perestroika.bench.scheduler.SchedulerBurst \
  --work "$w/rounds" --out "$w" --rounds "$RUNS" --build-ms "$BUILD_MS" --slots "$SLOTS" \
  --changes "$CHANGES" --patchsets "$PATCHSETS" --paced "$CHANGES" --baseline "$((CHANGES * PATCHSETS))" \
  --seed "$SEED" 2> >(tee "$w/bench.log" >&2)

# Samples of a measure over the measured rounds, or over one round.
values() { awk -F'\t' -v m="$1" -v r="${2:-}" '$2 == m && $1 > 0 && (r == "" || $1 == r) { print $3 }' "$samples"; }
count() { awk -F'\t' -v c="$1" -v r="$2" '$1 == r && $2 == c { print $3 }' "$counts"; }
total() { awk -F'\t' -v c="$1" '$1 > 0 && $2 == c { s += $3 } END { print s + 0 }' "$counts"; }
# The p-th quantile (0 to 1) of numbers on stdin, interpolated as lib.sh's stats does.
quantile() {
  sort -g | awk -v p="$1" '{ v[NR] = $1 }
    END { if (NR == 0) exit 1; v[NR + 1] = v[NR]; h = (NR - 1) * p + 1; l = int(h)
          printf "%.3f\n", v[l] + (h - l) * (v[l + 1] - v[l]) }'
}
# Whether a file of round-first, tab-separated lines has any from a measured round.
measured_rows() { [ -f "$1" ] && awk -F'\t' '$1 > 0 { found = 1 } END { exit !found }' "$1"; }
# The scheduler's log from the first measured round on.
measured_log() { awk '/SchedulerBurst - round 1 begins$/ { on = 1 } on' "$w/scheduler.log"; }
median() { values "$1" | stats | cut -d' ' -f1; }
# Per round: the median of a measure over the median of the store's round trip.
ratio() {
  local r
  for ((r = 1; r <= RUNS; r++)); do
    awk -v a="$(values "$1" "$r" | stats | cut -d' ' -f1)" \
      -v b="$(values store-round-trip "$r" | stats | cut -d' ' -f1)" 'BEGIN { print a / b }'
  done | stats | awk '{ printf "%.1f (%.1f to %.1f)", $1, $2, $3 }'
}
row() { # label, measure, and "—" for no ratio
  local m lo hi q1 q3 p99
  read -r m lo hi q1 q3 < <(values "$2" | stats)
  p99=$(values "$2" | quantile 0.99)
  printf '| %s | %s | %s | %s | %s to %s | %s to %s | %s |\n' "$1" "$(values "$2" | wc -l)" \
    "$m" "$p99" "$lo" "$hi" "$q1" "$q3" "${3:-$(ratio "$2")}"
}

{
  echo "| measure | samples | median ms | p99 ms | min–max ms | IQR ms | ÷ store round trip, per round: median (min–max) |"
  echo "|---|---|---|---|---|---|---|"
  row "store alone: enqueue + start" store-round-trip
  row "(a) burst: event → enqueued" burst-enqueued
  row "burst: the whole onEvent call" burst-handled
  row "burst: store calls within onEvent" burst-store
  row "(b) burst, first wave: event → dispatched" first-wave-dispatched
  row "(b) free slot: event → dispatched" paced-dispatched
  row "free slot: event → enqueued" paced-enqueued
  row "free slot: enqueued → dispatched" paced-queue-to-builder
  row "burst, every build dispatched (most wait for a slot): event → dispatched" burst-dispatched —
} >"$w/latency.md"

{
  echo "| round | burst delivered in ms | dispatched | ran to the end | cancelled while queued | cancelled after starting | superseded that completed | votes +1 / −1 | free-slot builds ran | left unfinished |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for ((r = 1; r <= RUNS; r++)); do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s / %s | %s of %s | %s |\n' "$r" \
      "$(count burst-ms "$r")" "$(count dispatched "$r")" "$(count ran-to-end "$r")" \
      "$(count cancelled-queued "$r")" "$(count cancelled-running "$r")" \
      "$(count superseded-ran-to-end "$r")" "$(count votes-plus "$r")" "$(count votes-minus "$r")" \
      "$(count paced-ran-to-end "$r")" "$(count paced-events "$r")" "$(count left-unfinished "$r")"
  done
} >"$w/counts.md"

# Builds that ran to the end although their successor had arrived first, stamped in ms from the
# successor's event.
if measured_rows "$w/superseded.tsv"; then
  {
    echo "| round | patch set | queued | started in the store | recorded cancelled | dispatched (listener) | builder started | builder ended | published |"
    echo "|---|---|---|---|---|---|---|---|---|"
    awk -F'\t' -v OFS=' | ' '$1 > 0 { $1 = $1; print "| " $0 " |" }' "$w/superseded.tsv"
  } >"$w/superseded.md"
  # Both the start (QUEUED to RUNNING only) and the cancellation succeeded, so the start came
  # first; the stamps are taken after each call returned, so they may show either order.
  if awk -F'\t' '$1 > 0 && !($4 != "" && $5 != "") { bad = 1 } END { exit bad }' \
    "$w/superseded.tsv"; then
    cat >>"$w/superseded.md" <<'EOF'

A worker had started each of them in the store and the successor's event then recorded it cancelled
(both calls succeeded, and `start` moves only QUEUED builds, so the start came first; the stamps are
taken as the calls return). Yet the build was never interrupted: `Scheduler.cancel` interrupts only
the threads in `running`, and `Scheduler.work` registers itself there after `store.start`, then runs
the build without looking at its state again. So a build cancelled in between runs to its end,
occupying a slot, and is published; the store refuses its late result, so it gets no vote.
EOF
  fi
fi

details=
if [ -s "$w/superseded.md" ]; then
  details=$'\nThe superseded builds that ran to the end, in ms from their successor\'s event:\n\n'
  details+=$(<"$w/superseded.md")
  details+=$'\n'
fi

# Threads that died, and the failure the scheduler logged before each.
if measured_rows "$w/deaths.tsv"; then
  {
    echo "| round | thread | exception | thrown at |"
    echo "|---|---|---|---|"
    awk -F'\t' -v OFS=' | ' '$1 > 0 { $1 = $1; print "| " $0 " |" }' "$w/deaths.tsv"
    echo
    echo "What the scheduler logged as each build failed to run (it then tried to record it FAILED):"
    echo
    measured_log | awk '/ ERROR .* failed to run$/ {
      getline cause; sub(/^[^:]*: /, "", cause); sub(/ failed to run$/, ""); sub(/.* - /, "")
      print "- " $0 ": " cause }'
  } >"$w/deaths.md"
  if ! grep -qv 'interrupted while waiting for a database connection' <(awk -F'\t' '$1 > 0 { print $3 }' "$w/deaths.tsv"); then
    cat >>"$w/deaths.md" <<'EOF'

The interrupt that cancels a build reached its worker outside the builder's wait (in the call that
failed first, above), so it did not end in an InterruptedException: that store call failed on the
interrupt (`ConnectionPool.borrow`), `Scheduler.work` caught the failure and tried to record the
build FAILED with another store call in its catch block, which failed the same way and ended the
thread. The scheduler has a slot fewer from then on. The free-slot phase of such a round still counts
the lost slot, so some of its events wait up to a build's length for the other one: that is what the
free-slot rows' p99 and max show then.
EOF
  fi
  details+=$'\nWorker threads that died:\n\n'
  details+=$(sed "s|$repo_dir/||g" "$w/deaths.md")
  details+=$'\n'
fi

logged=$(measured_log | grep -cE '^\[[^]]*\] (WARN|ERROR) ' || true)
free=$(median paced-dispatched)
first=$(median first-wave-dispatched)
superseded=$(total superseded-ran-to-end)
deaths=$(total thread-deaths)
verdict=$(awk -v f="$free" -v w="$first" -v g="$GOAL_MS" -v s="$superseded" -v d="$deaths" 'BEGIN {
  printf "%s: with a free slot an event is dispatched a median %.1f ms after it arrives (first wave of the burst: %.1f ms; goal: under %d ms); %s: superseded patch sets that ran to the end: %d (goal: 0)",
    (f < g) ? "MET" : "NOT MET", f, w, g, (s == 0) ? "MET" : "NOT MET", s
  if (d > 0) printf "; worker threads that died: %d", d }')

write_section scheduler <<EOF
## Scheduler burst

\`RUNS=$RUNS BUILD_MS=$BUILD_MS SLOTS=$SLOTS bench/scheduler/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); $(uname -srm); nproc $(nproc); memory $(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo) GiB; $(java -version 2>&1 | head -n 1).
$RUNS measured rounds after one warm-up round, each on a fresh embedded H2 database; a real Scheduler,
JdbcBuildStore and LocalDispatcher with $SLOTS slots, over a builder whose builds sleep $BUILD_MS ms (a
cancellation interrupts the sleep) and write a .changes file; source assembly, publishing and Gerrit
(branch heads, votes) are in-memory stand-ins. Times are taken on the threads where things happen.

- Burst: $((CHANGES * PATCHSETS)) patch-set-created events, patch sets 1 to $PATCHSETS of $CHANGES changes
  (split code/spec projects, so each build is paired with the spec branch head), each change's patch sets
  in order but the changes shuffled together (seed $SEED), handed to \`Scheduler.onEvent\` from one
  thread back to back, as the SSH event stream does; \`createdOn\` is the moment of sending.
- Free slot: then patch set $((PATCHSETS + 1)) of each change, each sent once fewer builds are in flight
  than there are slots (in flight: from its event until the store recorded its vote).
- Store alone: $((CHANGES * PATCHSETS)) \`enqueue\` + \`start\` pairs straight to the same store, once the
  scheduler has stopped: the same-round baseline.
- event: just before \`onEvent\` is called. enqueued: the scheduler's \`buildQueued\`, after the store
  recorded the build (routing, the duplicate check, cancelling older builds, pairing, the insert).
  dispatched: LocalDispatcher handing the build to the builder, after a worker took it from the queue,
  started it in the store, looked for a build with the same inputs and assembled its source.
- (a) is the scheduler's own overhead per event. (b) is the latency the goal is about: the scheduler's
  own path from event to dispatch when a slot is free. With $SLOTS slots only the first wave of the
  burst (builds handed over before any build had left its slot: at most $SLOTS per round) finds one; every later
  build waits for a slot, so its event → dispatched (last row) measures the queue of $BUILD_MS ms builds,
  not the scheduler.

$(<"$w/latency.md")

Per round (superseded: a patch set whose successor's event arrived before its build ended. Cancelled
after starting: recorded cancelled once a worker had started them, as is right for a build already
running when its successor arrives, whose build is then interrupted. Superseded that completed: those
that ran to the end nonetheless):

$(<"$w/counts.md")

Over all measured rounds: builds recorded cancelled that ran to the end anyway: $(total cancelled-but-ran-to-end);
builds the builder started after their successor's event had arrived: $(total dispatched-after-successor);
published after it: $(total published-after-successor); voted on after it: $(total voted-after-successor).
Worker threads that died: $deaths; drains that timed out: $(total drain-timeouts); builds
left queued or running: $(total left-unfinished); events that made no build: $(total not-queued);
warnings and errors in the scheduler's log: $logged.
$details
**Verdict:** $verdict.
EOF
echo "[scheduler] results in $results" >&2
