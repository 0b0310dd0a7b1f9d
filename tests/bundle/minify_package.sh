#!/usr/bin/env bash
# minify_package.sh TOOL NAME [FLAG...]: the real-package check
# (real_package.sh: tests/bundle/packages/NAME, ESM and CJS, against node
# running the entry) with FLAGs added to every bundle, --minify by
# default.  TOOL is the sluice binary, or `esbuild` (through
# esbuild_as_sluice.sh) to prove the check.
set -uo pipefail
tool=$1 name=$2; shift 2
[ $# -gt 0 ] || set -- --minify
here=$(cd "$(dirname "$0")" && pwd)
. "$here/ts_common.sh"
ts_require_support "$tool" "minified package $name" js "$@"
[ "$tool" = esbuild ] && { ts_install; tool=$here/esbuild_as_sluice.sh; }
shim=$(mktemp -d); trap 'rm -rf "$shim"' EXIT
# A stand-in for the bundler that appends the flags to each command line.
{
  printf '#!/bin/sh\nexec %q "$@"' "$tool"
  printf ' %q' "$@"
  printf '\n'
} >"$shim/bundler"
chmod +x "$shim/bundler"
# Minified lines are long: a failing diff is cut to 300 characters a line.
"$here/real_package.sh" "$shim/bundler" "$name" | sed "s/^ok: $name (\([a-z]*\)/ok: $name (\1 $*/" | cut -c1-300
exit "${PIPESTATUS[0]}"
