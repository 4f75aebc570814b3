#!/usr/bin/env bash
# Build overhead: the wall time of `perestroika build` minus what sbuild itself reports as
# installing build dependencies and building, against the same sbuild command line run with a
# plain `docker run --rm`. The two alternate round by round, so that the load of a shared machine
# falls on both alike, and the Java path is reported against the CLI of the same round.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

PERESTROIKA=${PERESTROIKA:-$repo_dir/bin/perestroika}
SOURCE=${SOURCE:-$repo_dir/examples/hello}
DIST=${DIST:-bookworm}
CHROOT=${CHROOT:-/var/lib/perestroika/chroots/$DIST/current}
IMAGE=${IMAGE:-perestroika/sbuild:latest}
RUNS=${RUNS:-5}

w="$work_dir/overhead"
samples="$w/samples.tsv"
rm -rf "$w" && mkdir -p "$w"

# What SbuildBuilder stages for a source tree: its orig tarballs beside it, and the tree itself
# as <source>-<upstream version>, where sbuild is started.
first=$(head -n 1 "$SOURCE/debian/changelog")
name=${first%% *}
upstream=$(sed -E 's/^[^(]*\(([0-9]+:)?([^)]*)\).*/\2/; s/-[^-]*$//' <<<"$first")
tree="$name-$upstream"
shopt -s nullglob
origs=("$(dirname "$SOURCE")/${name}_${upstream}".orig*.tar.*)
shopt -u nullglob

n=0 # builds started: each gets a fresh output directory
record() { printf '%s\t%s\t%s\n' "$round" "$1" "$2" >>"$samples"; }
# sbuild's own phases, in whole seconds, from a build log.
phase() { sed -n "s/^$1-Time: \([0-9]*\)$/\1/p" "$2" | tail -n 1; }
# Records wall time and overhead (wall minus Install-Time and Build-Time) of a build that
# succeeded; fails for one that did not, so that the round runs it again.
measured() {
  local variant=$1 t0=$2 t1=$3 log=$4 status=$5 install build wall
  install=$(phase Install "$log")
  build=$(phase Build "$log")
  if [ "$status" != 0 ] || [ -z "$install" ] || [ -z "$build" ]; then
    echo "[overhead] $variant build failed (exit $status), see $log" >&2
    return 1
  fi
  wall=$(elapsed "$t0" "$t1")
  record "$variant-total" "$wall"
  record "$variant-overhead" "$(awk -v w="$wall" -v i="$install" -v b="$build" 'BEGIN { printf "%.3f", w - i - b }')"
}

java_path() {
  local out="$w/java-$((++n))" t0 t1 status=0 total
  t0=$(now_ns)
  "$PERESTROIKA" build "$SOURCE" --dist "$DIST" --out "$out" >"$out.log" 2>&1 || status=$?
  t1=$(now_ns)
  measured java "$t0" "$t1" "$(echo "$out"/*.build)" "$status" || return 1
  # The builder's own clock starts after the JVM, the configuration and the docker checks.
  total=$(sed -n 's/^perestroika: total time \([0-9.]*\) s$/\1/p' "$out.log")
  record java-before-builder "$(awk -v w="$(elapsed "$t0" "$t1")" -v t="$total" 'BEGIN { printf "%.3f", w - t }')"
}

# The same container as SbuildBuilder.containerSpec with the default build limits, staged and
# cleaned up the same way, so the difference is the Java path alone. The sbuild command line is
# the golden file the builder's unit test pins, so the two cannot drift apart.
mapfile -t sbuild_args < <(sed "s/^--dist=bookworm$/--dist=$DIST/" \
  "$repo_dir/worker/src/test/resources/golden/sbuild-tree.args")
# shellcheck disable=SC2054 # the commas are tmpfs options
docker_cli() {
  local out="$w/cli-$((++n))" t0 t1 status=0
  t0=$(now_ns)
  mkdir -p "$out"
  cp -- "${origs[@]}" "$out"
  cp -a -- "$SOURCE" "$out/$tree"
  docker run --rm --network host --memory 8589934592 --memory-swap 8589934592 --pids-limit 4096 \
    --cap-add SYS_ADMIN --security-opt apparmor=unconfined --security-opt seccomp=unconfined \
    -v "$(realpath "$CHROOT"):/srv/chroot:ro" -v "$out:/build" -w "/build/$tree" \
    --tmpfs /var/lib/schroot/union/overlay:rw,size=8589934592,mode=0755 \
    --tmpfs /var/lib/schroot/session:rw,size=16m \
    --tmpfs /var/lib/schroot/mount:rw,size=16m \
    --tmpfs /var/lib/schroot/union/underlay:rw,size=16m \
    "$IMAGE" "${sbuild_args[@]}" >"$out.log" 2>&1 || status=$?
  rm -rf "${out:?}/$tree"
  t1=$(now_ns)
  measured cli "$t0" "$t1" "$out.log" "$status"
}

