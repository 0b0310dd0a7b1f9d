#!/usr/bin/env bash
# install.sh: installs the npm packages the bundler tests bundle (pinned in
# package-lock.json) into scripts/npm/bundle/node_modules, which git
# ignores.  Install scripts are not run.  Idempotent: does nothing when
# every pinned package is already there at its pinned version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ok=1
for spec in chalk@5.6.2 classnames@2.5.1 date-fns@4.4.0 dayjs@1.11.23 dotenv@18.0.10 fp-ts@2.16.11 immer@11.2.14 lodash@4.18.1 lodash-es@4.18.1 marked@18.3.0 moment@2.31.0 postcss@8.5.34 preact@11.2.0 prop-types@15.8.1 react@19.3.1 react-dom@19.3.1 redux@5.0.1 rxjs@7.8.2 semver@7.8.6 three@0.187.0 underscore@1.13.8 uuid@14.0.3 vue@3.5.46 yaml@2.9.1 yargs@18.2.0 zod@4.6.7; do
  name=${spec%@*} version=${spec##*@}
  grep -qs "\"version\": \"$version\"" "$here/node_modules/$name/package.json" || ok=0
done
[ "$ok" = 1 ] && exit 0
command -v npm >/dev/null || { echo "npm/bundle: npm is missing (scripts/install-deps.sh bundle installs it)" >&2; exit 2; }
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
