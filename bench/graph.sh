#!/usr/bin/env bash
# graph: `sluice graph` on the Debian crate corpus (/usr/share/cargo/registry,
# filled by `scripts/install-deps.sh graph-bench`: tokio, syn, regex, serde,
# clap, rayon, hyper, nom, chrono and their dependencies), side by side in
# one run with
#   - tree-sitter parsing alone, one thread (build/bench/graph_parse_floor):
#     the floor, on exactly the files sluice graph reads;
#   - universal-ctags -R on the same tree (definitions only);
#   - for context, tree-sitter parsing as sluice graph does it (its bump
#     arena instead of malloc, the regions its lexical scan takes left out
#     of the parse, largest file first) on 1 and 2 threads
#     (build/bench/graph_parse_arena): what two cores allow before any
#     graph work.  The floor parses every byte, with plain malloc.
# `sluice graph` writes SQLite (--db) in the two main rows; a third row
# leaves the output out, to show what the SQLite writer adds.  Each run
# writes a file of its own, deleted (and synced) outside the timing.
# Wall time is the median of RUNS runs (default 3), peak RSS the largest.
# Targets (2 cores): -j2 total <= 0.6 x the parse-only floor; RSS <= 512 MB.
#
# usage: build/bench/graph [CORPUS_DIR]     (RUNS=N to change the repeat count)
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$bench/.." && pwd)
corpus=${1:-/usr/share/cargo/registry}
runs=${RUNS:-3}
sluice=$build/sluice
floor=$bench/graph_parse_floor
arena=$bench/graph_parse_arena
for tool in "$sluice" "$floor" "$arena"; do
  [ -x "$tool" ] || { echo "bench/graph: $tool is not built" >&2; exit 2; }
done
for cmd in ctags sqlite3 /usr/bin/time; do
  command -v "$cmd" >/dev/null || { echo "bench/graph: $cmd is missing (scripts/install-deps.sh graph graph-bench)" >&2; exit 2; }
done
if [ ! -d "$corpus" ] || [ ! -d "$(ls -d "$corpus"/tokio-* 2>/dev/null | head -1)" ]; then
  echo "bench/graph: no crate corpus under $corpus; run scripts/install-deps.sh graph-bench" >&2
  exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The file list the floor parses: what sluice graph read (not the unreadable).
"$sluice" graph -q -j2 --db "$tmp/list.sqlite" "$corpus" || [ $? -eq 1 ]
sqlite3 "$tmp/list.sqlite" "SELECT path FROM files WHERE status != 'unreadable' ORDER BY id" > "$tmp/files.txt"
nfiles=$(wc -l < "$tmp/files.txt")
mb=$(sqlite3 "$tmp/list.sqlite" "SELECT printf('%.1f', sum(bytes) / 1e6) FROM files")
echo "corpus: $corpus, $nfiles files, $mb MB; $(nproc) CPUs; median of $runs runs; load before: $(cut -d' ' -f1-3 /proc/loadavg)"

# Each round runs every command once, in turn, so that the load other work
# puts on a shared machine falls on all of them alike; per command, the
# median wall and CPU (user + system) time of the rounds and the largest
# peak RSS are kept.
names=(sluice-graph-j1 sluice-graph-j2 sluice-j2-no-output parse-only-j1 ctags-R parse-arena-j1 parse-arena-j2)
run_one() {
  case $1 in
    sluice-graph-j1) "$sluice" graph -q -j1 --db "$tmp/out-$round-j1.sqlite" "$corpus" ;;
    sluice-graph-j2) "$sluice" graph -q -j2 --db "$tmp/out-$round-j2.sqlite" "$corpus" ;;
    # the same without SQLite: what parsing, the graph and resolution cost alone
    sluice-j2-no-output) "$sluice" graph -q -j2 "$corpus" ;;
    parse-only-j1) "$floor" < "$tmp/files.txt" ;;
    ctags-R) ctags -R --languages=Rust -f "$tmp/tags-$round" "$corpus" ;;
    parse-arena-j1) "$arena" 1 < "$tmp/files.txt" ;;
    parse-arena-j2) "$arena" 2 < "$tmp/files.txt" ;;
  esac
}
export -f run_one
export sluice floor arena corpus tmp round
declare -A walls cpus rss
for ((i = 0; i < runs; i++)); do
  for name in "${names[@]}"; do
    # Every run writes a new file, deleted after the run and synced, all
    # outside the timing: freeing the last run's 125 MB (ext4 here is
    # mounted with discard) would otherwise land in the next run's time or
    # in its rename over the old file, and keeping every run's file makes
    # the later runs' writes reclaim page cache.
    export round=$i
    rc=0
    /usr/bin/time -f "%e %M %U %S" -o "$tmp/time" bash -c 'run_one "$0"' "$name" > /dev/null 2> "$tmp/err" || rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
      echo "bench/graph: $name failed ($rc):" >&2; cat "$tmp/err" >&2; exit 2
    fi
    rm -f "$tmp"/out-*.sqlite "$tmp"/tags-*
    sync
    read -r w m u k < <(tail -1 "$tmp/time")
    walls[$name]+="$w "
    cpus[$name]+="$(awk -v u="$u" -v k="$k" 'BEGIN {print u + k}') "
    [ "${rss[$name]:-0}" -ge "$m" ] || rss[$name]=$m
  done
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
results=()
for name in "${names[@]}"; do
  results+=("$name $(median "${walls[$name]}") $((rss[$name] / 1024)) $(median "${cpus[$name]}")")
done

floor_s=$(printf '%s\n' "${results[@]}" | awk '$1 == "parse-only-j1" {print $2}')
ctags_s=$(printf '%s\n' "${results[@]}" | awk '$1 == "ctags-R" {print $2}')
printf '\n%-20s %10s %10s %12s %10s %10s\n' "command" "wall (s)" "cpu (s)" "peak RSS MB" "x floor" "x ctags"
for r in "${results[@]}"; do
  read -r name s m c <<< "$r"
  printf '%-20s %10.2f %10.2f %12d %10.2f %10.2f\n' "$name" "$s" "$c" "$m" \
    "$(awk -v a="$s" -v b="$floor_s" 'BEGIN {print a / b}')" "$(awk -v a="$s" -v b="$ctags_s" 'BEGIN {print a / b}')"
done
j2=$(printf '%s\n' "${results[@]}" | awk '$1 == "sluice-graph-j2" {print $2, $3}')
read -r j2_s j2_rss <<< "$j2"
echo
awk -v s="$j2_s" -v f="$floor_s" 'BEGIN { r = s / f; printf "target -j2 <= 0.6 x floor: %.2f x  %s\n", r, (r <= 0.6 ? "met" : "NOT met") }'
echo "target peak RSS <= 512 MB: $j2_rss MB  $([ "$j2_rss" -le 512 ] && echo met || echo 'NOT met')"
a2_s=$(printf '%s\n' "${results[@]}" | awk '$1 == "parse-arena-j2" {print $2}')
awk -v s="$j2_s" -v a="$a2_s" -v f="$floor_s" 'BEGIN {
  printf "tree-sitter alone as sluice graph parses, 2 threads: %.2f x floor; the graph, resolution and SQLite add %.2f s (%.2f x floor)\n", a / f, s - a, (s - a) / f }'
echo "(x floor and x ctags compare wall times, which vary with the load other"
echo " work puts on a shared machine: see 'load before'; the cpu column is steadier)"