# Round 0 warms the page cache, the JVM's jar (and builds it if stale) and is not reported;
# the variant that goes first alternates. A failed build is run again, a few times at most:
# on a shared machine something else may stop a build container.
variants=(java_path docker_cli)
failed=0
for ((round = 0; round <= RUNS; round++)); do
  for ((i = 0; i < ${#variants[@]}; i++)); do
    sync
    until "${variants[(i + round) % ${#variants[@]}]}"; do
      ((++failed <= 5)) || { echo "[overhead] too many failed builds, giving up" >&2; exit 1; }
    done
  done
  echo "[overhead] round $round/$RUNS done" >&2
done

values() { awk -F'\t' -v v="$1" '$2 == v && $1 > 0 { print $3 }' "$samples"; }
# Per-round ratio (or difference, with op "-") of one measure to another.
paired() {
  awk -F'\t' -v a="$1" -v b="$2" -v op="$3" '$1 == 0 { next }
    $2 == a { x[$1] = $3 } $2 == b { y[$1] = $3 }
    END { for (r in x) print (op == "-") ? x[r] - y[r] : x[r] / y[r] }' "$samples"
}
wide=
row() { # label, per-round column; values on stdin (not from a pipe: that is a subshell)
  local m lo hi q1 q3
  read -r m lo hi q1 q3 < <(stats)
  printf '| %s | %s | %s to %s | %s to %s | %s |\n' "$1" "$m" "$lo" "$hi" "$q1" "$q3" "$2"
  # Differences have medians near zero: only the times themselves are judged for spread.
  if [ "$2" != "—" ] && awk -v m="$m" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !((hi - lo) > 0.5 * m) }'; then
    wide+=" $1;"
  fi
}
ratio() { paired "$1" "$2" / | stats | awk '{ printf "%.2f (%.2f to %.2f)", $1, $2, $3 }'; }

# Into a file, not $(...): row sets $wide, which a subshell would lose.
{
  echo "| measure | median s | min–max s | IQR s | ÷ docker run, per round: median (min–max) |"
  echo "|---|---|---|---|---|"
  row "total, perestroika build" "$(ratio java-total cli-total)" < <(values java-total)
  row "total, docker run" "1" < <(values cli-total)
  row "overhead, perestroika build" "$(ratio java-overhead cli-overhead)" < <(values java-overhead)
  row "overhead, docker run" "1" < <(values cli-overhead)
  row "overhead of perestroika build minus docker run, per round" "—" < <(paired java-overhead cli-overhead -)
  row "total of perestroika build minus docker run, per round (no rounding)" "—" < <(paired java-total cli-total -)
  row "perestroika build before its builder starts (JVM, config, docker checks)" "—" < <(values java-before-builder)
} >"$w/table.md"
overhead=$(values java-overhead | stats | cut -d' ' -f1)
cli=$(values cli-overhead | stats | cut -d' ' -f1)
extra=$(paired java-total cli-total - | stats | cut -d' ' -f1)
verdict=$(awk -v o="$overhead" -v c="$cli" -v x="$extra" 'BEGIN {
  printf "%s: perestroika build spends a median %.2f s beyond sbuild'\''s Install-Time and Build-Time (goal: under 3 s); docker run alone %.2f s; the Java path costs %+.2f s over docker run in the same round (median of total differences)", (o < 3) ? "MET" : "NOT MET", o, c, x }')
[ -z "$wide" ] || verdict+=". Wide spreads (max−min > half the median:${wide%;}): the machine is shared, so read the per-round columns rather than the absolute times"

write_section overhead <<EOF
## Build overhead

\`RUNS=$RUNS PERESTROIKA=$PERESTROIKA bench/overhead/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine).
Source $(realpath --relative-to="$repo_dir" "$SOURCE") for $DIST; $RUNS measured rounds after one warm-up round, the two variants alternating.

- perestroika build: wall time of \`perestroika build $(realpath --relative-to="$repo_dir" "$SOURCE") --dist $DIST --out <fresh dir>\`.
- docker run: wall time of staging the source as SbuildBuilder does, \`docker run --rm\` of the same
  image, mounts, limits and sbuild command line, and removing the staged tree.
- overhead: wall time minus sbuild's \`Install-Time\` and \`Build-Time\` from the build log. sbuild gives
  those in whole seconds, so each overhead carries their rounding (up to ±1 s each). The overhead also holds
  sbuild's own work outside those two phases (chroot session, \`apt-get update\` of the chroot, building
  the source package, cleanup), which the docker run row shows on its own.
- Failed builds, run again and not counted: $failed.

$(<"$w/table.md")

**Verdict:** $verdict.
EOF
echo "[overhead] results in $results" >&2
