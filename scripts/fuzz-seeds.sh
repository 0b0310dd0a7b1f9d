#!/usr/bin/env bash
# fuzz-seeds.sh KIND DIR: writes fuzzing seeds made from real inputs into
# DIR, for the fuzzers that name KIND in sl_fuzzer(... SEEDS KIND).  Real
# inputs find what hand-written seeds miss: the mutations start from code
# and documents people actually write.  Deterministic (sorted, every k-th
# file), bounded in count and size, and read-only on its sources.
#   crates  .rs files and Cargo.toml of the Debian crates in /usr/share/cargo/registry
#   crate-trees  whole small crates of that registry, each one input in the
#           multi-file form of tests/graph/fuzz_graph_crate.c (docs/formats/graph-fuzz-crate.md)
#   npm     .js/.mjs/.cjs modules of the bundler's pinned test packages
#   pages   Markdown pages: package READMEs and docs from npm and /usr/share/doc
#   rpc     those pages wrapped as sidecar JSON-RPC requests (transform, transformBatch)
#   pack    files written by sluice pack (X25519, armored, scrypt-free), zstd and age,
#           each behind the selector byte tests/pack/fuzz_pack.c reads
set -euo pipefail
kind=$1 out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
max_files=${FUZZ_SEED_FILES:-300}
max_bytes=${FUZZ_SEED_BYTES:-65536}
mkdir -p "$out"

# pick FILES...: copies at most max_files of the listed files (one path a
# line on stdin, sorted), spread evenly over the list, skipping big ones.
pick() {
  local list n step i=0 k=0
  list=$(mktemp)
  sort -u | tr '\n' '\0' | xargs -0 -r stat -c '%s %n' 2>/dev/null |
    awk -v max="$max_bytes" '$1 > 0 && $1 <= max { sub(/^[0-9]+ /, ""); print }' > "$list"
  n=$(wc -l < "$list")
  step=$(( n / max_files )); [ "$step" -ge 1 ] || step=1
  while read -r f; do
    if [ $(( i % step )) -eq 0 ] && [ "$k" -lt "$max_files" ]; then
      cp "$f" "$out/$(printf '%04d' "$k")-$(basename "$f" | tr -c 'A-Za-z0-9._\n-' _)"
      k=$((k + 1))
    fi
    i=$((i + 1))
  done < "$list"
  rm -f "$list"
}

npm_modules() {
  "$top/scripts/npm/bundle/install.sh" >/dev/null
  echo "$top/scripts/npm/bundle/node_modules"
}

pages() {
  { find "$(npm_modules)" -iname '*.md' 2>/dev/null
    find /usr/share/doc -iname '*.md' 2>/dev/null
    find "$top/tools/md/example-docs" "$top/docs" -name '*.md'; } | grep -v CHANGELOG
}

case "$kind" in
  crates)
    find /usr/share/cargo/registry \( -name '*.rs' -o -name Cargo.toml \) 2>/dev/null | pick ;;
  crate-trees)
    # every crate whose .rs files and Cargo.toml fit in max_bytes, in path
    # order, each file after a `==> PATH <==` line (the newline before a
    # marker belongs to it, so each file's text is exact)
    k=0
    for d in $(find /usr/share/cargo/registry -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort); do
      [ "$k" -lt "$max_files" ] || break
      files=$(cd "$d" && find . \( -name '*.rs' -o -name Cargo.toml \) -type f | sed 's|^\./||' | LC_ALL=C sort)
      [ -n "$files" ] || continue
      size=$(cd "$d" && cat $files | wc -c)
      [ "$size" -le "$max_bytes" ] || continue
      sep=''
      for f in $files; do printf '%s==> %s <==\n' "$sep" "$f"; cat "$d/$f"; sep=$'\n'; done \
        > "$out/$(printf '%04d' "$k")-$(basename "$d")"
      k=$((k + 1))
    done ;;
  npm)
    find "$(npm_modules)" \( -name '*.js' -o -name '*.mjs' -o -name '*.cjs' \) | pick ;;
  pages)
    pages | pick ;;
  rpc)
    tmp=$(mktemp -d)
    pages | out=$tmp pick
    python3 - "$tmp" "$out" <<'PY'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
names = sorted(os.listdir(src))
for i, n in enumerate(names):
    text = open(os.path.join(src, n), encoding='utf-8', errors='replace').read()
    req = {"jsonrpc": "2.0", "id": i, "method": "transform", "params": {"content": text}}
    if i % 3 == 1:  # a batch of this page and the next
        nxt = names[(i + 1) % len(names)]
        other = open(os.path.join(src, nxt), encoding='utf-8', errors='replace').read()
        req = {"jsonrpc": "2.0", "id": i, "method": "transformBatch",
               "params": {"files": [{"path": n, "content": text}, {"path": nxt, "content": other}]}}
    with open(os.path.join(dst, 'rpc-' + n), 'w') as f:
        f.write(json.dumps(req) + '\n')
PY
    rm -rf "$tmp" ;;
  pack)
    sluice=${SLUICE:-$top/build/sluice}
    [ -x "$sluice" ] || { echo "fuzz-seeds: pack seeds need $sluice (make)" >&2; exit 2; }
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    "$sluice" keygen -o "$tmp/key" 2>/dev/null
    rcpt=$(grep -o 'age1[0-9a-z]*' "$tmp/key" | head -1)
    mkdir -p "$tmp/in"
    find /usr/share/doc -name 'copyright' | out=$tmp/in max_files=6 pick
    find /usr/share/cargo/registry -name '*.rs' 2>/dev/null | out=$tmp/in max_files=6 pick
    i=0
    for f in "$tmp"/in/*; do
      "$sluice" pack -q -f -r "$rcpt" -o "$tmp/a" "$f"
      "$sluice" pack -q -f -a -r "$rcpt" -o "$tmp/b" "$f"
      "$sluice" pack -q -f --chunk 4K -o "$tmp/c" "$f"   # several frames: a real seek table
      zstd -q -c < "$f" > "$tmp/d"            # from a pipe: no content size
      age -r "$rcpt" -o "$tmp/e" "$f"
      for pair in "0 a" "1 b" "2 c" "3 c" "3 d" "4 d" "0 e"; do
        set -- $pair
        { printf "\\x0$1"; head -c "$max_bytes" "$tmp/$2"; } > "$out/$(printf '%03d' $i)-$1$2"
        i=$((i + 1))
      done
    done ;;
  *) echo "fuzz-seeds: unknown kind '$kind'" >&2; exit 2 ;;
esac
