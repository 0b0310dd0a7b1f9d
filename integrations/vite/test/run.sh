#!/usr/bin/env bash
# run.sh SLUICE build|dev: vite-plugin-sluice-md's tests with the pinned
# npm packages (scripts/npm/mdx: vite, @mdx-js/rollup, react; scripts/npm/md:
# `entities`, for tests/md/normalize.js).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mods=$("$here/../../../scripts/npm/mdx/install.sh")
md_mods=$("$here/../../../scripts/npm/md/install.sh")
case $2 in
  build) NODE_PATH="$md_mods" exec node "$here/build.test.mjs" "$1" "$mods" 100 ;;
  dev) exec node "$here/dev.test.mjs" "$1" "$mods" ;;
  *) echo "run.sh: build or dev, not '$2'" >&2; exit 2 ;;
esac
