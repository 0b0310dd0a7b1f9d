#!/usr/bin/env bash
# build/bench/md [REPS]: `sluice md` side by side with md4c in process (the
# per-core ceiling), cmark-gfm and markdown-it on real Markdown, and the
# sidecar driven from Node.  The corpus is assembled here: the READMEs and
# docs of the npm packages pinned in scripts/npm/md/bench (installed by its
# lock file), plus Debian's /usr/share/doc and the system's node_modules.
# Every figure is the median of REPS runs (default 5).
set -euo pipefail
build=$(cd "$(dirname "$0")/.." && pwd)
src=$(sed -n 's/^sluice_SOURCE_DIR:STATIC=//p' "$build/CMakeCache.txt")
reps=${1:-5}
[ "${1:-}" = --help ] && { sed -n '2,8p' "$0"; exit 0; }
sluice=$build/sluice
work=$build/bench/md-work
corpus=$work/corpus
rm -rf "$work"; mkdir -p "$corpus"

mods=$("$src/scripts/npm/md/install.sh" bench)
testmods=$("$src/scripts/npm/md/install.sh")
# Copy every Markdown file into one tree that keeps the documents' own
# directories (a docs site is a tree: flattening it into one directory
# would make every output file contend for one directory's lock).  Paths
# with a hidden component are left out, as sluice md's walk leaves them.
{ find "$mods" /usr/share/doc /usr/lib/node_modules \( -name '*.md' -o -name '*.markdown' \) -type f -size +0 2>/dev/null || true; } |
  grep -v '/\.' | sort | while read -r f; do
    mkdir -p "$corpus$(dirname "$f")"
    cp "$f" "$corpus$f"
  done
