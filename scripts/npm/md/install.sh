#!/usr/bin/env bash
# install.sh [bench]: installs the pinned npm packages sluice md's tests
# need (package-lock.json) into scripts/npm/md/node_modules, or with
# `bench` the packages whose Markdown makes bench/md's corpus
# (bench/package-lock.json, into bench/node_modules); git ignores both.
# Idempotent: does nothing when the lock file's tree is there.  Prints the
# node_modules path on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ "${1:-}" = bench ] && here="$here/bench"
mods="$here/node_modules"
if [ -f "$mods/.sluice-installed" ] && [ "$mods/.sluice-installed" -nt "$here/package-lock.json" ]; then
  echo "$mods"; exit 0
fi
command -v npm >/dev/null || { echo "npm/md: npm is missing (install nodejs with npm: apt-get install nodejs npm)" >&2; exit 2; }
cd "$here"
# A lock held by a concurrent install (two test flavours at once) waits.
exec 9>"${TMPDIR:-/tmp}/sluice-npm-md-$(id -u)-$(basename "$here").lock"
flock 9
if [ ! -f "$mods/.sluice-installed" ] || [ "$here/package-lock.json" -nt "$mods/.sluice-installed" ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  [ -d "$mods" ] || { echo "npm/md: $mods missing after npm ci" >&2; exit 2; }
  touch "$mods/.sluice-installed"
fi
echo "$mods"
