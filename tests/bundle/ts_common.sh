# ts_common.sh: sourced by the TypeScript/JSX/minify bundle checks
# (ts_package.sh, tsx_app.sh, minified_sourcemap.sh, three_size.sh).  One
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

# ts_bundle TOOL ENTRY OUT FORMAT [FLAG...]: FLAGs are sluice's, written
# --name=value (--minify, --sourcemap, --jsx=classic|automatic,
# --define=K=V, --platform=node); for esbuild the two it spells otherwise
# are translated.
ts_bundle() {
  local tool=$1 entry=$2 out=$3 format=$4; shift 4
  if [ "$tool" = esbuild ]; then
    local args=() f
    for f in "$@"; do
      case $f in
        --jsx=classic) args+=(--jsx=transform) ;;
        --define=*) args+=("--define:${f#--define=}") ;;
        *) args+=("$f") ;;
      esac
    done
    "$ts_esbuild" "$entry" --bundle --format="$format" --log-level=error --outfile="$out" "${args[@]}"
  else
    "$tool" bundle "$entry" --format="$format" -q -o "$out" "$@"
  fi
}

# ts_require_support TOOL WHAT [FLAG...]: until `sluice bundle` reads
# TypeScript and JSX and takes the minify flags (issue 17, phase 2), a check
# that needs them exits 77, which ctest reports as skipped with this reason.
# A probe: one .tsx module with a type annotation, an enum and JSX,
# bundled with the check's flags.
ts_require_support() {
  local tool=$1 what=$2; shift 2
  [ "$tool" = esbuild ] && return 0
  local probe flags=() f
  for f in "$@"; do [[ $f == --jsx* ]] || flags+=("$f"); done
  probe=$(mktemp -d)
  printf 'enum E { A = 1 }\nconst h = (t: string, p: unknown, ...c: unknown[]): string => t + c.join("");\nconst React = { createElement: h };\nexport const x: number = E.A, y = <b>{x}</b>;\n' >"$probe/p.tsx"
  if ! "$tool" bundle "$probe/p.tsx" --format esm -q -o "$probe/p.js" "${flags[@]}" --jsx=classic >"$probe/err" 2>&1; then
    echo "SKIP: $what: sluice bundle does not take TypeScript/JSX ${*:+with $* }yet (issue 17 phase 2): $(head -c 300 "$probe/err")"
    rm -rf "$probe"
    exit 77
  fi
  rm -rf "$probe"
}
