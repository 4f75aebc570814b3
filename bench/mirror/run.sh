#!/usr/bin/env bash
# Mirror sync cost: the bytes `perestroika mirror sync` sends to an rsync daemon when one new
# package has been published into a tree of many, against the bytes that changed between the
# two local snapshots; the first, full sync is the baseline and a sync with nothing new the floor.
# Everything is real: packages built with dpkg-deb, published with `perestroika publish`
# (reprepro, gpg), sent with rsync to a daemon on 127.0.0.1.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

PERESTROIKA=${PERESTROIKA:-$repo_dir/bin/perestroika}
RUNS=${RUNS:-5}
PACKAGES=${PACKAGES:-400}
SIZE_KB=${SIZE_KB:-128}

w="$work_dir/mirror"
samples="$w/samples.tsv"
rm -rf "$w" && mkdir -p "$w/debs" "$w/mirror-host/module"
daemon=
cleanup() { [ -z "$daemon" ] || kill "$daemon" 2>/dev/null || true; }
trap cleanup EXIT

config="$w/perestroika.yaml"
printf 'publisher:\n  repo-root: %s\n' "$w/repos" >"$config"
p() { "$PERESTROIKA" --config "$config" --state-dir "$w/state" "$@"; }

# Binary package $2 of source $1, holding $SIZE_KB KiB of random data (incompressible, as most
# of a pool is), built into directory $4.
deb() {
  local source=$1 name=$2 version=$3 stage
  stage=$(mktemp -d "$w/stage.XXXXXX")
  mkdir -p "$stage/DEBIAN" "$stage/usr/share/$name"
  printf 'Package: %s\nSource: %s\nVersion: %s\nArchitecture: all\nMaintainer: Bench <bench@perestroika.invalid>\nDescription: mirror benchmark payload\n' \
    "$name" "$source" "$version" >"$stage/DEBIAN/control"
  head -c "${SIZE_KB}K" /dev/urandom >"$stage/usr/share/$name/payload"
  dpkg-deb --root-owner-group -Znone --build "$stage" "$4/${name}_${version}_all.deb" >/dev/null
  rm -rf "$stage"
}

# A binary-only upload of source $1 version $2 holding the binaries $3...: its directory.
upload() {
  local source=$1 version=$2 dir="$w/debs/$1-$2" name commit=17f8fb6d8d3b9d48f5a4206079c18e84b73bf36b
  shift 2
  mkdir -p "$dir/tree/debian"
  # The commit lines are what the publisher's policy asks of every MOS upload.
  printf '%s (%s) bookworm; urgency=medium\n\n  * Benchmark.\n  * Source commit: %s\n  * Build commit: %s\n\n -- Bench <bench@perestroika.invalid>  Sat, 21 Nov 2026 12:00:00 +0000\n' \
    "$source" "$version" "$commit" "$commit" >"$dir/tree/debian/changelog"
  {
    printf 'Source: %s\nSection: misc\nPriority: optional\nMaintainer: Bench <bench@perestroika.invalid>\n' "$source"
    for name in "$@"; do
      printf '\nPackage: %s\nArchitecture: all\nDescription: mirror benchmark payload\n' "$name"
    done
  } >"$dir/tree/debian/control"
  for name in "$@"; do
    deb "$source" "$name" "$version" "$dir"
    (cd "$dir/tree" && dpkg-distaddfile -fdebian/files "${name}_${version}_all.deb" misc optional)
  done
  (cd "$dir/tree" && dpkg-genchanges -q -b -O"../${source}_${version}_all.changes") >&2
  echo "$dir"
}

publish() { p publish "$1" --release mos10.0 --suite proposed >"$w/publish.log" 2>&1 || {
  cat "$w/publish.log" >&2
  exit 1
}; }

# A snapshot's files as clients see them (through the link to the pool all snapshots share), each
# as path, size and inode, taken before the next publish adds to that pool.
snapshot() { readlink -f "$w/repos/debian"; }
listing() { (cd "$1" && find -L . -type f -printf '%P\t%s\t%i\n' | sort); }
# The bytes of the current snapshot's files that the listing of the previous one lacks or holds
# with other content, each hard-linked file (an index and its by-hash twin) once.
changed_bytes() {
  local old=$1 before=$2 new=$3 total=0 rel size inode
  declare -A seen=() had=()
  while IFS=$'\t' read -r rel size inode; do had[$rel]=1; done <"$before"
  while IFS=$'\t' read -r rel size inode; do
    if [ -n "${seen[$inode]:-}" ]; then continue; fi
    seen[$inode]=1
    if [ -n "${had[$rel]:-}" ] && { [ "$old/$rel" -ef "$new/$rel" ] || cmp -s "$old/$rel" "$new/$rel"; }; then
      continue
    fi
    total=$((total + size))
  done < <(listing "$new")
  echo "$total"
}
tree_bytes() { find -L "$1" -type f -printf '%i %s\n' | sort -u | awk '{ s += $2 } END { print s + 0 }'; }

# An rsync daemon as the mirror host, with the module settings the README gives.
port=18873
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
cat >"$w/mirror-host/rsyncd.conf" <<EOF
[mos]
  path = $w/mirror-host/module
  read only = no
  use chroot = no
  munge symlinks = no
  uid = $(id -u)
  gid = $(id -g)
