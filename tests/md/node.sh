#!/usr/bin/env bash
# node.sh SCRIPT ARGS...: runs tests/md/SCRIPT (a Node program) with the
# pinned npm packages of scripts/npm/md installed and on NODE_PATH.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mods=$("$here/../../scripts/npm/md/install.sh")
script=$1
shift
NODE_PATH="$mods" exec node "$here/$script" "$@"
