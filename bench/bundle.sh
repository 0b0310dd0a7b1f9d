#!/usr/bin/env bash
# bundle [--runs N] [--cases "..."] [--work DIR]: times `sluice bundle`
# against esbuild, Bun and Rolldown on
#   three     10 copies of three.js's src/ imported from one entry
#             (esbuild's classic shape, no minification)
#   app1k     a generated 1,000-module app; app10k: 10,000 modules
#             (generator: bench/bundle_gen.mjs)
#   three-min three.js x10 with --minify --sourcemap (esbuild's headline)
#   tsx10k    a generated TypeScript + React app of 10,000 .tsx components
#             (types, interfaces, enums, JSX in every file; generator:
#             bench/bundle_tsx_gen.mjs; React from scripts/npm/bundle-ts),
#             CommonJS, automatic JSX runtime
# Reports per tool the median wall time of N runs (default 3), the median
# peak RSS (/usr/bin/time -f %M), the output's size raw and gzip'd (-9),
# the ratios to sluice, and checks that every bundle runs under node and
# prints what node prints running the unbundled entry (for tsx10k, what
# esbuild's bundle prints).  A tool that fails a case gets a `failed` row
# with its first error line.  Inputs and outputs live in DIR (default
# BUILD/bench/bundle.d; give a tmpfs for figures).
# (bench/bundle.sh in the source tree, copied to BUILD/bench/bundle.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/.." && pwd)
src=${SLUICE_SOURCE_DIR:-$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || true)}
[ -f "$src/bench/bundle_gen.mjs" ] || src=$(cd "$here/../.." && pwd)
[ -f "$src/bench/bundle_gen.mjs" ] || { echo "bundle: set SLUICE_SOURCE_DIR to the sluice checkout" >&2; exit 2; }
runs=3
cases="three app1k app10k three-min tsx10k"
work=
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bundle: unknown flag $1" >&2; exit 2 ;;
  esac
done
sluice=$build/sluice
peers=$src/scripts/npm/bundle-bench
[ -n "$work" ] || work=$build/bench/bundle.d
command -v node >/dev/null || { echo "bundle: node is missing" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bundle: /usr/bin/time is missing (Debian package time)" >&2; exit 2; }
# The peers come from the lock file.  A registry that lacks some optional
# platform packages (this one serves 2 of rolldown's 16 bindings) leaves
# them out of the lock, and `npm ci` then refuses it as out of sync; `npm
# install` from the same lock keeps every locked version and skips what is
# missing, so it runs in a scratch copy that leaves the committed lock alone.
install_peers() {
  (cd "$peers" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2 2>/dev/null) && return
  local tmp
  tmp=$(mktemp -d)
  cp "$peers/package.json" "$peers/package-lock.json" "$tmp/"
  (cd "$tmp" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2) &&
    rm -rf "$peers/node_modules" && mv "$tmp/node_modules" "$peers/node_modules"
  local rc=$?
  rm -rf "$tmp"
  return $rc
}
if [ ! -x "$peers/node_modules/@esbuild/linux-x64/bin/esbuild" ] || [ ! -x "$peers/node_modules/@oven/bun-linux-x64/bin/bun" ] ||
   [ ! -e "$peers/node_modules/rolldown/package.json" ]; then
  install_peers || { echo "bundle: could not install the peers from scripts/npm/bundle-bench" >&2; exit 2; }
fi
esbuild=$peers/node_modules/@esbuild/linux-x64/bin/esbuild
bun=$peers/node_modules/@oven/bun-linux-x64/bin/bun
rolldown=$peers/node_modules/rolldown/bin/cli.mjs
mkdir -p "$work"

gen() { # name -> prints the entry path
  case $1 in
    three) [ -f "$work/three/index.js" ] || node "$src/bench/bundle_gen.mjs" three 10 "$peers/node_modules/three/src" "$work/three" >&2
           echo "$work/three/index.js" ;;
    app1k) [ -f "$work/app1k/index.js" ] || node "$src/bench/bundle_gen.mjs" app 1000 "$work/app1k" >&2
           echo "$work/app1k/index.js" ;;
    app10k) [ -f "$work/app10k/index.js" ] || node "$src/bench/bundle_gen.mjs" app 10000 "$work/app10k" >&2
           echo "$work/app10k/index.js" ;;
    three-min) gen three ;;
    tsx10k) "$src/scripts/npm/bundle-ts/install.sh" >&2 || { echo "bundle: could not install scripts/npm/bundle-ts" >&2; exit 2; }
            [ -f "$work/tsx10k/app/main.tsx" ] || node "$src/bench/bundle_tsx_gen.mjs" 10000 "$work/tsx10k/app" >&2
            ln -sfn "$src/scripts/npm/bundle-ts/node_modules" "$work/tsx10k/node_modules"
            echo "$work/tsx10k/app/main.tsx" ;;
  esac
}

