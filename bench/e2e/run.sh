#!/usr/bin/env bash
# Push to vote, end to end: a real Gerrit server (testing-gerrit, its own JVM) and the real
# `bin/perestroika scheduler` (its own process, local dispatch over the Docker engine). For each of
# RUNS runs and each case (deb: a new upstream version, a new revision of the same upstream
# version; rpm: a new version, a new release), one change is pushed with git over HTTP and the clock
# runs from `git push` returning until Gerrit shows the farm's Verified vote on it (polled every
# 100 ms). Beside it, the build container's lifetime as the builder logs it (created to removed);
# the farm's share is the difference, run by run. Where the rest goes comes from the scheduler's
# API, its builds directory, the engine's events, its command log and a flight recording.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

RUNS=${RUNS:-5}
GAP_MS=${GAP_MS:-1000}
GOAL_S=1

w="$work_dir/e2e"
run_dir="$w/run"
samples="$w/samples.tsv"
outcomes="$w/outcomes.tsv"
rm -rf "$w" && mkdir -p "$w"

docker info >/dev/null 2>&1 || { echo "[e2e] the Docker engine does not answer: run bin/perestroika setup" >&2; exit 1; }
for image in perestroika/sbuild:latest perestroika/rpmbuild:latest; do
  docker image inspect "$image" >/dev/null 2>&1 || { echo "[e2e] no image $image: run bin/perestroika setup" >&2; exit 1; }
done

# The scheduler is started by the driver, which stops it and reaps its containers; should the
# driver itself be killed, this does it instead (only a process that still runs with this run's
# configuration, and only containers labelled as that process's).
reap() {
  local pid
  pid=$(cat "$run_dir/scheduler.pid" 2>/dev/null || true)
  [ -n "$pid" ] || return 0
  if grep -qF "$run_dir/perestroika.yaml" "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  docker ps -aq --filter "label=org.perestroika.owner-pid=$pid" | xargs -r docker rm -f >/dev/null
}
trap reap EXIT

echo "[e2e] building" >&2
# This checkout's modules and launcher jar: ~/.m2 is shared with other checkouts.
(cd "$repo_dir" && mvn -o -q install -DskipTests)
mvn -o -q -f "$bench_dir/e2e/pom.xml" package
target="$bench_dir/e2e/target"

java -cp "$repo_dir/testing-gerrit/target/classes:$target/classes:$target/lib/*" \
  org.perestroika.bench.e2e.PushToVote \
  --repo "$repo_dir" --work "$run_dir" --out "$w" --runs "$RUNS" --gap-ms "$GAP_MS" \
  2> >(tee "$w/bench.log" >&2)

cases="deb-upstream deb-revision rpm-version rpm-release"

# The measured runs' values of a measure for a case (run 0 is the warm-up).
values() { awk -F'\t' -v c="$1" -v m="$2" '$1 > 0 && $2 == c && $3 == m { print $4 }' "$samples"; }
# Per measured run with a vote: the measure, or 0 when that run has none (a tool not run, a wait
# too short to record), for sums over what a step did.
per_run() {
  awk -F'\t' -v c="$1" -v m="$2" '
    $1 > 0 && $2 == c && $3 == "push-to-vote" { runs[$1] = 1 }
    $1 > 0 && $2 == c && $3 ~ m { v[$1] += $4 }
    END { for (r in runs) print v[r] + 0 }' "$samples"
}
# "median (min–max)" in seconds, or — when there is none.
cell() {
  local m lo hi _
  if read -r m lo hi _ _ < <(values "$1" "$2" | stats 2>/dev/null); then
    printf '%s (%s–%s)' "$m" "$lo" "$hi"
  else
    printf '—'
  fi
}
median_of() { stats 2>/dev/null | cut -d' ' -f1 || true; }
med() { local v; v=$(values "$1" "$2" | median_of); printf '%s' "${v:-—}"; }
med_sum() { local v; v=$(per_run "$1" "$2" | median_of); printf '%s' "${v:-—}"; }
votes() {
  awk -F'\t' -v c="$1" '$1 > 0 && $2 == c { n++; if ($5 > 0) p++; else if ($5 < 0) m++ }
    END { printf "%d / %d of %d", p, m, n }' "$outcomes"
}
row() { # label, then one cell command per case
  local label=$1 fn=$2 measure=$3 c line
  line="| $label |"
  for c in $cases; do line+=" $($fn "$c" "$measure") |"; done
  echo "$line"
}

