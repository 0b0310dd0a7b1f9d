#!/usr/bin/env bash
# build/bench/mdx [REPS]: issue 19's MDX figures, one unattended command.
#  1. 2,000 generated MDX pages of ~10 KB (tests/md/mdx/gen.mjs, on tmpfs):
#     `sluice md --mdx -j2` (outputs on tmpfs) against @mdx-js/mdx compiling
#     them all in one node process (bench/mdx_compile.mjs); sluice: median
#     of REPS runs (default 3); @mdx-js/mdx: once (minutes), MDX_JS_REPS=N for more.
#  2. `vite build` of the 300-page test site (integrations/vite/test) with
#     vite-plugin-sluice-md and with @mdx-js/rollup (the run also checks
#     every page renders the same); medians of REPS.
#  3. the sidecar's peak RSS (VmHWM) for 1,000 of those pages sent as one
#     transformBatch, -j2 (bench/mdx_sidecar_mem.mjs).
# Run it inside `flock /tmp/sluice-bench.lock` in its own autogroup.
set -euo pipefail
build=$(cd "$(dirname "$0")/.." && pwd)
src=$(sed -n 's/^sluice_SOURCE_DIR:STATIC=//p' "$build/CMakeCache.txt")
reps=${1:-3}
[ "$reps" = --help ] && { sed -n '2,13p' "$0"; exit 0; }
sluice=$build/sluice
mods=$("$src/scripts/npm/mdx/install.sh")
md_mods=$("$src/scripts/npm/md/install.sh")
work=$(mktemp -d /dev/shm/sluice-bench-mdx.XXXXXX)
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

node "$src/tests/md/mdx/gen.mjs" "$work/pages" 2000 19 10
echo "corpus: 2000 pages, $(du -sb "$work/pages" | awk '{printf "%.1f MB", $1/1e6}'); load: $(cat /proc/loadavg)"
s_times=() m_times=()
for _ in $(seq "$reps"); do
  rm -rf "$work/out"
  t0=$(now_ms)
  "$sluice" md --mdx -q -j2 -o "$work/out" "$work/pages"
  s_times+=($(( $(now_ms) - t0 )))
done
for _ in $(seq "${MDX_JS_REPS:-1}"); do
  m_times+=($(node "$src/bench/mdx_compile.mjs" "$mods" "$work/pages" | cut -d' ' -f1))
done
s=$(printf '%s\n' "${s_times[@]}" | median)
m=$(printf '%s\n' "${m_times[@]}" | median)
echo "compile 2000 pages: sluice md --mdx -j2 ${s} ms (runs: ${s_times[*]}), @mdx-js/mdx ${m} ms (runs: ${m_times[*]}): $(awk -v a="$m" -v b="$s" 'BEGIN {printf "%.1fx", a/b}')"

a_times=() b_times=()
for _ in $(seq "$reps"); do
  line=$(TMPDIR=$work NODE_PATH="$md_mods" node "$src/integrations/vite/test/build.test.mjs" "$sluice" "$mods" 300 2>&1 |
         grep '^vite build, ')
  a_times+=($(echo "$line" | sed 's/.*sluice plugin \([0-9]*\) ms.*/\1/'))
  b_times+=($(echo "$line" | sed 's/.*@mdx-js\/rollup \([0-9]*\) ms.*/\1/'))
done
a=$(printf '%s\n' "${a_times[@]}" | median)
b=$(printf '%s\n' "${b_times[@]}" | median)
echo "vite build, 300 pages: vite-plugin-sluice-md ${a} ms (runs: ${a_times[*]}), @mdx-js/rollup ${b} ms (runs: ${b_times[*]}): $(awk -v a="$b" -v b="$a" 'BEGIN {printf "%.1fx", a/b}')"

mkdir -p "$work/k"
pages=("$work"/pages/*.mdx)
ln -s "${pages[@]:0:1000}" "$work/k/"
read -r kb ms n < <(node "$src/bench/mdx_sidecar_mem.mjs" "$sluice" "$work/k" 2)
echo "sidecar, one transformBatch of $n pages (-j2): peak RSS $(( kb / 1024 )) MB, answered in ${ms} ms"
echo "load after: $(cat /proc/loadavg)"
