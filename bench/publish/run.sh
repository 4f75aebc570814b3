#!/usr/bin/env bash
# Publishing into a repository that already holds PACKAGES binary packages: one upload, then a batch
# of BATCH uploads, through the publisher (snapshot, policy, signing, verification) against plain
# reprepro signing with the same key (SignWith) on an identical copy, in the same round, the order
# alternating. The batch baseline is reprepro's fastest way: every include with --export=never,
# then one export. Reports each variant's median and the per-round ratio publisher ÷ reprepro.
set -euo pipefail
# shellcheck source=SCRIPTDIR/../lib.sh
. "$(dirname "$0")/../lib.sh"

RUNS=${RUNS:-5}
PACKAGES=${PACKAGES:-5000}
BATCH=${BATCH:-100}
GOAL_PCT=10

w="$work_dir/publish"
mkdir -p "$w"
rm -rf "$w/repos" "$w/samples.tsv"

echo "[publish] building" >&2
(cd "$repo_dir" && mvn -q -pl core,publisher -am install -DskipTests)
mvn -q -f "$bench_dir/publish/pom.xml" package
target="$bench_dir/publish/target"

# The uploads (w/uploads) are kept between runs: making 5000 packages takes a minute.
java -Dorg.slf4j.simpleLogger.logFile="$w/publisher.log" \
  -cp "$repo_dir/core/target/classes:$repo_dir/publisher/target/classes:$target/classes:$target/lib/*" \
  org.perestroika.bench.publish.PublishBench \
  --work "$w" --out "$w" --rounds "$RUNS" --packages "$PACKAGES" --batch "$BATCH"

values() { awk -F'\t' -v v="$1" -v r="${2:-}" '$2 == v && $1 > 0 && (r == "" || $1 == r) { print $3 }' "$w/samples.tsv"; }
# Per round: publisher ÷ reprepro, then the median (min to max) over rounds.
ratio() {
  local r
  for ((r = 1; r <= RUNS; r++)); do
    awk -v a="$(values "$1-ours" "$r")" -v b="$(values "$1-plain" "$r")" 'BEGIN { print a / b }'
  done | stats | awk '{ printf "%.2f (%.2f to %.2f)", $1, $2, $3 }'
}
row() {
  local m lo hi q1 q3
  read -r m lo hi q1 q3 < <(values "$2" | stats)
  printf '| %s | %s | %s to %s | %s to %s |\n' "$1" "$m" "$lo" "$hi" "$q1" "$q3"
}

write_section publish <<EOF
## Publishing into a repository of $PACKAGES packages

\`RUNS=$RUNS PACKAGES=$PACKAGES BATCH=$BATCH bench/publish/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'); $(machine); $(reprepro --version 2>&1 | head -n 1).
$RUNS measured rounds after one warm-up round. Both repositories start from the same $PACKAGES binary
packages (one upload, in mos10.0-updates) with the publisher's six-suite conf/distributions; each
round adds to that same suite one upload of one package, then $BATCH uploads of one package each.
The version policy looks the base distribution up in memory (a long-running publisher reads its
index once), so what is measured is the repository work.

- ours: \`AptRepository.publish\` in-process: a new snapshot (made from the last retired one:
  indices hard-linked, reprepro's database copied, the pool shared by all snapshots), the version
  policy (suites whose Release lists only empty indices are not asked), \`reprepro include\`,
  then, side by side, checking that reprepro holds the upload and removing pool files no kept
  snapshot names, and signing the changed suites' Release files with gpg and verifying every
  signature with gpgv; then flushing the new files to disk, the atomic switch, retiring the
  oldest snapshot. The batch is one call with $BATCH .changes: one snapshot, one signing.
- plain: \`reprepro include\` with SignWith (gpgme, same key) in one directory: no snapshot, no
  policy, no verification. Batch: $BATCH \`reprepro --export=never include\`, then \`reprepro export\`.

| variant | median s | min–max s | IQR s |
|---|---|---|---|
$(row "one upload, ours" one-ours)
$(row "one upload, plain reprepro" one-plain)
$(row "batch of $BATCH, ours" batch-ours)
$(row "batch of $BATCH, plain reprepro" batch-plain)

Publisher ÷ plain reprepro, per round, median (min–max): one upload $(ratio one); batch of $BATCH $(ratio batch). Goal: under $((100 + GOAL_PCT))% (ratio < 1.$GOAL_PCT).

What one upload pays that plain reprepro does not, each once per publish and so shared by a
batch: asking reprepro what the suites hold before including (the version policy; every reprepro
run starts gpgme, which runs gpgconf, gpg and gpgsm), bringing the retired snapshot up to date
(unlinking a file that is on disk is the slow part here), and flushing the new files to disk
before the switch (plain reprepro never calls fsync).
EOF
echo "[publish] results written to $results" >&2
