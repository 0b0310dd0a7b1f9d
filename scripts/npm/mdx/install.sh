#!/usr/bin/env bash
# install.sh: installs the pinned npm packages sluice md's MDX tests, the
# Vite plugin's tests and bench/mdx use (package-lock.json) into
# scripts/npm/mdx/node_modules, which git ignores.  Install scripts are
# not run (rolldown's and lightningcss's binaries come from their platform
# packages).  Idempotent: does nothing when the lock file's tree is there.
# Prints the node_modules path on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
mods="$here/node_modules"
if [ -f "$mods/.sluice-installed" ] && [ "$mods/.sluice-installed" -nt "$here/package-lock.json" ]; then
  echo "$mods"; exit 0
fi
command -v npm >/dev/null || { echo "npm/mdx: npm is missing (install nodejs with npm: apt-get install nodejs npm)" >&2; exit 2; }
cd "$here"
# Two tests may ask at once (ctest -j): one installs, the other waits for it.
exec 9>"${TMPDIR:-/tmp}/sluice-npm-mdx-$(id -u).lock"
flock 9
if [ ! -f "$mods/.sluice-installed" ] || [ "$here/package-lock.json" -nt "$mods/.sluice-installed" ]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
  [ -d "$mods" ] || { echo "npm/mdx: $mods missing after npm ci" >&2; exit 2; }
  touch "$mods/.sluice-installed"
fi
echo "$mods"
