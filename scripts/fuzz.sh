#!/usr/bin/env bash
# fuzz.sh: `make fuzz` - runs every libFuzzer target of the ASan+UBSan
# build for a fixed time each, seeded from its committed corpus and from
# real inputs (scripts/fuzz-seeds.sh), with a per-input time limit and a
# memory limit so that hangs and blow-ups count as findings, not only
# crashes.  Keeps going after a finding (fork mode) and prints one line a
# target; exits 1 if anything was found.  docs/fuzzing.md says how to turn
# a finding into a regression seed.
#   FUZZ_SECONDS   time per target (default 60)
#   FUZZ_TIMEOUT   seconds one input may take (default 10)
#   FUZZ_RSS_MB    memory one run may use (default 2048)
#   FUZZ_TARGETS   space-separated names to run (default: all)
#   FUZZ_BUILD     the fuzzing build directory (default build-asan)
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-10}
rss=${FUZZ_RSS_MB:-2048}
dir=${FUZZ_BUILD:-build-asan}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
scripts/build.sh release build >/dev/null || exit 2   # the pack seeds are written by build/sluice
scripts/build.sh asan "$dir" >/dev/null || exit 2
list=$dir/fuzz/targets.tsv
[ -s "$list" ] || { echo "fuzz: no targets listed in $list" >&2; exit 2; }
found_any=0
printf '%-18s %8s %10s %8s  %s\n' target seconds execs corpus findings
while IFS=$'\t' read -r name bin corpus kind max_len; do
  if [ -n "${FUZZ_TARGETS:-}" ] && [[ " $FUZZ_TARGETS " != *" $name "* ]]; then continue; fi
  [ "$kind" = - ] && kind=   # no real-input seeds for this target
  work=$dir/fuzz/$name
  findings=$dir/fuzz/findings/$name
  mkdir -p "$work.found" "$findings"
  seeds=()
  if [ -n "$kind" ]; then
    rm -rf "$work.seeds"
    SLUICE=$PWD/build/sluice scripts/fuzz-seeds.sh "$kind" "$work.seeds" || exit 2
    seeds=("$work.seeds")
  fi
  log=$work.log
  start=$(date +%s)
  # The first directory collects what libFuzzer finds worth keeping; the
  # committed corpus and the real-input seeds are only read.
  "$bin" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb="$rss" -max_len="$max_len" \
    -artifact_prefix="$findings/" -print_final_stats=1 \
    "$work.found" "$corpus" "${seeds[@]}" > "$log" 2>&1
  took=$(( $(date +%s) - start ))
  # fork mode's status lines: "#183514: cov: 1713 ft: 1657 corp: 389 exec/s 9944 ..."
  status=$(grep '^#[0-9]*: cov:' "$log" | tail -1)
  execs=$(sed -n 's/^#\([0-9]*\):.*/\1/p' <<<"$status")
  corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$status")
  n=$(find "$findings" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  printf '%-18s %8s %10s %8s  %s\n' "$name" "$took" "${execs:-?}" "${corp:-?}" \
    "$([ "$n" -gt 0 ] && echo "$n in $findings (log: $log)" || echo none)"
  [ "$n" -gt 0 ] && found_any=1
done < "$list"
exit $found_any
