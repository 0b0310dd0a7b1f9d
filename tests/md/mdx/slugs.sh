#!/usr/bin/env bash
# slugs.sh SLUICE: heading ids against github-slugger (slugs.mjs), with the
# pinned npm packages of scripts/npm/mdx.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mods=$("$here/../../../scripts/npm/mdx/install.sh")
exec node "$here/slugs.mjs" "$1" "$mods"
