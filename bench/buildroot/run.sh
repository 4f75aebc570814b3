#!/usr/bin/env bash
# Buildroot set-up time: a build container over the read-only chroot with a tmpfs overlay
# (what the worker does) against unpacking or copying the chroot, at the chroot's own size and
# again with FILLER_MB of random files added. Variants run round-robin so that the load of a
# shared machine falls on all of them alike, and each is reported against (a) of the same round.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

CHROOT=${CHROOT:-/var/lib/perestroika/chroots/bookworm/current}
IMAGE=${IMAGE:-perestroika/sbuild:latest}
RUNS=${RUNS:-5}
FILLER_MB=${FILLER_MB:-500}

w="$work_dir/buildroot"
copy="$w/chroot"
filler="$copy/usr/share/bench-filler"
spare="$w/filler-${FILLER_MB}M" # the filler waits here while the base size runs
samples="$w/samples.tsv"
out="$w/out"
cid=

cleanup() {
  [ -z "$cid" ] || docker rm -f "$cid" >/dev/null 2>&1 || true
  [ ! -d "$filler" ] || mv "$filler" "$spare"
  rm -rf "$out"
}
trap cleanup EXIT
mkdir -p "$w"

# Everything works on a copy: the farm's chroot is never touched. A new snapshot behind the
# symlink means a new copy.
source_dir=$(realpath "$CHROOT")
if [ "$(cat "$w/chroot.from" 2>/dev/null)" != "$source_dir" ]; then
  rm -rf "$copy" "$w/chroot.from"
  cp -a "$source_dir" "$copy"
  echo "$source_dir" >"$w/chroot.from"
fi
# Incompressible data made once, in a few thousand files like a real /usr/share; moved (not
# copied) in and out of the copy, so re-runs start from the same two sizes.
[ ! -d "$filler" ] || mv "$filler" "$spare"
if [ ! -d "$spare" ]; then
  rm -rf "$spare.tmp" && mkdir -p "$spare.tmp"
  head -c "${FILLER_MB}M" /dev/urandom | split -b 128K -a 4 -d - "$spare.tmp/f"
  mv "$spare.tmp" "$spare"
fi

# The worker's container (SbuildBuilder.containerSpec), with the chroot copy as lower layer.
# shellcheck disable=SC2054 # the commas are tmpfs options
container=(--network host --memory 8g --memory-swap 8g --pids-limit 4096
  --cap-add SYS_ADMIN --security-opt apparmor=unconfined --security-opt seccomp=unconfined
  -v "$copy:/srv/chroot:ro"
  --tmpfs /var/lib/schroot/union/overlay:rw,size=8g,mode=0755
  --tmpfs /var/lib/schroot/session:rw,size=16m
  --tmpfs /var/lib/schroot/mount:rw,size=16m
  --tmpfs /var/lib/schroot/union/underlay:rw,size=16m)
# The host and the container share one clock, so the stamp printed inside marks "ready".
session='schroot -b -c perestroika -n bench >/dev/null
schroot -r -c bench -d / -- true
date +%s%N
schroot -e -c bench'

record() { printf '%s\t%s\t%s\t%s\n' "$size" "$round" "$1" "$2" >>"$samples"; }
# Before every run: delete the last copy and flush its writes to disk, so that no run pays for
# the one before it (the writeback of half a gigabyte slows docker's own disk work, too).
settle() { rm -rf "$out" && sync; }

# (a): create -> session begun and a command run inside ("ready"); -> session ended and the
# container exited ("exit"); the removal after it is timed on its own.
overlay() {
  local name=${1:-a} t0 ready t1 t2
  settle
  t0=$(now_ns)
  cid=$(docker create "${container[@]}" "$IMAGE" sh -ec "$session")
  ready=$(docker start -a "$cid" | tail -n 1)
  [[ $ready =~ ^[0-9]+$ ]] || { echo "[buildroot] the session did not start" >&2; exit 1; }
  t1=$(now_ns)
  docker rm "$cid" >/dev/null
  t2=$(now_ns)
  cid=
  record "$name-ready" "$(elapsed "$t0" "$ready")"
  record "$name-exit" "$(elapsed "$t0" "$t1")"
  record "$name-rm" "$(elapsed "$t1" "$t2")"
}
# (a) again with the filler renamed out of the copy (instant, same file system), so that the
# two sizes of (a) also meet in the same round: the two phases run minutes apart.
overlay_without_filler() {
  mv "$filler" "$spare"
  overlay a0
  mv "$spare" "$filler"
}

# (b)-(d) write into a fresh directory.
unpack() {
  local name=$1 t0 t1
  shift
  settle
  t0=$(now_ns)
  "$@"
  t1=$(now_ns)
  record "$name" "$(elapsed "$t0" "$t1")"
}
untar() { mkdir "$out" && tar -C "$out" --numeric-owner "$@"; }
targz() { unpack b-targz untar -xzf "$w/chroot.tar.gz"; }
plaintar() { unpack c-tar untar -xf "$w/chroot.tar"; }
copydir() { unpack d-cp cp -a "$copy" "$out"; }

