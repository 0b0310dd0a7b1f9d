#!/usr/bin/env bash
# link-static.sh LINK-COMMAND...: runs the link of build/sluice with each
# third-party shared library on it (an absolute path /.../libX.so, as
# pkg-config's imported targets give them) replaced by the system's static
# archive libX.a where there is one.
#
# Why: one binary carries every tool, and each shared library costs its
# mapping and its relocations at every start, used or not - 13 of them
# were 6 ms of CPU before main (libcrypto alone 3 ms), a third of a
# `sluice unpack --range` read.  Archives add only the members used.  A
# library with no archive stays shared.  cli/CMakeLists.txt sets this as
# the launcher of sluice's link in optimised builds only.
set -euo pipefail
args=() archives=()
for a in "$@"; do
  if [[ $a == /*/lib*.so && -f ${a%.so}.a ]]; then
    a=${a%.so}.a
    archives+=("$a")
  fi
  args+=("$a")
done
# Each archive once more at the end: a member may need a library that
# came before it on the line (libcmark-gfm-extensions needs libcmark-gfm).
exec "${args[@]}" "${archives[@]}" -pthread
