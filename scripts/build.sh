#!/usr/bin/env bash
# build.sh KIND DIR: configure and build one flavour of the tree.
#   release  -O2, gcc (the default compiler)
#   asan     ASan + UBSan and libFuzzer targets, clang
#   tsan     ThreadSanitizer, clang
set -euo pipefail
kind=${1:-release}
dir=${2:-build}
jobs=$(nproc 2>/dev/null || echo 2)
case "$kind" in
  release) args=(-DCMAKE_BUILD_TYPE=Release) ;;
  asan)    args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DSLUICE_SANITIZE=address -DSLUICE_FUZZ=ON) ;;
  tsan)    args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DSLUICE_SANITIZE=thread) ;;
  *) echo "build.sh: unknown kind $kind" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" "${args[@]}" >/dev/null
# Run from make, the inner make would announce every directory it enters.
MAKEFLAGS= MAKELEVEL= cmake --build "$dir" -j "$jobs"