: >"$samples"
declare -A size_label
variants=(overlay targz plaintar copydir)
for size in base filled; do
  if [ "$size" = filled ]; then
    mv "$spare" "$filler"
    variants+=(overlay_without_filler)
  fi
  size_label[$size]="$(du -sm "$copy" | cut -f1) MiB, $(find "$copy" -xdev | wc -l) entries"
  echo "[buildroot] $size: ${size_label[$size]}; making the tarballs" >&2
  tar -C "$copy" --numeric-owner -cf "$w/chroot.tar" .
  tar -C "$copy" --numeric-owner -czf "$w/chroot.tar.gz" .
  # Round 0 warms the page cache and the image and is not reported. The starting variant
  # rotates with the round so that none always runs right after the same other one.
  for ((round = 0; round <= RUNS; round++)); do
    for ((i = 0; i < ${#variants[@]}; i++)); do
      "${variants[(i + round) % ${#variants[@]}]}"
    done
    echo "[buildroot] $size round $round/$RUNS done" >&2
  done
done
rm -f "$w/chroot.tar" "$w/chroot.tar.gz"

# Seconds of one variant at one size, measured rounds only.
values() { awk -F'\t' -v s="$1" -v v="$2" '$1 == s && $3 == v && $2 > 0 { print $4 }' "$samples"; }
# Per-round ratio of a variant to (a) ready, or to the variant given third.
ratios() {
  awk -F'\t' -v s="$1" -v v="$2" -v d="${3:-a-ready}" '$1 != s || $2 == 0 { next }
    $3 == d { a[$2] = $4 } $3 == v { x[$2] = $4 }
    END { for (r in x) print x[r] / a[r] }' "$samples"
}
wide=
table() { # size, variants
  local s=$1 v m lo hi q1 q3 r rlo rhi
  shift
  echo "| variant | median s | min–max s | IQR s | ÷ (a) ready, per round: median (min–max) |"
  echo "|---|---|---|---|---|"
  for v in "$@"; do
    read -r m lo hi q1 q3 < <(values "$s" "$v" | stats)
    read -r r rlo rhi _ < <(ratios "$s" "$v" | stats)
    printf '| %s | %s | %s to %s | %s to %s | %.1f (%.1f to %.1f) |\n' "$v" "$m" "$lo" "$hi" "$q1" "$q3" "$r" "$rlo" "$rhi"
    if awk -v m="$m" -v lo="$lo" -v hi="$hi" 'BEGIN { exit !((hi - lo) > 0.5 * m) }'; then wide+=" $s/$v"; fi
  done
}
ratio_median() { ratios "$1" "$2" | stats | cut -d' ' -f1; }

# Into files, not $(...): table sets $wide, which a subshell would lose.
table base a-ready a-exit a-rm b-targz c-tar d-cp >"$w/base.md"
table filled a-ready a-exit a-rm b-targz c-tar d-cp a0-ready >"$w/filled.md"
gz_base=$(ratio_median base b-targz)
gz_filled=$(ratio_median filled b-targz)
a_base=$(values base a-ready | stats | cut -d' ' -f1)
a_filled=$(values filled a-ready | stats | cut -d' ' -f1)
read -r growth glo ghi _ < <(ratios filled a-ready a0-ready | stats)
verdict=$(awk -v g1="$gz_base" -v g2="$gz_filled" -v g="$growth" -v lo="$glo" -v hi="$ghi" -v mb="$FILLER_MB" 'BEGIN {
  printf "%s: .tar.gz untar takes %.1fx / %.1fx as long as (a) (goal: at least 10x); ",
    (g1 >= 10 && g2 >= 10) ? "MET" : "NOT MET", g1, g2
  printf "%s: (a) with +%s MiB takes %.2fx (%.2f to %.2f) its time without them in the same round (goal: flat, taken as at most 1.2x)",
    (g <= 1.2) ? "MET" : "NOT MET", mb, g, lo, hi }')
[ -z "$wide" ] || verdict+=". Wide spreads (max−min > half the median:$wide): the machine is shared, so read the per-round ratios rather than the absolute times"

write_section buildroot <<EOF
## Buildroot set-up time

\`RUNS=$RUNS FILLER_MB=$FILLER_MB bench/buildroot/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine).
Chroot: a copy of $source_dir. $RUNS measured rounds after one warm-up round,
variants round-robin; page cache warm (as on a worker, which reads the same chroot all day).

- a-ready: \`docker create\` of $IMAGE with the worker's mounts (chroot read-only, tmpfs
  overlay) until \`schroot -b\` has begun the session and \`schroot -r -- true\` has run in it
  (stamp taken inside the container). a-exit: until \`schroot -e\` has ended it and the container
  has exited. a-rm: the \`docker rm\` after that, timed on its own. a0-ready: a-ready with the
  filler renamed out of the copy for that run, so both sizes of (a) meet in every round.
- b-targz / c-tar: \`tar -xzf\` / \`tar -xf\` into a fresh directory (tarballs made beforehand).
  d-cp: \`cp -a\` of the chroot. Before every run of every variant, outside the clock: deleting
  the last copy, then \`sync\`.

### ${size_label[base]} (the chroot as debootstrap made it)

$(<"$w/base.md")

### ${size_label[filled]} (+$FILLER_MB MiB of random data in /usr/share/bench-filler)

Random data does not compress, so gzip stores it and inflating it is cheaper per byte than real
content: if anything, b-targz is flattered here.

$(<"$w/filled.md")

(a) ready: median $a_base s at the base size, $a_filled s with the filler (the two phases run
minutes apart; a0-ready compares them within each round).

**Verdict:** $verdict.
EOF
echo "[buildroot] results in $results" >&2
