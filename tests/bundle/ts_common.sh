# ts_common.sh: sourced by the TypeScript/JSX/minify bundle checks
# (ts_package.sh, tsx_app.sh, minify_sourcemap.sh, three_size.sh).  One
# idea: each check names its bundler as `sluice` (a path to the sluice
# binary) or `esbuild` (the pinned reference in scripts/npm/bundle-ts), and
# bundles through ts_bundle with sluice's flag names, so the same check is
# proved against esbuild first and then judges sluice.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ts_modules=$root/scripts/npm/bundle-ts/node_modules
ts_esbuild=$ts_modules/@esbuild/linux-x64/bin/esbuild
export TZ=UTC NODE_ENV=production LANG=C

ts_install() {
  "$root/scripts/npm/bundle-ts/install.sh" || { echo "npm install of scripts/npm/bundle-ts failed" >&2; exit 1; }
}

# ts_bundle TOOL ENTRY OUT FORMAT [FLAG...]: FLAGs are sluice's (--minify,
# --sourcemap, --jsx=classic|automatic, --define=K=V, --platform=node);
# esbuild takes them through esbuild_as_sluice.sh.
ts_bundle() {
  local tool=$1 entry=$2 out=$3 format=$4; shift 4
  [ "$tool" = esbuild ] && tool=$root/tests/bundle/esbuild_as_sluice.sh
  "$tool" bundle "$entry" --format="$format" -q -o "$out" "$@"
}

# ts_require_support TOOL WHAT KIND [FLAG...]: until `sluice bundle` takes
# what a check needs (issue 17, phase 2), the check exits 77, which ctest
# reports as skipped, with this reason.  A probe module of KIND — js (plain
# JavaScript), ts (a type annotation, an interface, an enum) or tsx (those
# and JSX) — is bundled with the check's FLAGs (a probe node_modules has a
# stub react/jsx-runtime for --jsx=automatic).  A probe that crashes the
# bundler (killed by a signal) is a failure, never a skip.
ts_require_support() {
  local tool=$1 what=$2 kind=$3; shift 3
  [ "$tool" = esbuild ] && return 0
  local probe rc label
  probe=$(mktemp -d)
  mkdir -p "$probe/node_modules/react"
  printf 'export const jsx = (t, p) => t + (p.children || ""), jsxs = jsx, Fragment = "";\n' >"$probe/node_modules/react/jsx-runtime.js"
  printf '{ "name": "react", "type": "module", "exports": { "./jsx-runtime": "./jsx-runtime.js" } }\n' >"$probe/node_modules/react/package.json"
  case $kind in
    js) label=JavaScript; printf 'export const x = [1, 2].map((v) => v * 2);\n' >"$probe/p.js" ;;
    ts) label=TypeScript; printf 'interface I { a: number }\nenum E { A = 1 }\nexport const x: I = { a: E.A as number };\n' >"$probe/p.ts" ;;
    tsx) label=TSX; printf 'enum E { A = 1 }\nconst h = (t: string, p: unknown, ...c: unknown[]): string => t + c.join("");\nconst React = { createElement: h, Fragment: "" };\nexport const x: number = E.A, y = <b>{x}</b>;\n' >"$probe/p.tsx" ;;
  esac
  "$tool" bundle "$probe"/p.* --format esm -q -o "$probe/out.js" "$@" >"$probe/err" 2>&1
  rc=$?
  if [ "$rc" -ge 128 ]; then
    echo "FAIL: $what: the support probe ($kind${*:+ $*}) crashed sluice bundle (exit $rc): $(head -c 300 "$probe/err")"
    rm -rf "$probe"; exit 1
  fi
  if [ "$rc" != 0 ]; then
    echo "SKIP: $what: sluice bundle does not take $label${*:+ with $*} yet (issue 17 phase 2): $(head -c 300 "$probe/err")"
    rm -rf "$probe"; exit 77
  fi
  rm -rf "$probe"
}