{
  echo "| case | votes +1 / −1 | push → vote, s | build container, created to removed, s | farm's share (push → vote − container), s | git push itself, s |"
  echo "|---|---|---|---|---|---|"
  for c in $cases; do
    printf '| %s | %s | %s | %s | %s | %s |\n' "$c" "$(votes "$c")" "$(cell "$c" push-to-vote)" \
      "$(cell "$c" container)" "$(cell "$c" farm)" "$(cell "$c" push)"
  done
} >"$w/headline.md"

{
  echo "| step (median s over the measured runs) | ${cases// / | } |"
  echo "|---|---|---|---|---|"
  row "s1 push returned → build queued (Gerrit's stream-events, routing, the store's insert)" med s1-event
  row "s2 queued → a worker started it" med s2-queue
  row "s3 started → the builder's out/ appeared (source assembly: mirror fetch, git archive, orig tarball)" med s3-assembly
  row "s4 out/ → the engine created the container (the builder stages the tree)" med s4-staging
  row "s5 container created → destroyed, as the engine's events have it" med s5-container
  row "  d1 created → started" med d1-create-start
  row "  d2 started → died (sbuild / rpmbuild)" med d2-run
  row "  d3 died → destroyed" med d3-die-destroy
  row "s6 destroyed → the builder's summary in the log" med s6-builder-end
  row "s7 summary → the publisher's answer in the log (publish)" med s7-publish
  row "s8 publisher's answer → finished in the store" med s8-record
  row "s9 finished → vote seen (report: Gerrit REST calls; the 100 ms poll)" med s9-vote
  row "no container ran: started → finished" med no-container-run
  row "**push → vote**" med push-to-vote
  row "build container, as the builder logs it (created to removed)" med container
  row "  of which outside the engine's created → destroyed (the create and remove requests)" med d4-outside-engine
  row "**farm's share**" med farm
} >"$w/steps.md"

