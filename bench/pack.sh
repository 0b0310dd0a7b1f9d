#!/usr/bin/env bash
# bench/pack.sh -> BUILD/bench/pack: sluice pack/unpack against zstd and
# age, side by side, in one run.
#
#   BUILD/bench/pack [--runs N] [--range-rounds N] [--rt] [--only SECTIONS] [--no-4g]
#   SLUICE=BIN BASELINE=BIN BUILD/bench/pack ...   (random: BIN against BASELINE)
#
# Sections (--only takes a comma-separated list; default: all):
#   table   pack and unpack of the corpus against zstd -3 -T2, zstd | age
#           and age -d | zstd -d, output to a pipe (/dev/null)
#   unpack  unpack against age -d | zstd -d on two corpora of different
#           shapes, to a new file on tmpfs and on the build tree's file
#           system (ext4 here), like for like on durability both ways:
#           unpack fsyncs its output before linking it into place, so the
#           pipe gets a `sync FILE` after it; and unpack --no-fsync
#           against the pipe alone
#   zstdcli unpack against zstd -d on files the zstd CLI wrote (no seek
#           table): 1 GiB of the corpus (repeated) through `zstd -T0` from
#           the file (one frame, its size declared) and from a pipe (one
#           frame, no size), `zstd -T0 --long=27`, and a cat of `zstd` run
#           on each 64 MiB piece (16 frames declaring 64 MiB each); output
#           to a new file on tmpfs; wall time and peak RSS side by side
#   random  1 MiB at random offsets of a 4 GiB encrypted archive (built on
#           tmpfs by the benchmark and removed after): `unpack --range`
#           against age -d | zstd -d | tail -c +OFFSET | head -c 1MiB, and
#           the same reads through libsluice_pack in one process
#           (build/examples/packfile_random_read: the read without a
#           process start).  The pipe's time depends on the offset (it
#           stops after the range) and on the machine's hour, so the ratio
#           is taken over the same offsets in the same run.  BASELINE=BIN
#           times another sluice (say main's build) on the same offsets,
#           in turn with ours: a before/after that shares the machine's
#           state.  SLUICE=BIN replaces BUILD/sluice throughout.
#   4g      4 GiB streamed through pack | unpack: both peak RSS figures
# --rt runs every measured command (peers and ours alike) at real-time
# priority (chrt -f 10, root only): on a machine shared with other busy
# work that approximates an idle machine, where parallel speed-ups show;
# without it, other load decides much of the wall time (see the CPU s
# column, which it does not change).
# The corpora are built once under BUILD/bench-corpus/: corpus.tar, 640
# MiB of a tar of /usr/lib/x86_64-linux-gnu, /usr/share/doc, /usr/include,
# /usr/share in name order (mostly shared libraries, ~4:1 at -3); usr.tar,
# 256 MiB of a tar of every file under /usr/lib and /usr/share in an order
# shuffled by the MD5 of the path (binaries, text, images, locales mixed,
# ~3:1).  Each command runs N times (default 3), round-robin so that load
# from other work hits all alike; tables show medians, peak RSS (GNU
# time's %M, summed over a pipe's processes) and CPU time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/.." && pwd)
S=${SLUICE:-$build/sluice}
runs=3
range_rounds=3
rt=""
only=table,unpack,zstdcli,random,4g
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --range-rounds) range_rounds=$2; shift 2 ;;
    --no-4g) only=${only/,4g/}; shift ;;
    --only) only=$2; shift 2 ;;
    --rt) rt="chrt -f 10"; shift ;;
    -h|--help) sed -n '2,39p' "$0"; exit 0 ;;
    *) echo "pack bench: unknown argument $1" >&2; exit 2 ;;
  esac
done
want() { [[ ",$only," == *",$1,"* ]]; }
for t in zstd age age-keygen /usr/bin/time bc python3; do
  command -v "$t" >/dev/null || { echo "pack bench: $t missing (scripts/install-deps.sh pack)" >&2; exit 1; }
done
[ -x "$S" ] || { echo "pack bench: $S not built" >&2; exit 1; }

corpus_dir=$build/bench-corpus
corpus=$corpus_dir/corpus.tar
usr=$corpus_dir/usr.tar
mkdir -p "$corpus_dir"
if [ ! -f "$corpus" ]; then
  echo "building the corpus (once): $corpus" >&2
  tar cf - --sort=name --ignore-failed-read /usr/lib/x86_64-linux-gnu /usr/share/doc /usr/include /usr/share \
    2>/dev/null | head -c $((640 << 20)) > "$corpus.tmp" || true
  mv "$corpus.tmp" "$corpus"
