# Shared by the benchmark scripts: timing, statistics and the RESULTS.md section writer.
# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$bench_dir/.." && pwd)
work_dir="$bench_dir/work"
results="$bench_dir/RESULTS.md"

now_ns() { date +%s%N; }

# Seconds between two nanosecond stamps, as a decimal.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

# Reads numbers, one a line; prints "median min max q1 q3" (quartiles interpolated linearly,
# so five runs give a meaningful IQR).
stats() {
  sort -g | awk '
    { v[NR] = $1 }
    function q(p,   h, l) { h = (NR - 1) * p + 1; l = int(h); return v[l] + (h - l) * (v[l + 1] - v[l]) }
    END { if (NR == 0) exit 1; v[NR + 1] = v[NR]
          printf "%.3f %.3f %.3f %.3f %.3f\n", q(0.5), v[1], v[NR], q(0.25), q(0.75) }'
}

machine() {
  printf '%s; nproc %s; memory %s GiB; docker %s' \
    "$(uname -srm)" "$(nproc)" \
    "$(awk '/^MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)" \
    "$(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')"
}

# Replaces the section NAME of RESULTS.md (between its markers) with stdin, or appends it, so
# each script rewrites only what it owns.
write_section() {
  local name=$1 body
  body=$(cat)
  [ -f "$results" ] || printf '# Benchmark results\n\nSee bench/*/run.sh.\n' >"$results"
  local begin="<!-- $name:begin -->" end="<!-- $name:end -->"
  if grep -qF "$begin" "$results"; then
    # The body goes through the environment: awk -v would mangle its backslashes.
    BODY=$body awk -v b="$begin" -v e="$end" '
      $0 == b { print; print ENVIRON["BODY"]; skip = 1; next }
      $0 == e { skip = 0 }
      !skip' "$results" >"$results.new"
    mv "$results.new" "$results"
  else
    printf '\n%s\n%s\n%s\n' "$begin" "$body" "$end" >>"$results"
  fi
}
