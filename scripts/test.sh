#!/usr/bin/env bash
# test.sh: the whole suite, three times: a Release build, an ASan+UBSan
# build (with libFuzzer targets) and a TSan build, each running every CTest
# test (each build but the first compiles while the one before it runs
# its tests, on the CPU time they leave idle).  Exits non-zero if any
# build or test fails.
set -uo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
# A python3 that is a version manager's shim (pyenv's is a bash script
# that works out the version on every call: ~0.5 s of CPU and over a
# second of wall time a start on a 2-core machine, where the interpreter
# itself takes 0.03 s) is resolved once: the tests start python3 dozens
# of times in each build.  A link to the very interpreter the shim runs
# goes first on PATH, so every test runs the same Python as before.
py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true)
if [ -n "$py" ] && [ -x "$py" ] && [ "$(command -v python3)" != "$py" ]; then
  pybin=$(mktemp -d "${TMPDIR:-/tmp}/sluice-test-bin.XXXXXX")
  ln -s "$py" "$pybin/python3"
  export PATH="$pybin:$PATH"
fi
status=0
summary=()
# The next build compiles while this build's tests run, in the idle
# scheduling class (chrt --idle): the kernel gives it a CPU only when no
# test wants one, and a test that wakes takes the CPU back at once.  The
# tests leave a CPU idle for much of their time (waiting on servers,
# timeouts and child processes, and the last long test alone at the end);
# the build fills that time instead of running after them.  Its output
# is printed when this script waits for it.
idle=()
chrt --idle 0 true 2>/dev/null && idle=(chrt --idle 0)
kinds=(release asan tsan)
declare -A build_pid=()
logdir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-test-log.XXXXXX")
trap 'rm -rf "$logdir" ${pybin:+"$pybin"}' EXIT
# Interrupted: the background build goes too (it ignores SIGINT, as a
# script's background commands do).
to_normal() { local c; chrt -a --other -p 0 "$1" 2>/dev/null; for c in $(pgrep -P "$1" 2>/dev/null); do to_normal "$c"; done; }
kill_tree() { # stopped first, so that it starts no child while its children go
  local c
  kill -STOP "$1" 2>/dev/null || return 0
  for c in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$c"; done
  kill -TERM "$1"; kill -CONT "$1"
}
trap 'for p in "${build_pid[@]}"; do kill_tree "$p"; done; exit 130' INT TERM
dir_of() { if [ "$1" = release ]; then echo build; else echo "build-$1"; fi; }
for i in "${!kinds[@]}"; do
  kind=${kinds[$i]}
  dir=$(dir_of "$kind")
  echo "=== $kind build ($dir) ==="
  start=$(date +%s) # (a build made in the background: its time from here is what it added)
  if [ -n "${build_pid[$kind]:-}" ]; then
    # The tests are done: what is left of the build takes the CPUs back
    # (idle, it would wait behind anything else on the machine).  Twice,
    # for a child started during the first walk; later children inherit
    # the normal class.  (Unprivileged, with RLIMIT_NICE 0, this fails and
    # the build stays idle: on a quiet machine it gets the CPUs anyway.)
    to_normal "${build_pid[$kind]}"; to_normal "${build_pid[$kind]}"
    wait "${build_pid[$kind]}"; rc=$?
    unset 'build_pid[$kind]'
    cat "$logdir/$kind.log"
  else
    scripts/build.sh "$kind" "$dir"; rc=$?
  fi
  next=${kinds[$((i + 1))]:-}
  if [ -n "$next" ]; then
    "${idle[@]}" scripts/build.sh "$next" "$(dir_of "$next")" > "$logdir/$next.log" 2>&1 &
    build_pid[$next]=$!
  fi
  if [ "$rc" -ne 0 ]; then
    summary+=("$kind: BUILD FAILED"); status=1; continue
  fi
  label_args=()
  # Sanitizer builds skip benchmarks-in-disguise that only make sense
  # optimised (release-only).  TSan also skips tests labelled no-tsan:
  # sweeps of inputs through the command (every truncation, every flipped
  # bit...) whose threads are the ones the other TSan-run tests already
  # cover; each such input still runs under ASan+UBSan.
  case "$kind" in
    asan) label_args=(-LE 'release-only') ;;
    tsan) label_args=(-LE 'release-only|no-tsan') ;;
  esac
  if (cd "$dir" && ctest --output-on-failure -j "$jobs" "${label_args[@]}"); then
    summary+=("$kind: passed in $(( $(date +%s) - start )) s")
  else
    summary+=("$kind: FAILED"); status=1
  fi
done
echo "=== summary ==="
printf '%s\n' "${summary[@]}"
exit $status