fi
if [ ! -f "$usr" ] && want unpack; then
  echo "building the second corpus (once): $usr" >&2
  find /usr/lib /usr/share -type f 2>/dev/null |
    python3 -c 'import sys, hashlib
paths = [l.rstrip("\n") for l in sys.stdin]
paths.sort(key=lambda p: hashlib.md5(p.encode()).hexdigest())
print("\n".join(paths))' |
    tar cf - --no-recursion --ignore-failed-read -T - 2>/dev/null | head -c $((256 << 20)) > "$usr.tmp" || true
  mv "$usr.tmp" "$usr"
fi
size=$(stat -c %s "$corpus")
[ "$size" -ge $((512 << 20)) ] || { echo "pack bench: corpus is only $size bytes" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pack-bench.XXXXXX")   # on the build machine's disk (ext4 here)
SHM=$(mktemp -d /dev/shm/sluice-pack-bench.XXXXXX)           # tmpfs
trap 'rm -rf "$W" "$SHM"' EXIT
age-keygen -o "$W/key.txt" 2>/dev/null
R=$(age-keygen -y "$W/key.txt")
K=$W/key.txt
cat "$corpus" > /dev/null # warm the page cache
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$(nproc) CPUs; median of $runs runs; load average before: $load0${rt:+; commands at real-time priority ($rt)}"

# ---- the round-robin runner ----
# add NAME OUTPUT CMD; then run_all: each round runs every command once.
# Per command: median wall time (T), median CPU time of every process (C),
# the largest peak RSS summed over a pipe's processes (M), output size (Z).
names=() cmds=() outs=()
declare -A T C M Z
add() { names+=("$1"); outs+=("$2"); cmds+=("$3"); }
tm() { echo "/usr/bin/time -f '%M %U %S' -o $W/rss.$1"; }
median() { tr ' ' '\n' | grep . | sort -g | sed -n "$(( (runs + 1) / 2 ))p"; }
run_all() {
  local -A times=() cpus=()
  local r i rss cpu t0 t1 k u s f
  for r in $(seq "$runs"); do
    for i in "${!names[@]}"; do
      rm -f "$W"/rss.* "$W"/out* "$SHM"/out*
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
  rm -f "$W"/out* "$SHM"/out*
  for i in "${!names[@]}"; do
    T[${names[$i]}]=$(echo "${times[$i]}" | median)
    C[${names[$i]}]=$(echo "${cpus[$i]}" | median)
    Z[${names[$i]}]=$([ -n "${outs[$i]}" ] && stat -c %s "${outs[$i]}" || echo 0)
  done
}
# print_table INPUT_BYTES: the rows of every command added.
print_table() {
  local name t
  printf '%-46s %8s %8s %8s %14s %7s %8s\n' command "wall s" "MB/s" "CPU s" "output bytes" ratio "RSS MiB"
  for name in "${names[@]}"; do
    t=${T[$name]}
    printf '%-46s %8.2f %8.1f %8.2f %14s %7.4f %8.1f\n' "$name" "$t" "$(echo "$1 / $t / 1000000" | bc -l)" \
      "${C[$name]}" "${Z[$name]}" "$(echo "${Z[$name]} / $1" | bc -l)" "$(echo "${M[$name]} / 1024" | bc -l)"
  done
}
reset() { names=() cmds=() outs=(); }

# ---- table: pack and unpack against the peers, to a pipe ----
if want table; then
  reset
  add "zstd -3 -T2" "$W/z.zst" "$(tm a) zstd -q -3 -T2 -c '$corpus' > '$W/z.zst'"
  add "zstd -3 -T2 | age -e -r KEY" "$W/za.age" "$(tm a) zstd -q -3 -T2 -c '$corpus' | $(tm b) age -e -r $R > '$W/za.age'"
  add "sluice pack -l 3 -r KEY" "$W/s.age" "$(tm a) '$S' pack -q -l 3 -r $R -o - '$corpus' > '$W/s.age'"
  add "sluice pack -l 3 (no encryption)" "$W/s.zst" "$(tm a) '$S' pack -q -l 3 -o - '$corpus' > '$W/s.zst'"
  add "age -d | zstd -d" "" "$(tm a) age -d -i '$K' '$W/za.age' | $(tm b) zstd -q -d > /dev/null"
  add "sluice unpack" "" "$(tm a) '$S' unpack -q -i '$K' -o - '$W/s.age' > /dev/null"
  run_all
  "$S" unpack -q -i "$K" -o - "$W/s.age" | cmp -s - "$corpus" || { echo "pack bench: ROUND TRIP FAILED" >&2; exit 1; }
  echo
  echo "== table: corpus $corpus, $size bytes; output to a pipe"
  print_table "$size"
  echo
  printf 'pack+encrypt time / zstd -3 -T2 time:   %.3f  (target <= 1.10)\n' \
    "$(echo "${T[sluice pack -l 3 -r KEY]} / ${T[zstd -3 -T2]}" | bc -l)"
  printf 'pack+encrypt CPU / zstd -3 -T2 CPU:     %.3f  (the same work without the noise of other load)\n' \
    "$(echo "${C[sluice pack -l 3 -r KEY]} / ${C[zstd -3 -T2]}" | bc -l)"
  printf 'zstd|age time / pack+encrypt time:      %.3f  (target >= 1.4)\n' \
    "$(echo "${T[zstd -3 -T2 | age -e -r KEY]} / ${T[sluice pack -l 3 -r KEY]}" | bc -l)"
  printf 'age -d|zstd -d time / unpack time:      %.3f  (target >= 1.4)\n' \
    "$(echo "${T[age -d | zstd -d]} / ${T[sluice unpack]}" | bc -l)"
  printf 'pack+encrypt size vs zstd -3:           %+.2f %% (target within 1 %%)\n' \
    "$(echo "(${Z[sluice pack -l 3 -r KEY]} / ${Z[zstd -3 -T2]} - 1) * 100" | bc -l)"
  printf 'pack peak RSS:                          %.1f MiB (target <= 64)\n' \
    "$(echo "${M[sluice pack -l 3 -r KEY]} / 1024" | bc -l)"
  rm -f "$W/z.zst" "$W/s.zst"
fi

# ---- unpack: two corpora, to tmpfs and to ext4, durable alike ----
if want unpack; then
  for c in "$corpus" "$usr"; do
    base=$(basename "$c" .tar)
    in=$SHM/$base # the inputs on tmpfs: only the output's file system differs
    "$S" pack -q -f -l 3 -r "$R" -o "$in.s.age" "$c"
    zstd -q -3 -T2 -c "$c" | age -e -r "$R" > "$in.za.age"
    reset
    for dest in "$SHM" "$W"; do
      fs=$(stat -f -c %T "$dest")
      add "sluice unpack -o FILE ($fs)" "" \
        "$(tm a) '$S' unpack -q -i '$K' -o '$dest/out1' '$in.s.age'"
      add "age -d | zstd -d -o FILE; sync FILE ($fs)" "" \
        "$(tm a) age -d -i '$K' '$in.za.age' | $(tm b) zstd -q -d -o '$dest/out2' && sync '$dest/out2'"
      add "sluice unpack --no-fsync -o FILE ($fs)" "" \
        "$(tm a) '$S' unpack -q --no-fsync -i '$K' -o '$dest/out1' '$in.s.age'"
      add "age -d | zstd -d -o FILE ($fs)" "" \
        "$(tm a) age -d -i '$K' '$in.za.age' | $(tm b) zstd -q -d -o '$dest/out2'"
    done
    run_all
    echo
    echo "== unpack: $c, $(stat -c %s "$c") bytes ($(stat -c %s "$in.s.age") packed); a new output file"
    print_table "$(stat -c %s "$c")"
    for dest in "$SHM" "$W"; do
      fs=$(stat -f -c %T "$dest")
      printf 'pipe / unpack, both fsynced (%s):       %.3f  (target >= 1.4)\n' "$fs" \
        "$(echo "${T[age -d | zstd -d -o FILE; sync FILE ($fs)]} / ${T[sluice unpack -o FILE ($fs)]}" | bc -l)"
      printf 'pipe / unpack, neither fsynced (%s):    %.3f  (target >= 1.4)\n' "$fs" \
        "$(echo "${T[age -d | zstd -d -o FILE ($fs)]} / ${T[sluice unpack --no-fsync -o FILE ($fs)]}" | bc -l)"
    done
    rm -f "$in.s.age" "$in.za.age"
  done
fi

# ---- zstdcli: unpack of what the zstd CLI writes, against zstd -d ----
if want zstdcli; then
  gib=$((1 << 30))
  plain=$SHM/cli
  set +o pipefail # `head` ends the endless generator on purpose
  while :; do cat "$corpus" || break; done 2>/dev/null | head -c $gib > "$plain"
  set -o pipefail
  zstd -q -f -T0 "$plain" -o "$plain.file.zst"
  cat "$plain" | zstd -q -T0 > "$plain.pipe.zst"
  zstd -q -f -T0 --long=27 "$plain" -o "$plain.long.zst"
  mkdir "$SHM/split"
  split -b 64M "$plain" "$SHM/split/x"
  for x in "$SHM"/split/x*; do zstd -q -T0 -c "$x"; done > "$plain.cat.zst"
  rm -rf "$SHM/split"
  reset
  for k in file pipe long cat; do
    long=""; [ $k = long ] && long=--long=27
    add "sluice unpack -o FILE ($k)" "" "$(tm a) '$S' unpack -q -f $long -o '$SHM/out1' '$plain.$k.zst'"
    add "zstd -d -o FILE ($k)" "" "$(tm a) zstd -q -d -f $long -o '$SHM/out2' '$plain.$k.zst'"
  done
  run_all
  for k in file pipe long cat; do
    long=""; [ $k = long ] && long=--long=27
    "$S" unpack -q $long -o - "$plain.$k.zst" | cmp -s - "$plain" || { echo "pack bench: $k.zst UNPACKED WRONG" >&2; exit 1; }
  done
  echo
  echo "== zstdcli: 1 GiB written by the zstd CLI (file: zstd -T0 FILE; pipe: cat FILE | zstd -T0;" \
    "long: zstd -T0 --long=27 FILE; cat: zstd -T0 on each 64 MiB piece, cat), to a new file on tmpfs"
  print_table "$gib"
  for k in file pipe long cat; do
    printf 'unpack / zstd -d (%s):   time %.3f (target <= 1.2), peak RSS %.1f / %.1f MiB\n' "$k" \
      "$(echo "${T[sluice unpack -o FILE ($k)]} / ${T[zstd -d -o FILE ($k)]}" | bc -l)" \
      "$(echo "${M[sluice unpack -o FILE ($k)]} / 1024" | bc -l)" "$(echo "${M[zstd -d -o FILE ($k)]} / 1024" | bc -l)"
  done
  rm -f "$plain" "$plain".*.zst
fi

# ---- random: 1 MiB at random offsets of a 4 GiB encrypted archive ----
if want random; then
  gib4=$((4 << 30)) mib=$((1 << 20))
  arch=$SHM/big.age
  set +o pipefail # `head` ends the endless generator (and the pipe peer) on purpose
  while :; do cat "$corpus" || break; done 2>/dev/null | head -c $gib4 | "$S" pack -q -r "$R" -o "$arch"
  set -o pipefail
  offsets=$(python3 -c "import random; r = random.Random(4); print(' '.join(str(r.randrange($gib4 - $mib)) for _ in range(15)))")
  # correctness once: the range is the corpus' bytes at that offset (the input repeats the corpus)
  o=${offsets%% *}
  "$S" unpack -q -i "$K" --range "$o:$mib" -o - "$arch" |
    cmp -s - <(tail -c +$(( o % size + 1 )) "$corpus" | cat - "$corpus" | head -c $mib) ||
    { echo "pack bench: RANGE READ WRONG at $o" >&2; exit 1; }
  ours="" base="" rss=0
  pct() { tr ' ' '\n' | grep . | sort -g | awk -v p="$1" '{v[NR] = $1} END {i = int(NR * p + 0.5); if (i < 1) i = 1; print v[i]}'; }
  # Timed with bash's own clock ($EPOCHREALTIME: no process of its own),
  # the read alone; `$(date)` and /usr/bin/time around each read added
  # ~10 ms of forks and execs that are not sluice's.  Peak RSS comes from
  # a second, untimed pass under /usr/bin/time.  With BASELINE, the two
  # binaries read each offset in turn.
  # Each offset is read in every one of --range-rounds rounds (default 3):
  # the median is then over 15 x rounds reads, so that a burst of other
  # work on a shared machine moves it less than when each offset is read
  # once; per-round medians show the spread between rounds.
  rload0=$(cut -d' ' -f1-3 /proc/loadavg)
  first3="" rounds_med=""
  for r in $(seq "$range_rounds"); do
    this=""
    for o in $offsets; do
      t0=$EPOCHREALTIME
      $rt "$S" unpack -q -i "$K" --range "$o:$mib" -o /dev/null "$arch"
      t1=$EPOCHREALTIME
      t=$(echo "($t1 - $t0) * 1000" | bc -l)
      this+="$t "
      case " $(echo "$offsets" | cut -d' ' -f1-3) " in *" $o "*) first3+="$t " ;; esac
      if [ -n "${BASELINE:-}" ]; then
        t0=$EPOCHREALTIME
        $rt "$BASELINE" unpack -q -i "$K" --range "$o:$mib" -o /dev/null "$arch"
        t1=$EPOCHREALTIME
        base+="$(echo "($t1 - $t0) * 1000" | bc -l) "
      fi
    done
    ours+="$this"
    rounds_med+="$(printf '%.1f' "$(echo "$this" | pct 0.5)") / "
  done
  for o in $offsets; do
    /usr/bin/time -f %M -o "$W/rss.r" "$S" unpack -q -i "$K" --range "$o:$mib" -o /dev/null "$arch"
    k=$(tail -1 "$W/rss.r"); [ "$k" -gt "$rss" ] && rss=$k
  done
  theirs=""
  for o in $(echo "$offsets" | cut -d' ' -f1-3); do
    t0=$EPOCHREALTIME
    set +o pipefail
    $rt bash -c "age -d -i '$K' '$arch' | zstd -q -d | tail -c +$((o + 1)) | head -c $mib > /dev/null"
    set -o pipefail
    t1=$EPOCHREALTIME
    theirs+="$(echo "($t1 - $t0) * 1000" | bc -l) "
  done
  rload1=$(cut -d' ' -f1-3 /proc/loadavg)
  # the same reads through the library, in one process: the read alone, without a process start
  lib=$($rt "$build/examples/packfile_random_read" "$arch" "$K" 1 30 $mib | tail -1)
  o50=$(echo "$ours" | pct 0.5) o90=$(echo "$ours" | pct 0.9) omax=$(echo "$ours" | pct 1)
  o3=$(echo "$first3" | pct 0.5) t50=$(echo "$theirs" | pct 0.5)
  echo
  echo "== random: 1 MiB at 15 random offsets of a 4 GiB archive, each read in $range_rounds rounds ($(stat -c %s "$arch") bytes encrypted, tmpfs; load $rload0 before, $rload1 after)"
  met() { [ "$(echo "$1" | bc -l)" = 1 ] && echo met || echo 'NOT met'; }
  printf 'sluice unpack --range OFF:1M:                 median %.1f ms, p90 %.1f ms, max %.1f ms (target <= 20: %s), peak RSS %.1f MiB\n' \
    "$o50" "$o90" "$omax" "$(met "$o50 <= 20")" "$(echo "$rss / 1024" | bc -l)"
  echo "  median of each round: ${rounds_med% / } ms"
  if [ -n "$base" ]; then
    printf 'BASELINE (%s), same offsets in turn:  median %.1f ms, p90 %.1f ms\n' "$BASELINE" \
      "$(echo "$base" | pct 0.5)" "$(echo "$base" | pct 0.9)"
  fi
  echo "libsluice_pack, one process, 1 thread:        ${lib#*: }"
  printf 'age -d | zstd -d | tail -c +OFF | head -c 1M: median %.0f ms over the first 3 offsets (unpack --range there: %.1f ms)\n' "$t50" "$o3"
  printf 'pipe / range read, same 3 offsets, same run:  %.0fx (target >= 100: %s)\n' "$(echo "$t50 / $o3" | bc -l)" \
    "$(met "$t50 / $o3 >= 100")"
  rm -f "$arch"
fi

# ---- 4g: 4 GiB streamed through pack | unpack, never stored ----
if want 4g; then
  gib4=$((4 << 30))
  set +o pipefail # `head` ends the endless generator on purpose
  t0=$(date +%s.%N)
  while :; do cat "$corpus" || break; done 2>/dev/null | head -c $gib4 |
    /usr/bin/time -f %M -o "$W/rss.pack4g" "$S" pack -q -r "$R" -o - |
    /usr/bin/time -f %M -o "$W/rss.unpack4g" "$S" unpack -q -i "$K" -o - | wc -c > "$W/n4g"
  t1=$(date +%s.%N)
  set -o pipefail
  [ "$(cat "$W/n4g")" = $gib4 ] || { echo "pack bench: 4 GiB round trip returned $(cat "$W/n4g") bytes" >&2; exit 1; }
  echo
  printf '4 GiB through stdin (pack | unpack, %.0f s): pack peak RSS %.1f MiB, unpack peak RSS %.1f MiB\n' \
    "$(echo "$t1 - $t0" | bc -l)" "$(echo "$(tail -1 "$W/rss.pack4g") / 1024" | bc -l)" \
    "$(echo "$(tail -1 "$W/rss.unpack4g") / 1024" | bc -l)"
fi
