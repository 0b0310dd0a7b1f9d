#!/usr/bin/env bash
# build/bench/graph_isolate [REPS] [CORPUS]: `sluice graph -j2 --isolate`
# (files parsed in worker processes, issue 18) against `sluice graph -j2`
# on the Debian crate corpus (/usr/share/cargo/registry,
# `scripts/install-deps.sh graph-bench`), both writing --db to tmpfs.  The
# two take turns; medians of REPS rounds (default 5); the two databases
# must be byte-identical every round.  Reported: wall seconds, files/s and
# MB/s of each, and --isolate's throughput as a share of in-process.
set -euo pipefail
build=$(cd "$(dirname "$0")/.." && pwd)
reps=${1:-5}
corpus=${2:-/usr/share/cargo/registry}
[ "$reps" = --help ] && { sed -n '2,8p' "$0"; exit 0; }
sluice=$build/sluice
[ -x "$sluice" ] || { echo "bench/graph_isolate: $sluice is not built" >&2; exit 2; }
[ -d "$(ls -d "$corpus"/tokio-* 2>/dev/null | head -1)" ] ||
  { echo "bench/graph_isolate: no crate corpus under $corpus; run scripts/install-deps.sh graph-bench" >&2; exit 2; }
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
tmp=$(mktemp -d "$shm/sluice-bench-graph-isolate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# One run: its wall seconds on stdout; the database in $1.
run() {
  local out=$1; shift
  local t0 t1 rc=0
  t0=$(date +%s.%N)
  "$sluice" graph -q -j2 "$@" --db "$out" "$corpus" || rc=$?
  t1=$(date +%s.%N)
  [ $rc -le 1 ] || { echo "bench/graph_isolate: sluice graph $* failed ($rc)" >&2; exit 1; }
  echo "$t1 - $t0" | bc
}

# Files and bytes as the tool counts them (one untimed run).
"$sluice" graph -q -j2 --stats --db "$tmp/warm.sqlite" "$corpus" 2>"$tmp/stats" || [ $? -le 1 ]
files=$(sed -n 's/.* crates, \([0-9]*\) files (\([0-9.]*\) MB).*/\1/p' "$tmp/stats")
mb=$(sed -n 's/.* crates, \([0-9]*\) files (\([0-9.]*\) MB).*/\2/p' "$tmp/stats")
echo "sluice graph -j2 vs -j2 --isolate; corpus: $corpus ($files files, $mb MB); $(nproc) CPUs; median of $reps rounds; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
here=() iso=()
for _ in $(seq "$reps"); do
  here+=("$(run "$tmp/here.sqlite")")
  iso+=("$(run "$tmp/iso.sqlite" --isolate)")
  cmp -s "$tmp/here.sqlite" "$tmp/iso.sqlite" || { echo "bench/graph_isolate: the databases differ" >&2; exit 1; }
done
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
h=$(median "${here[@]}") i=$(median "${iso[@]}")
printf '\n| run | wall s | files/s | MB/s |\n|---|---:|---:|---:|\n'
printf '| `sluice graph -j2` | %.2f | %.0f | %.1f |\n' "$h" "$(echo "$files / $h" | bc -l)" "$(echo "$mb / $h" | bc -l)"
printf '| `sluice graph -j2 --isolate` | %.2f | %.0f | %.1f |\n' "$i" "$(echo "$files / $i" | bc -l)" "$(echo "$mb / $i" | bc -l)"
printf '\n--isolate: %.0f%% of in-process throughput; databases byte-identical every round\n' "$(echo "100 * $h / $i" | bc -l)"
echo "rounds (in process): ${here[*]}"
echo "rounds (--isolate):  ${iso[*]}"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