{
  echo "| in the publish step (s7; median s per push, calls in brackets) | deb-upstream | deb-revision |"
  echo "|---|---|---|"
  pub() { # label, measure regex, count regex
    local line="| $1 |" c n
    for c in deb-upstream deb-revision; do
      n=
      if [ -n "${3:-}" ]; then n=$(per_run "$c" "$3" | median_of | sed 's/\.000$//'); fi
      line+=" $(med_sum "$c" "$2")${n:+ ($n)} |"
    done
    echo "$line"
  }
  pub "Java before the first command: the upload's checks and the version policy" '^cmd:s7-publish:before-first-command$'
  pub "  of which waiting for the base distro's InRelease files from the mirror (JFR: parked in BaseDistroIndex.download)" '^jfr:s7-publish:mirror-download$'
  pub "  of which reading the cached Packages index for the source's highest version (JFR: first to last sample in BaseDistroIndex.readSourceVersions)" '^jfr:s7-publish:read-packages$'
  pub "  the rest: the upload's checks (its files' checksums), the repository's set-up" '^jfr:s7-publish:other-before-first-command$'
  pub "reprepro (listfilter, include, export), each until the next command" '^cmd:s7-publish:reprepro[^:]*$' '^cmd:s7-publish:reprepro.*:count$'
  pub "gpg: the key's export, clearsign and detach-sign of each suite's Release" '^cmd:s7-publish:gpg [^:]*$' '^cmd:s7-publish:gpg .*:count$'
  pub "gpgv: each signature checked, the last one until the publisher's answer" '^cmd:s7-publish:gpgv$' '^cmd:s7-publish:gpgv:count$'
  pub "**the publish step**" '^s7-publish$'
  echo
  echo "| in source assembly and staging (s3, s4; median s per push, calls in brackets) | deb-upstream | deb-revision |"
  echo "|---|---|---|"
  pub "Java before the first command (reading the build, the dispatcher)" '^cmd:s3-assembly:before-first-command$'
  pub "git: cat-file, fetch from Gerrit into the mirror, ls-tree, archive" '^cmd:s3-assembly:git [^:]*$' '^cmd:s3-assembly:git .*:count$'
  pub "tar, gzip (the orig tarball), cp into out/" '^cmd:s3-assembly:(tar|gzip|cp)$' '^cmd:s3-assembly:(tar|gzip|cp):count$'
  pub "**source assembly (s3)**" '^s3-assembly$'
  pub "cp -a of the tree, then the container's create request (s4)" '^s4-staging$'
  echo
  echo "| in the report (s9; median s per push; JFR records waits of 10 ms or more) | ${cases// / | } |"
  echo "|---|---|---|---|---|"
  row "GET the change (HttpGerritRest.change)" med_sum '^jfr:s9-vote:wait:scheduler.gerrit.HttpGerritRest.change$'
  row "GET its messages (HttpGerritRest.hasReviewWithTag)" med_sum '^jfr:s9-vote:wait:scheduler.gerrit.HttpGerritRest.hasReviewWithTag$'
  row "POST the review (HttpGerritRest.review)" med_sum '^jfr:s9-vote:wait:scheduler.gerrit.HttpGerritRest.review$'
  row "**s9**, the rest of it the poll's delay" med s9-vote
} >"$w/inside.md"

warmup=$(for c in $cases; do
  printf '%s %s/%s/%s s; ' "$c" \
    "$(awk -F'\t' -v c="$c" '$1 == 0 && $2 == c && $3 == "push-to-vote" { printf "%.3f", $4 }' "$samples")" \
    "$(awk -F'\t' -v c="$c" '$1 == 0 && $2 == c && $3 == "container" { printf "%.3f", $4 }' "$samples")" \
    "$(awk -F'\t' -v c="$c" '$1 == 0 && $2 == c && $3 == "farm" { printf "%.3f", $4 }' "$samples")"
done | sed 's|//|/—/|g; s|/ s;|/— s;|g; s/; $//')

failures=$(sed -E 's/[0-9a-f]{40}/<commit>/g' "$outcomes" |
  awk -F'\t' -v runs="$RUNS" '$1 > 0 && $5 < 0 { n[$2 ": " $7]++ }
    END { for (k in n) printf "- %s (%d of %d measured runs)\n", k, n[k], runs }' |
  sed "s|$repo_dir/||g" | sort | cut -c1-400)
