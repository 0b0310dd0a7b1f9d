#!/usr/bin/env bash
# run.sh SLUICE [--no-heading-ids]: the MDX differential test.
# 200 pages from gen.mjs (seed 19) and the hand-written pages in pages/
# (real-docs-like, and pages both compilers must refuse), compiled by
# `sluice md` and by @mdx-js/mdx, rendered with React and with Preact,
# compared (diff.mjs); the pages in commonmark/ with --commonmark, against
# @mdx-js/mdx without remark-gfm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sluice=$1
shift
mods=$("$here/../../../scripts/npm/mdx/install.sh")
work=$(mktemp -d "${TMPDIR:-/tmp}/sluice-mdx-run-XXXXXX")
trap 'rm -rf "$work"' EXIT
node "$here/gen.mjs" "$work" 200 19
node "$here/diff.mjs" "$sluice" "$mods" "$@" "$work"/*.mdx "$here"/pages/*.mdx # not exec: the EXIT trap removes $work
# --commonmark (the Vite plugin's gfm: false): @mdx-js/mdx without remark-gfm
node "$here/diff.mjs" "$sluice" "$mods" "$@" --commonmark "$here"/commonmark/*.mdx
