#!/usr/bin/env bash
# esbuild_as_sluice.sh bundle ARGS...: runs the pinned esbuild
# (scripts/npm/bundle-ts) with `sluice bundle`'s command line, so a check
# written against sluice's flags is first proved with esbuild: ts_bundle
# (ts_common.sh) uses it, and `real_package.sh esbuild_as_sluice.sh NAME`
# runs the real-package suite through it.  Takes the flags those checks
# use: --platform, --format, -q, -o, --define, --metafile, --sourcemap, --minify*,
# --jsx*; anything else is an entry.  Only a reference: never the
# bundler under test.
set -euo pipefail
. "$(dirname "$0")/ts_common.sh"
[ "${1:-}" = bundle ] || { echo "esbuild_as_sluice: first argument must be 'bundle'" >&2; exit 2; }
shift
args=(--bundle --log-level=error)
while [ $# -gt 0 ]; do
  case $1 in
    --platform|--format) args+=("$1=$2"); shift 2 ;;
    --platform=*|--format=*|--sourcemap|--minify|--minify-*) args+=("$1"); shift ;;
    --jsx=classic) args+=(--jsx=transform); shift ;;
    --jsx=*|--jsx-*) args+=("$1"); shift ;;
    -q) shift ;;
    -o) args+=("--outfile=$2"); shift 2 ;;
    --define) args+=("--define:$2"); shift 2 ;;
    --metafile) args+=("--metafile=$2"); shift 2 ;;
    --define=*) args+=("--define:${1#--define=}"); shift ;;
    -*) echo "esbuild_as_sluice: flag $1 is not translated" >&2; exit 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
# esbuild's ESM output cannot require() node's built-ins (a known
# limitation, which sluice does not share): give the bundle a require.
if [[ " ${args[*]} " == *" --format=esm "* && " ${args[*]} " == *" --platform=node "* ]]; then
  args+=("--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);")
fi
exec "$ts_esbuild" "${args[@]}"