[ -n "$failures" ] || failures="- none"
# Where the scheduler logged such a build's fault: the first frames of the project's own code.
if grep -q "failed to run$" "$run_dir/scheduler.stdout"; then
  frames=$(awk '/\[ERROR\] build b[0-9]+ failed to run$/ { on = 1; next }
    on && /^\tat org\.perestroika/ { sub(/^\tat org\.perestroika\./, ""); printf "%s%s", sep, $0; sep = " ← "; if (++n == 3) exit; next }
    on && !/^\t/ && n > 0 { exit }' "$run_dir/scheduler.stdout")
  failures+=$'\n\n'"The scheduler's log, for each: \`[ERROR] build bN failed to run\`, then the exception above, thrown at ${frames}."
fi
if grep -q "has no debian/changelog" "$outcomes"; then
  failures+=" The scheduler assembles every project's source with GitSourceAssembler, which knows only Debian
source packages: it reads debian/changelog first and refuses a project without one, an rpm project
included. So no rpm change reaches RpmBuilder through the scheduler (the build is recorded FAILED,
\"could not run\", and voted −1 within a quarter of a second); the rpm rows above time that path, not a build."
fi

# Per format: the slowest of its cases' median farm's share against the goal.
verdict=$(for format in deb rpm; do
  worst='' worst_case=''
  for c in $cases; do
    [ "${c%%-*}" = "$format" ] || continue
    m=$(values "$c" farm | median_of)
    [ -n "$m" ] || continue
    if [ -z "$worst" ] || awk -v a="$m" -v b="$worst" 'BEGIN { exit !(a > b) }'; then
      worst=$m worst_case=$c
    fi
  done
  if [ -z "$worst" ]; then
    printf "NOT MET: %s: no %s build reached a container, so its farm's share was never measured" \
      "$format" "$format"
  else
    awk -v f="$format" -v m="$worst" -v c="$worst_case" -v g="$GOAL_S" 'BEGIN {
      printf "%s: %s: the farm'"'"'s share is a median %.2f s in its slowest case, %s (goal: under %d s)",
        (m < g) ? "MET" : "NOT MET", f, m, c, g }'
  fi
  echo
done | paste -sd';' | sed 's/;/; /g')

write_section e2e <<EOF
## Push to vote, end to end

\`RUNS=$RUNS bench/e2e/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine); $(java -version 2>&1 | head -n 1).
A real Gerrit $(sed -n 's/.*<gerrit.version>\(.*\)<\/gerrit.version>.*/\1/p' "$repo_dir/testing-gerrit/pom.xml") (testing-gerrit, in-memory, its own JVM) and \`bin/perestroika scheduler\` in a process of its own (launched as the
systemd unit does, so with the JVM's defaults, which the launcher keeps for the scheduler; local dispatch, 2 slots, embedded H2), both
on 127.0.0.1, and the Docker engine for the build containers. Other work ran on the machine meanwhile. The branches of \`acme/packages/fuel/debian/perestroika-hello\` (examples/hello) and
\`acme/packages/fuel/centos7/perestroika-hello-rpm\` (examples/hello-rpm) hold the examples; release mos10.0 builds
\`10.0\` for bookworm and centos7. Each run pushes one new change per case on top of the branch, one case after the
other with ${GAP_MS} ms between, so each change is built alone and published into a fresh review repository:

- deb-upstream: a new changelog entry 1.N-1~deb12+mos1 and a changed hello.c (a new orig tarball);
  deb-revision: a new entry 1.0-1~deb12+mos(N+1), debian/changelog alone;
  rpm-version: Version 1.N, a %changelog entry and a changed Source0; rpm-release: Release (N+1)%{?dist}~mos1
  and a %changelog entry.
- push → vote: from \`git push\` (HTTP) returning until \`GET /a/changes/<n>/revisions/1/review\` shows a Verified
  value on the patch set, polled every 100 ms (so it reads up to 100 ms plus a REST round trip late).
- build container: the builder's new log line \`perestroika: container time … s, created to removed\` (the
  create request until the removal returned). Farm's share: push → vote minus that, per run.
- Steps: build queued, started and finished from \`/api/builds/<id>\` (ms); the build's directory and
  \`build.log\` lines as they appear, watched every 10 ms; the container's create/start/die/destroy from
  \`docker events\` (ns). Commands from the scheduler's command runner (its debug log, timestamped; a
  command's time runs to the next command's start, so it holds the Java work after it). Waits and samples
  of the build worker threads from a flight recording (JFR's profile settings) taken during the same runs.
- $RUNS measured runs after one warm-up run (run 0: the JVM's first build, the first fetch of each project into
  the scheduler's git mirror), not counted. Warm-up push → vote/container/farm: $warmup.

$(<"$w/headline.md")

Where push → vote goes, step by step (medians of each step, so they need not add up to the median total;
a negative s1: Gerrit sent patchset-created before \`git push\` had returned):

$(<"$w/steps.md")

Inside the steps that are the farm's own:

$(<"$w/inside.md")

Votes −1 in the measured runs:

$failures

**Verdict:** $verdict.
EOF
echo "[e2e] results in $results" >&2
