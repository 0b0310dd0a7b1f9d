#!/usr/bin/env bash
# build/bench/md_isolate [REPS] [--tsv]: `sluice md -j2 --isolate` (pages
# rendered in worker processes, issue 18) against `sluice md -j2` on the
# corpus bench/md uses (the Markdown of the npm packages pinned in
# scripts/npm/md/bench, Debian's /usr/share/doc, the system's
# node_modules), copied to tmpfs; outputs on tmpfs too.  The two take
# turns; medians of REPS runs (default 5), by build/bench/proc --md.
set -euo pipefail
build=$(cd "$(dirname "$0")/.." && pwd)
src=$(sed -n 's/^sluice_SOURCE_DIR:STATIC=//p' "$build/CMakeCache.txt")
reps=${1:-5}
tsv=${2:-}
[ "$reps" = --help ] && { sed -n '2,7p' "$0"; exit 0; }
corpus=/dev/shm/sluice-bench-md-isolate.$$
trap 'rm -rf "$corpus"' EXIT
mods=$("$src/scripts/npm/md/install.sh" bench)
{ find "$mods" /usr/share/doc /usr/lib/node_modules \( -name '*.md' -o -name '*.markdown' \) -type f -size +0 2>/dev/null || true; } |
  grep -v '/\.' | sort | while read -r f; do
    mkdir -p "$corpus$(dirname "$f")"
    cp "$f" "$corpus$f"
  done
pages=$(find "$corpus" -type f | wc -l)
[ "$tsv" = --tsv ] || echo "corpus: $pages pages, $(du -sb "$corpus" | awk '{printf "%.1f MB", $1/1e6}'); load: $(cat /proc/loadavg)"
"$build/bench/proc" -r "$reps" ${tsv:+--tsv} --md "$build/sluice" "$corpus" "$pages"