find "$corpus" -type f | sort > "$work/all.txt"
# The 1,000-page set: a fixed pseudo-random sample of the corpus, so that it
# has the corpus's mix of sizes (the first 1,000 in path order would
# depend on how paths happen to sort: one order held none of the 400 KB -
# 1 MB node changelogs, another all of them).
shuf -n 1000 --random-source=<(yes) "$work/all.txt" | sort > "$work/sample1000.txt"
corpus1k=$work/corpus1k # the same 1,000 pages as a tree of their own
while read -r f; do
  mkdir -p "$corpus1k$(dirname "${f#"$corpus"}")"
  cp "$f" "$corpus1k${f#"$corpus"}"
done < "$work/sample1000.txt"
files=$(wc -l < "$work/all.txt")
mb=$(du -cb $(cat "$work/all.txt") | tail -1 | awk '{printf "%.1f", $1/1e6}')
echo "corpus: $files files, $mb MB ($work/corpus)"
[ "$files" -ge 1000 ] || { echo "bench/md: fewer than 1000 Markdown files found" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# time_cmd: runs "$@" reps times; prints "median-seconds max-peak-RSS-KiB
# median-CPU-seconds" (user + system: what the run cost, whatever the
# other tenants of the machine were doing meanwhile).
# A command's "@OUT@" argument becomes a new, empty directory for each run,
# so every run writes its pages afresh (a clean site build).  Nothing is
# deleted until the whole bench is over: on this machine's ext4 (mounted
# with discard) a run that follows an rm -rf of the last run's tree spent
# 2-4x the system time, and the timings grew run after run.
# The first argument is a tag naming those directories (time_cmd runs in a
# subshell, so it cannot count runs across calls itself).
time_cmd() {
  local t=() c=() m=0 tag=$1 i=0
  shift
  for _ in $(seq "$reps"); do
    i=$((i + 1))
    local args=() a
    for a in "$@"; do args+=("${a//@OUT@/$out.$tag.$i}"); done
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "${args[@]}" > /dev/null
    read -r s k u y < "$work/time"; t+=("$s"); c+=("$(awk -v u="$u" -v y="$y" 'BEGIN {print u + y}')")
    [ "$k" -gt "$m" ] && m=$k
  done
  echo "$(printf '%s\n' "${t[@]}" | median) $m $(printf '%s\n' "${c[@]}" | median)"
}
row() { # name pages MB seconds rssKiB base cpu-seconds
  awk -v n="$1" -v p="$2" -v mb="$3" -v s="$4" -v r="$5" -v base="${6:-0}" -v cpu="${7:-}" \
    'BEGIN {printf "%-34s %8.0f %8.1f %8.1f %8s %9s\n", n, p/s, mb/s, r/1024,
            (base>0 ? sprintf("%.2fx", (p/s)/base) : ""), (cpu != "" ? sprintf("%.0f", cpu * 1e6 / p) : "")}'
}

read -r p4 mb4 s4 < <("$build/bench/md_md4c" "$work/all.txt" "$reps")
m4rss=$( /usr/bin/time -f '%M' "$build/bench/md_md4c" "$work/all.txt" 1 2>&1 >/dev/null | tail -1)
base=$(awk -v p="$p4" -v s="$s4" 'BEGIN {print p/s}')
# Where the pages are written.  The main rows write to tmpfs: on this
# machine's ext4 a tree of new files costs whatever the file system's state
# makes it cost - after a large rm -rf (the last bench's outputs, say), the
# inode allocator's recently_deleted() scan took 2-10x the system time
# (perf: find_get_block_common, recently_deleted, find_inode_bit), so the
# same command measured 0.15 s or 1.1 s.  The ext4 rows (the build tree's
# file system) are printed too, for what they are.
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=$work
out=$(mktemp -d "$shm/sluice-md-bench.XXXXXX")/out
trap 'rm -rf "${out%/out}"' EXIT
run_set() { # LABEL: the sluice md rows and the file-system floor, each into fresh directories
  local s1 r1 c1 s2 r2 c2 pf1 mbf1 sf1 pf2 mbf2 sf2
  read -r s1 r1 c1 < <(time_cmd "$1-j1" "$sluice" md -q -j1 -o @OUT@ "$corpus")
  read -r s2 r2 c2 < <(time_cmd "$1-j2" "$sluice" md -q -j2 -o @OUT@ "$corpus")
  read -r pf1 mbf1 sf1 < <("$build/bench/md_iofloor" "$work/all.txt" "$corpus" "$out.$1-floor1" 1 "$reps")
  read -r pf2 mbf2 sf2 < <("$build/bench/md_iofloor" "$work/all.txt" "$corpus" "$out.$1-floor2" 2 "$reps")
  echo "$s1 $r1 $c1 $s2 $r2 $c2 $pf1 $mbf1 $sf1 $pf2 $mbf2 $sf2"
}
read -r s1 r1 c1 s2 r2 c2 pf1 mbf1 sf1 pf2 mbf2 sf2 < <(run_set tmpfs)
read -r s1k r1k c1k < <(time_cmd 1k "$sluice" md -q -j2 -o @OUT@ "$corpus1k")
ext=$work/out # the same on ext4 (or whatever holds the build tree), last
read -r e1 er1 ec1 e2 er2 ec2 epf1 embf1 esf1 epf2 embf2 esf2 < <(out=$ext; run_set ext4)
mb1k=$(du -cb $(cat "$work/sample1000.txt") | tail -1 | awk '{print $1/1e6}')
read -r sc rc cc < <(time_cmd cmark sh -c "cmark-gfm --unsafe -e table -e strikethrough -e autolink -e tasklist \$(cat '$work/all.txt')")
read -r pm mbm sm < <(NODE_PATH="$testmods" node "$build/bench/md_markdown_it.js" "$reps" < "$work/all.txt")
mrss=$( { NODE_PATH="$testmods" /usr/bin/time -f '%M' node "$build/bench/md_markdown_it.js" 1 < "$work/all.txt" >/dev/null; } 2>&1 | tail -1)
side=$(NODE_PATH="$testmods" node "$build/bench/md_sidecar.js" "$sluice" 2 "$reps" < "$work/sample1000.txt")

echo
printf '%-34s %8s %8s %8s %8s %9s\n' "runner ($files pages, $mb MB)" "pages/s" "MB/s" "RSS MB" "vs md4c" "CPU us/pg"
row "md4c in process, 1 thread" "$p4" "$mb4" "$s4" "$m4rss" "$base" "$s4"
row "sluice md -j1 (files, tmpfs out)" "$files" "$mb" "$s1" "$r1" "$base" "$c1"
row "sluice md -j2 (files, tmpfs out)" "$files" "$mb" "$s2" "$r2" "$base" "$c2"
row "file I/O floor, 1 thread, tmpfs" "$pf1" "$mbf1" "$sf1" "" "$base"
row "file I/O floor, 2 threads, tmpfs" "$pf2" "$mbf2" "$sf2" "" "$base"
row "sluice md -j1 (files, ext4 out)" "$files" "$mb" "$e1" "$er1" "$base" "$ec1"
row "sluice md -j2 (files, ext4 out)" "$files" "$mb" "$e2" "$er2" "$base" "$ec2"
row "file I/O floor, 1 thread, ext4" "$epf1" "$embf1" "$esf1" "" "$base"
row "file I/O floor, 2 threads, ext4" "$epf2" "$embf2" "$esf2" "" "$base"
row "cmark-gfm (one process, all files)" "$files" "$mb" "$sc" "$rc" "$base" "$cc"
row "markdown-it (node, in memory)" "$pm" "$mbm" "$sm" "$mrss" "$base" "$sm"
echo
echo "(vs md4c: pages/s over md4c's single-core pages/s; CPU us/pg: user+system CPU per page, median run;"
echo " file I/O floor: each page read and written whole - temporary file + rename - into the same tree, nothing rendered)"
ceiling() { # LABEL FLOOR1 FLOOR2
  awk -v m="$s4" -v f1="$2" -v f2="$3" -v p="$files" -v l="$1" 'BEGIN {
    t = (m + f1) / 2; if (f2 > t) t = f2
    printf "ceiling on 2 cores, %s (md4c render + the file I/O floor, split perfectly over 2 cores, no faster than the 2-thread floor): %.0f pages/s = %.2fx md4c\n", l, p / t, m / t }'
}
ceiling tmpfs "$sf1" "$sf2"
ceiling ext4 "$esf1" "$esf2"
echo "1,000-page batch (tmpfs out): sluice md -j2 $(awk -v s="$s1k" 'BEGIN {printf "%.0f pages/s", 1000/s}'), peak RSS $((r1k / 1024)) MB"
echo "sidecar, 2 threads, the 1,000-page sample ($(awk -v m="$mb1k" 'BEGIN {printf "%.1f", m}') MB): $side"
echo "$side" | node -e '
  const r = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const [s1k, mb] = process.argv.slice(1).map(Number);
  const batchRate = 1000 / s1k;
  console.log(`sidecar transformBatch: ${(r.pages / r.batchSeconds).toFixed(0)} pages/s (${(100 * (r.pages / r.batchSeconds) / batchRate).toFixed(0)}% of the batch command on the same pages)`);
  console.log(`sidecar transformBatch, client JSON work left out: ${(r.pages / r.serverBatchSeconds).toFixed(0)} pages/s (${(100 * (r.pages / r.serverBatchSeconds) / batchRate).toFixed(0)}%)`);
  console.log(`sidecar pipelined transforms: ${(r.pages / r.pipelinedSeconds).toFixed(0)} pages/s (${(100 * (r.pages / r.pipelinedSeconds) / batchRate).toFixed(0)}%)`);
  console.log(`sidecar in-batch page render ms (its --stats): p50 ${r.inBatchRenderMs[0].toFixed(2)}, p95 ${r.inBatchRenderMs[1].toFixed(2)}, p99 ${r.inBatchRenderMs[2].toFixed(2)}`);
  console.log(`sidecar page latency ms: p50 ${r.p50.toFixed(2)}, p95 ${r.p95.toFixed(2)}, p99 ${r.p99.toFixed(2)} (p99 of the ${r.small} pages <= 64 KB: ${r.p99small.toFixed(2)}); peak RSS ${r.peakRssMB.toFixed(0)} MB`);
' "$s1k" "$mb1k"
rm -rf "$ext".* # the pages the ext4 runs wrote (see time_cmd); the trap takes tmpfs's
