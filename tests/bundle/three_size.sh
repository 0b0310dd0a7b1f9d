#!/usr/bin/env bash
# three_size.sh TOOL [LIMIT-PERCENT]: three.js's src/ (every export of
# src/Three.js, from scripts/npm/bundle-ts) bundled by TOOL with --minify
# and by `esbuild --minify` from the same entry; both bundles must run
# under node and print the same, and TOOL's gzip'd size (gzip -9) may
# exceed esbuild's by at most LIMIT-PERCENT (default 2).  Prints both
# sizes, raw and gzip'd.
set -uo pipefail
tool=$1 limit=${2:-2}
. "$(dirname "$0")/ts_common.sh"
ts_require_support "$tool" "three_size" js --minify
ts_install
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
ln -s "$ts_modules" "$work/node_modules"
# The entry keeps every export (a library bundle) and prints a digest of
# what it exported, so a bundle that lost or broke something differs.
cat >"$work/entry.mjs" <<'EOF'
import * as THREE from 'three/src/Three.js';
export * from 'three/src/Three.js';
const names = Object.keys(THREE).sort();
const v = new THREE.Vector3(1, 2, 3).applyMatrix4(new THREE.Matrix4().makeRotationY(0.5));
const box = new THREE.Box3().setFromObject(new THREE.Mesh(new THREE.BoxGeometry(2, 3, 4)));
console.log(names.length, names.slice(0, 5).join(','), THREE.REVISION);
console.log(v.toArray().map((x) => x.toFixed(4)).join(' '), box.max.toArray().join(' '));
console.log(new THREE.Color('#336699').getHexString(), new THREE.Quaternion().setFromEuler(new THREE.Euler(0.1, 0.2, 0.3)).toArray().map((x) => x.toFixed(5)).join(' '));
EOF
(cd "$work" && node entry.mjs) >"$work/want" 2>&1 || { echo "FAIL: node entry.mjs"; cat "$work/want"; exit 1; }
size() { # TOOL NAME: bundle with --minify, check it runs, print "raw gzip"
  ts_bundle "$1" "$work/entry.mjs" "$work/$2.mjs" esm --minify || { echo "FAIL: $1 --minify could not bundle three.js" >&2; return 1; }
  (cd "$work" && node "$2.mjs") >"$work/$2.got" 2>&1
  cmp -s "$work/want" "$work/$2.got" || { echo "FAIL: $1's minified three.js prints otherwise than three.js" >&2; diff -u "$work/want" "$work/$2.got" | head -20 >&2; return 1; }
  echo "$(wc -c <"$work/$2.mjs") $(gzip -9 -c "$work/$2.mjs" | wc -c)"
}
ref=$(size esbuild ref) || exit 1
got=$(size "$tool" got) || exit 1
read -r ref_raw ref_gz <<<"$ref"
read -r got_raw got_gz <<<"$got"
verdict=$(awk -v g="$got_gz" -v r="$ref_gz" -v l="$limit" 'BEGIN { d = (g - r) * 100 / r; printf "%+.2f%% %s", d, (d <= l ? "ok" : "FAIL") }')
echo "three.js src/ --minify: $tool $got_raw bytes, $got_gz gzip'd; esbuild $ref_raw bytes, $ref_gz gzip'd; gzip'd difference ${verdict% *} (limit +$limit%)"
[ "${verdict#* }" = ok ] || { echo "FAIL: $tool's minified three.js is more than $limit% larger gzip'd than esbuild's"; exit 1; }
