#!/usr/bin/env bash
# bundle [--runs N] [--cases "three app1k app10k"]: times `sluice bundle`
# against esbuild, Bun and Rolldown on (a) 10 copies of three.js's src/
# imported from one entry (esbuild's classic shape, no minification),
# (b) a generated 1,000-module app and (c) a 10,000-module app (generator:
# bench/bundle_gen.mjs).  Reports the median wall time of N runs (default
# 3) and peak RSS (/usr/bin/time -f %M) per tool, the ratio to sluice, and
# checks that every bundle runs under node and prints what node prints
# running the unbundled entry.  Inputs and outputs live in BUILD/bench/bundle.d/.
# (bench/bundle.sh in the source tree, copied to BUILD/bench/bundle.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$here/.." && pwd)
src=${SLUICE_SOURCE_DIR:-$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || true)}
[ -f "$src/bench/bundle_gen.mjs" ] || src=$(cd "$here/../.." && pwd)
[ -f "$src/bench/bundle_gen.mjs" ] || { echo "bundle: set SLUICE_SOURCE_DIR to the sluice checkout" >&2; exit 2; }
runs=3
cases="three app1k app10k"
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bundle: unknown flag $1" >&2; exit 2 ;;
  esac
done
sluice=$build/sluice
peers=$src/scripts/npm/bundle-bench
work=$build/bench/bundle.d
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
  esac
}

cmd_for() { # tool entry out
  case $1 in
    sluice) echo "$sluice bundle $2 --format esm -q -o $3" ;;
    esbuild) echo "$esbuild $2 --bundle --format=esm --platform=node --log-level=error --outfile=$3" ;;
    bun) echo "$bun build $2 --format esm --target node --outfile $3" ;;
    rolldown) echo "node $rolldown $2 --format esm --platform node --file $3" ;;
  esac
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%-8s %-9s %9s %8s %10s %9s  %s\n' case tool "wall(s)" "x sluice" "RSS(MB)" "x sluice" check
for c in $cases; do
  entry=$(gen "$c")
  want=$(cd "$(dirname "$entry")" && node "$entry")
  base_t="" base_m=""
  for tool in sluice esbuild bun rolldown; do
    out=$work/out-$c-$tool.mjs
    times=() mems=()
    ok=1
    for r in $(seq "$runs"); do
      rm -f "$out"
      if ! /usr/bin/time -f '%e %M' -o "$work/time" $(cmd_for $tool "$entry" "$out") >/dev/null 2>"$work/err-$tool"; then
        ok=0; break
      fi
      read -r t m <"$work/time"
      times+=("$t"); mems+=("$m")
    done
    if [ "$ok" = 0 ]; then
      printf '%-8s %-9s %9s\n' "$c" "$tool" "failed: $(head -c 200 "$work/err-$tool" | tr '\n' ' ')"
      continue
    fi
    t=$(printf '%s\n' "${times[@]}" | median)
    m=$(printf '%s\n' "${mems[@]}" | median)
    got=$(cd "$(dirname "$entry")" && node "$out" 2>&1 || true)
    check=same; [ "$got" = "$want" ] || check="DIFFERS"
    [ -n "$base_t" ] || { base_t=$t; base_m=$m; }
    awk -v c="$c" -v tool="$tool" -v t="$t" -v bt="$base_t" -v m="$m" -v bm="$base_m" -v check="$check" \
      'BEGIN { if (bt < 0.01) bt = 0.01; printf "%-8s %-9s %9.3f %8.2f %10.1f %9.2f  %s\n", c, tool, t, t / bt, m / 1024, m / bm, check }'
  done
done
