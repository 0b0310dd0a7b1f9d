#!/usr/bin/env bash
# install.sh: installs the reference compilers the front-end tests use
# (pinned in package-lock.json) into scripts/npm/js/node_modules, which git
# ignores.  Install scripts are not run (esbuild's binary comes from its
# platform package).  Idempotent: does nothing when every pinned package is
# already there at its pinned version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pinned() {
  for spec in typescript@5.9.3 esbuild@0.28.2 react@19.3.1 react-dom@19.3.1 test262-parser-tests@0.0.5; do
    name=${spec%@*} version=${spec##*@}
    grep -qs "\"version\": \"$version\"" "$here/node_modules/$name/package.json" || return 1
  done
}
pinned && exit 0
command -v npm >/dev/null || { echo "npm/js: npm is missing (scripts/install-deps.sh bundle installs it)" >&2; exit 2; }
# Two tests may ask at once (ctest -j): one installs, the other waits for it.
exec 9<"$here"
flock 9
pinned && exit 0
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