EOF
rsync --daemon --no-detach --config="$w/mirror-host/rsyncd.conf" --address=127.0.0.1 \
  --port="$port" >"$w/mirror-host/daemon.log" 2>&1 &
daemon=$!
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.1; done
mirror="rsync://127.0.0.1:$port/mos"

# Records "variant sent literal changed wall" for one sync.
sync_once() {
  local variant=$1 changed=$2 t0 t1 out line
  t0=$(now_ns)
  out=$(p mirror sync --to "$mirror" --repo-root "$w/repos")
  t1=$(now_ns)
  line=$(grep -E '^\[mirror\] debian \(local snapshot' <<<"$out")
  # "[mirror] debian (local snapshot 000002): sent N bytes, F files changed, L bytes of file data"
  read -r sent literal < <(sed -E 's/.*: sent ([0-9]+) bytes, [0-9]+ files changed, ([0-9]+) bytes.*/\1 \2/' <<<"$line")
  printf '%s\t%s\t%s\t%s\t%s\n' "$variant" "$sent" "$literal" "$changed" "$(elapsed "$t0" "$t1")" >>"$samples"
}

echo "[mirror] building and publishing $PACKAGES packages of $SIZE_KB KiB" >&2
names=()
for i in $(seq -w 1 "$PACKAGES"); do names+=("bench-base-$i"); done
publish "$(upload bench-base 1.0-1~deb12+mos1 "${names[@]}")"
tree=$(snapshot)
files=$(find -L "$tree" -type f | wc -l)
size=$(tree_bytes "$tree")

echo "[mirror] first sync" >&2
sync_once full "$size"
sync_once nothing-new 0
for round in $(seq 1 "$RUNS"); do
  echo "[mirror] round $round: one new package, then sync" >&2
  old=$(snapshot)
  listing "$old" >"$w/before.tsv"
  publish "$(upload bench-new "1.0-$round~deb12+mos1" bench-new)"
  sync_once incremental "$(changed_bytes "$old" "$w/before.tsv" "$(snapshot)")"
done

values() { awk -F'\t' -v v="$1" -v c="$2" '$1 == v { print $c }' "$samples"; }
cell() { # median (min to max) of column $2 of variant $1
  local m lo hi
  read -r m lo hi _ < <(values "$1" "$2" | stats)
  if [ "$(values "$1" "$2" | wc -l)" -eq 1 ]; then printf '%.0f' "$m"; else printf '%.0f (%.0f to %.0f)' "$m" "$lo" "$hi"; fi
}
ratio() { awk -F'\t' -v v="$1" '$1 == v && $4 > 0 { printf "%.3f\n", $2 / $4 }' "$samples" | stats | cut -d' ' -f1; }
wall() { values "$1" 5 | stats | cut -d' ' -f1; }

inc_sent=$(values incremental 2 | stats | cut -d' ' -f1)
inc_changed=$(values incremental 4 | stats | cut -d' ' -f1)
full_sent=$(values full 2 | stats | cut -d' ' -f1)
verdict=$(awk -v s="$inc_sent" -v c="$inc_changed" -v f="$full_sent" 'BEGIN {
  printf "%s: an incremental sync sends %.2fx the bytes that changed (goal: at most 1.5x) and %.2f%% of the full sync",
    (s <= 1.5 * c) ? "MET" : "NOT MET", s / c, 100 * s / f }')

write_section mirror <<EOF
## Mirror sync

\`RUNS=$RUNS PACKAGES=$PACKAGES SIZE_KB=$SIZE_KB bench/mirror/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine); $(rsync --version | head -n 1 | sed 's/  */ /g').

The tree: one upload of $PACKAGES binary packages of $SIZE_KB KiB of random data each, published
with \`perestroika publish\` to mos10.0-proposed: $files files, $size bytes in the local snapshot.
The mirror: an rsync daemon on 127.0.0.1 (module settings as in the README). Each incremental
round publishes one more package of $SIZE_KB KiB (a new version of \`bench-new\`), then runs
\`perestroika mirror sync\`. "sent" is rsync's Total bytes sent (file list, checksums and data),
"file data" its Literal data; "changed locally" is the size of every file of the new local
snapshot that the previous one lacks or holds with other content, hard-linked twins (an index
and its by-hash entry) once: the new .deb, the suite's Packages files, and Release, InRelease and
Release.gpg of the suite it went to (only the suites that changed are signed again). rsync sends
changed indices as deltas
against the previous snapshot's, which is why it can send less than changed. Wall time is the
whole command, JVM start included.

| sync | sent bytes | file data bytes | changed locally, bytes | sent ÷ changed | wall s |
|---|---|---|---|---|---|
| full (first) | $(cell full 2) | $(cell full 3) | $(cell full 4) | $(ratio full) | $(wall full) |
| nothing new | $(cell nothing-new 2) | $(cell nothing-new 3) | 0 | – | $(wall nothing-new) |
| incremental, one new package ($RUNS rounds: median (min to max)) | $(cell incremental 2) | $(cell incremental 3) | $(cell incremental 4) | $(ratio incremental) | $(wall incremental) |

**Verdict:** $verdict.
EOF
echo "[mirror] wrote the mirror section of $results" >&2
