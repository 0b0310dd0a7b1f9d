#!/usr/bin/env bash
# test-aarch64.sh [OUT]: the task suite and the task builds of the channel
# tests, cross-compiled for aarch64 and run under qemu-user, to exercise
# lib/ctx_aarch64.S on a machine without an aarch64 CPU.  Needs the Debian
# packages gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and qemu-user
# (apt-get install them; make test does not, it only assembles the switch:
# the CTest ctx_aarch64_assembles).  Builds into OUT (default
# build-aarch64/), static binaries, optimised; exits non-zero if any fails.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build-aarch64}
for tool in aarch64-linux-gnu-gcc qemu-aarch64; do
  command -v "$tool" >/dev/null || {
    echo "test-aarch64: no $tool (apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user)" >&2
    exit 2
  }
done
mkdir -p "$out"
cc=(aarch64-linux-gnu-gcc -O2 -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -Iinclude -Ilib -Itests)
objs=()
for src in lib/*.c lib/*.S; do
  obj=$out/$(basename "$src").o
  "${cc[@]}" -c "$src" -o "$obj"
  objs+=("$obj")
done
"${cc[@]}" -c tests/check.c -o "$out/check.o"
status=0
run() { # NAME SOURCE [CFLAGS...]
  local name=$1 src=$2
  shift 2
  "${cc[@]}" -static "$@" "$src" "$out/check.o" "${objs[@]}" -o "$out/$name"
  echo "== $name"
  timeout 600 qemu-aarch64 "$out/$name" || { echo "test-aarch64: $name failed" >&2; status=1; }
}
# qemu-user accepts guard regions and ignores them, so stacks fall back
# to mprotect'ed guard pages, one mapping split per stack, and the kernel's
# 65,530 mappings allow some 32,000 stacks: the crowd tests run a tenth
# as many tasks here.
for t in basic chan sched fd stack; do
  run "test_task_$t" "tests/task/test_task_$t.c" -DSL_TASK_DIVISOR=10
done
for f in basic select stress; do
  src=tests/chan/test_chan_$f.c
  run "test_${f}_task" "$src" -DSL_CHAN_MODE=1
  run "test_${f}_mixed" "$src" -DSL_CHAN_MODE=2
done
exit $status
