#!/usr/bin/env bash
# demo.sh BUILD: a pack -> unpack round trip of a built-in example, with
# its throughput.  The example is ~24 MiB made deterministically from this
# machine's files: the C headers in /usr/include (text) and the libraries
# in /usr/lib/x86_64-linux-gnu (binary), in sorted order.
set -euo pipefail
build=${1:-build}
S=$build/sluice
W=$(mktemp -d "${TMPDIR:-/tmp}/sluice-pack-demo.XXXXXX")
trap 'rm -rf "$W"' EXIT
( set +o pipefail # head closes the pipe early on purpose
  find /usr/include -name '*.h' -type f 2>/dev/null | LC_ALL=C sort | head -2000 | xargs cat 2>/dev/null | head -c $((12 << 20))
  find /usr/lib/x86_64-linux-gnu -maxdepth 1 -name '*.so*' -type f 2>/dev/null | LC_ALL=C sort | xargs cat 2>/dev/null | head -c $((12 << 20))
) > "$W/example"
size=$(stat -c %s "$W/example")
"$S" keygen -o "$W/key.txt" 2>/dev/null
R=$("$S" keygen -y "$W/key.txt")

now() { date +%s.%N; }
rate() { echo "$size / ($2 - $1) / 1000000" | bc -l; }
t0=$(now); "$S" pack -q -r "$R" -o "$W/example.zst.age" "$W/example"; t1=$(now)
"$S" unpack -q -i "$W/key.txt" -o "$W/back" "$W/example.zst.age"; t2=$(now)
cmp -s "$W/example" "$W/back" || { echo "demo: round trip FAILED" >&2; exit 1; }
out=$(stat -c %s "$W/example.zst.age")
printf 'example: %d bytes (headers + libraries), %d CPUs\n' "$size" "$(nproc)"
printf 'sluice pack -r age1...   -> %d bytes (%.1f%%), %.0f MB/s\n' "$out" "$(echo "100 * $out / $size" | bc -l)" "$(rate "$t0" "$t1")"
printf 'sluice unpack -i key.txt -> identical, %.0f MB/s\n' "$(rate "$t1" "$t2")"
printf 'and the standard tools agree: '
age -d -i "$W/key.txt" "$W/example.zst.age" | zstd -q -d | cmp -s - "$W/example" && echo "age -d | zstd -d restores it too"
