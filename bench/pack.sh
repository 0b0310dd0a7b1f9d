#!/usr/bin/env bash
# bench/pack.sh -> BUILD/bench/pack: sluice pack/unpack against zstd and
# age, side by side on one corpus in one run.
#
#   BUILD/bench/pack [--runs N] [--no-4g] [--rt]
#
# --rt runs every measured command (peers and ours alike) at real-time
# priority (chrt -f 10, root only): on a machine shared with other busy
# work that approximates an idle machine, where parallel speed-ups show;
# without it, other load decides much of the wall time (see the CPU s
# column, which it does not change).
# The corpus (>= 512 MiB of this machine's files, binary and text: a tar
# of /usr/lib/x86_64-linux-gnu, /usr/share/doc, /usr/include, /usr/share,
# cut at 640 MiB) is built once under BUILD/bench-corpus/.  Each command
# runs N times (default 3); the table shows the median time, MB/s of
# input, output size, ratio against the input, and peak RSS (GNU time's
# %M; for a shell pipe, the sum of both processes), plus CPU time.
# Commands alternate round-robin so load from other work hits all alike.  Then it streams 4 GiB
# (the corpus repeated) through `sluice pack | sluice unpack` and reports
# both peak RSS figures.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/.." && pwd)
S=$build/sluice
runs=3
big=1
rt=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --no-4g) big=0; shift ;;
    --rt) rt="chrt -f 10"; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "pack bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
for t in zstd age age-keygen /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "pack bench: $t missing (scripts/install-deps.sh pack)" >&2; exit 1; }
done
[ -x "$S" ] || { echo "pack bench: $S not built" >&2; exit 1; }

corpus_dir=$build/bench-corpus
corpus=$corpus_dir/corpus.tar
if [ ! -f "$corpus" ]; then
  mkdir -p "$corpus_dir"
  echo "building the corpus (once): $corpus" >&2
  tar cf - --sort=name --ignore-failed-read /usr/lib/x86_64-linux-gnu /usr/share/doc /usr/include /usr/share \
    2>/dev/null | head -c $((640 << 20)) > "$corpus.tmp" || true
  mv "$corpus.tmp" "$corpus"
