#!/usr/bin/env bash
# install.sh: installs what the TypeScript/JSX/minify bundle suites use
# (tests/bundle/ts_packages, tsx_app, minified packages, three.js size;
# pinned in package-lock.json) into scripts/npm/bundle-ts/node_modules,
# which git ignores.  Install scripts are not run (esbuild's binary comes
# from its platform package).  Idempotent: does nothing when every
# dependency of package.json is there at its pinned version.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pinned() {
  node -e '
    const fs = require("fs"), dir = process.argv[1];
    const deps = JSON.parse(fs.readFileSync(dir + "/package.json", "utf8")).dependencies;
    for (const [name, version] of Object.entries(deps)) {
      let got = null;
      try { got = JSON.parse(fs.readFileSync(`${dir}/node_modules/${name}/package.json`, "utf8")).version; } catch {}
      if (got !== version) process.exit(1);
    }' "$here"
}
command -v node >/dev/null || { echo "npm/bundle-ts: node is missing (scripts/install-deps.sh bundle installs it)" >&2; exit 2; }
pinned && exit 0
command -v npm >/dev/null || { echo "npm/bundle-ts: npm is missing (scripts/install-deps.sh bundle installs it)" >&2; exit 2; }
# Several tests may ask at once (ctest -j): one installs, the others wait.
exec 9<"$here"
flock 9
pinned && exit 0
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