cmd_for() { # tool case entry out: the command, one word per line
  local fmt=esm
  [ "$2" = tsx10k ] && fmt=cjs
  case $1 in
    sluice) printf '%s\n' "$sluice" bundle "$3" --format "$fmt" -q -o "$4" ;;
    esbuild) printf '%s\n' "$esbuild" "$3" --bundle --format=$fmt --platform=node --log-level=error --outfile="$4" ;;
    # Bun 1.4.5 with --sourcemap writes --outfile beside the entry, so it
    # gets --outdir and a fixed entry name instead (the same file).
    bun) printf '%s\n' "$bun" build "$3" --format "$fmt" --target node --outdir "$(dirname "$4")" --entry-naming "$(basename "$4")" ;;
    rolldown) printf '%s\n' node "$rolldown" "$3" --format "$fmt" --platform node --file "$4" ;;
  esac
  case $2:$1 in
    three-min:bun) printf '%s\n' --minify --sourcemap=linked ;;
    three-min:*) printf '%s\n' --minify --sourcemap ;;
    tsx10k:sluice) printf '%s\n' --platform node --jsx=automatic --define 'process.env.NODE_ENV="production"' ;;
    tsx10k:esbuild) printf '%s\n' --jsx=automatic '--define:process.env.NODE_ENV="production"' ;;
    tsx10k:bun) printf '%s\n' --define 'process.env.NODE_ENV="production"' ;; # automatic JSX is Bun's default
    tsx10k:rolldown) printf '%s\n' --transform.define 'process.env.NODE_ENV="production"' ;; # and Rolldown's
  esac
}
ext_for() { [ "$1" = tsx10k ] && echo cjs || echo mjs; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

export NODE_ENV=production
printf '%-9s %-9s %9s %8s %9s %8s %10s %9s %8s  %s\n' case tool "wall(s)" "x sluice" "RSS(MB)" "x sluice" "out(KB)" "gzip(KB)" "x sluice" check
for c in $cases; do
  entry=$(gen "$c")
  ext=$(ext_for "$c")
  if [ "$c" = tsx10k ]; then # node cannot run .tsx: esbuild's bundle is the reference
    mapfile -t cmd < <(cmd_for esbuild "$c" "$entry" "$work/ref-$c.$ext")
    "${cmd[@]}" >/dev/null 2>&1 && want=$(cd "$(dirname "$entry")" && node "$work/ref-$c.$ext" 2>&1) || want="(no reference: esbuild failed)"
  else
    want=$(cd "$(dirname "$entry")" && node "$entry")
  fi
  base_t="" base_m="" base_z=""
  for tool in sluice esbuild bun rolldown; do
    out=$work/out-$c-$tool.$ext
    mapfile -t cmd < <(cmd_for $tool "$c" "$entry" "$out")
    times=() mems=()
    ok=1
    for r in $(seq "$runs"); do
      rm -f "$out" "$out.map"
      if ! /usr/bin/time -f '%e %M' -o "$work/time" "${cmd[@]}" >/dev/null 2>"$work/err-$tool"; then
        ok=0; break
      fi
      read -r t m <"$work/time"
      times+=("$t"); mems+=("$m")
    done
    if [ "$ok" = 0 ]; then
      printf '%-9s %-9s %9s\n' "$c" "$tool" "failed: $(grep -v '^$' "$work/err-$tool" | grep -v '^Command exited' | head -1 | cut -c1-150)"
      continue
    fi
    t=$(printf '%s\n' "${times[@]}" | median)
    m=$(printf '%s\n' "${mems[@]}" | median)
    raw=$(wc -c <"$out")
    z=$(gzip -9 -c "$out" | wc -c)
    got=$(cd "$(dirname "$entry")" && node "$out" 2>&1 || true)
    check=same; [ "$got" = "$want" ] || check="DIFFERS"
    case $c:$tool in three-min:*) [ -s "$out.map" ] || check="$check, no map" ;; esac
    if [ "$tool" = sluice ]; then base_t=$t base_m=$m base_z=$z; fi
    awk -v c="$c" -v tool="$tool" -v t="$t" -v bt="$base_t" -v m="$m" -v bm="$base_m" -v raw="$raw" -v z="$z" -v bz="$base_z" -v check="$check" '
      function ratio(x, b) { return b == "" ? "-" : sprintf("%.2f", x / (b < 0.01 ? 0.01 : b)) }
      BEGIN { printf "%-9s %-9s %9.3f %8s %9.1f %8s %10.1f %9.1f %8s  %s\n", c, tool, t, ratio(t, bt), m / 1024, ratio(m, bm), raw / 1024, z / 1024, ratio(z, bz), check }'
  done
done