fi
size=$(stat -c %s "$corpus")
[ "$size" -ge $((512 << 20)) ] || { echo "pack bench: corpus is only $size bytes" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pack-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
age-keygen -o "$W/key.txt" 2>/dev/null
R=$(age-keygen -y "$W/key.txt")
cat "$corpus" > /dev/null # warm the page cache
load0=$(cut -d' ' -f1-3 /proc/loadavg)

# Commands run round-robin (each round runs every command once), so that
# a change in the machine's load falls on all of them alike.  Per command:
# the median wall time, the median CPU time (user + sys of every process),
# the largest peak RSS (summed over a pipe's processes) and the output size.
names=() cmds=() outs=()
add() { names+=("$1"); outs+=("$2"); cmds+=("$3"); }
tm() { echo "/usr/bin/time -f '%M %U %S' -o $W/rss.$1"; }
add "zstd -3 -T2" "$W/z.zst" "$(tm a) zstd -q -3 -T2 -c '$corpus' > '$W/z.zst'"
add "zstd -3 -T2 | age -e -r KEY" "$W/za.age" "$(tm a) zstd -q -3 -T2 -c '$corpus' | $(tm b) age -e -r $R > '$W/za.age'"
add "sluice pack -l 3 -r KEY" "$W/s.age" "$(tm a) '$S' pack -q -l 3 -r $R -o - '$corpus' > '$W/s.age'"
add "sluice pack -l 3 (no encryption)" "$W/s.zst" "$(tm a) '$S' pack -q -l 3 -o - '$corpus' > '$W/s.zst'"
add "age -d | zstd -d" "" "$(tm a) age -d -i '$W/key.txt' '$W/za.age' | $(tm b) zstd -q -d > /dev/null"
add "sluice unpack" "" "$(tm a) '$S' unpack -q -i '$W/key.txt' -o - '$W/s.age' > /dev/null"
declare -A T C M Z times cpus
for r in $(seq "$runs"); do
  for i in "${!names[@]}"; do
    rm -f "$W"/rss.*
    t0=$(date +%s.%N)
    $rt bash -c "${cmds[$i]}"
    t1=$(date +%s.%N)
    times[$i]+="$(echo "$t1 - $t0" | bc -l) "
    rss=0 cpu=0
    for f in "$W"/rss.*; do
      read -r k u s < <(tail -1 "$f")
      rss=$((rss + k)); cpu=$(echo "$cpu + $u + $s" | bc -l)
    done
    cpus[$i]+="$cpu "
    if [ "$rss" -gt "${M[${names[$i]}]:-0}" ]; then M[${names[$i]}]=$rss; fi
  done
done
median() { tr ' ' '\n' | grep . | sort -g | sed -n "$(( (runs + 1) / 2 ))p"; }
for i in "${!names[@]}"; do
  n=${names[$i]}
  T[$n]=$(echo "${times[$i]}" | median)
  C[$n]=$(echo "${cpus[$i]}" | median)
  Z[$n]=$([ -n "${outs[$i]}" ] && stat -c %s "${outs[$i]}" || echo 0)
done

# check the round trip once
"$S" unpack -q -i "$W/key.txt" -o - "$W/s.age" | cmp -s - "$corpus" || { echo "pack bench: ROUND TRIP FAILED" >&2; exit 1; }

echo "corpus: $corpus, $size bytes; $(nproc) CPUs; median of $runs runs"
echo "load average before: $load0${rt:+; commands at real-time priority ($rt)}"
printf '%-34s %8s %8s %8s %14s %7s %8s\n' command "wall s" "MB/s" "CPU s" "output bytes" ratio "RSS MiB"
for name in "${names[@]}"; do
  t=${T[$name]}
  mbs=$(echo "$size / $t / 1000000" | bc -l)
  ratio=$([ "${Z[$name]}" -gt 0 ] && echo "${Z[$name]} / $size" | bc -l || echo 0)
  printf '%-34s %8.2f %8.1f %8.2f %14s %7.4f %8.1f\n' "$name" "$t" "$mbs" "${C[$name]}" "${Z[$name]}" "$ratio" \
    "$(echo "${M[$name]} / 1024" | bc -l)"
done
pack_vs_zstd=$(echo "${T[sluice pack -l 3 -r KEY]} / ${T[zstd -3 -T2]}" | bc -l)
pipe_vs_pack=$(echo "${T[zstd -3 -T2 | age -e -r KEY]} / ${T[sluice pack -l 3 -r KEY]}" | bc -l)
unpack_speedup=$(echo "${T[age -d | zstd -d]} / ${T[sluice unpack]}" | bc -l)
size_vs_zstd=$(echo "(${Z[sluice pack -l 3 -r KEY]} / ${Z[zstd -3 -T2]} - 1) * 100" | bc -l)
echo
printf 'pack+encrypt time / zstd -3 -T2 time:   %.3f  (target <= 1.10)\n' "$pack_vs_zstd"
printf 'pack+encrypt CPU / zstd -3 -T2 CPU:     %.3f  (the same work without the noise of other load)\n' \
  "$(echo "${C[sluice pack -l 3 -r KEY]} / ${C[zstd -3 -T2]}" | bc -l)"
printf 'zstd|age time / pack+encrypt time:      %.3f  (target >= 1.4)\n' "$pipe_vs_pack"
printf 'age -d|zstd -d time / unpack time:      %.3f  (target >= 1.4)\n' "$unpack_speedup"
printf 'pack+encrypt size vs zstd -3:           %+.2f %% (target within 1 %%)\n' "$size_vs_zstd"
printf 'pack peak RSS:                          %.1f MiB (target <= 64)\n' "$(echo "${M[sluice pack -l 3 -r KEY]} / 1024" | bc -l)"

if [ "$big" = 1 ]; then
  # 4 GiB, generated (the corpus repeated from the page cache), never stored.
  gib4=$((4 << 30))
  set +o pipefail # `head` ends the endless generator on purpose
  t0=$(date +%s.%N)
  while :; do cat "$corpus" || break; done 2>/dev/null | head -c $gib4 |
    /usr/bin/time -f %M -o "$W/rss.pack4g" "$S" pack -q -r "$R" -o - |
    /usr/bin/time -f %M -o "$W/rss.unpack4g" "$S" unpack -q -i "$W/key.txt" -o - | wc -c > "$W/n4g"
  t1=$(date +%s.%N)
  [ "$(cat "$W/n4g")" = $gib4 ] || { echo "pack bench: 4 GiB round trip returned $(cat "$W/n4g") bytes" >&2; exit 1; }
  printf '4 GiB through stdin (pack | unpack, %.0f s): pack peak RSS %.1f MiB, unpack peak RSS %.1f MiB\n' \
    "$(echo "$t1 - $t0" | bc -l)" "$(echo "$(tail -1 "$W/rss.pack4g") / 1024" | bc -l)" \
    "$(echo "$(tail -1 "$W/rss.unpack4g") / 1024" | bc -l)"
fi
