#!/usr/bin/env bash
# test.sh: the whole suite, three times: a Release build, an ASan+UBSan
# build (with libFuzzer targets) and a TSan build, each running every CTest
# test.  Exits non-zero if any build or test fails.
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
  trap 'rm -rf "$pybin"' EXIT
  ln -s "$py" "$pybin/python3"
  export PATH="$pybin:$PATH"
fi
status=0
summary=()
for kind in release asan tsan; do
  dir=build; [ "$kind" = release ] || dir=build-$kind
  echo "=== $kind build ($dir) ==="
  start=$(date +%s)
  if ! scripts/build.sh "$kind" "$dir"; then
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
