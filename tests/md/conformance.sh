#!/usr/bin/env bash
# conformance.sh SLUICE MD4C_SPEC: the CommonMark spec examples (npm
# commonmark-spec, pinned by scripts/npm/md) through `sluice md
# --commonmark` and through md4c alone; prints both pass counts and fails
# unless they are equal.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mods=$("$here/../../scripts/npm/md/install.sh")
NODE_PATH="$mods" exec node "$here/conformance.js" "$1" "$2"
