#!/usr/bin/env bash
# install.sh: installs the npm packages the bundler tests bundle (pinned in
# package-lock.json) into scripts/npm/bundle/node_modules, which git
# ignores.  Install scripts are not run.  Idempotent: does nothing when
# every pinned package is already there at its pinned version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ok=1
for spec in lodash-es@4.18.1 three@0.187.0 preact@11.2.0 date-fns@4.4.0 react@19.3.1 react-dom@19.3.1; do
  name=${spec%@*} version=${spec##*@}
  grep -qs "\"version\": \"$version\"" "$here/node_modules/$name/package.json" || ok=0
done
[ "$ok" = 1 ] && exit 0
command -v npm >/dev/null || { echo "npm/bundle: npm is missing (scripts/install-deps.sh bundle installs it)" >&2; exit 2; }
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
