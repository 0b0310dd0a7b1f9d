#!/usr/bin/env bash
# program_build.sh SLUICE: a run record and snapshot are trusted only by
# the build of sluice that made them (adv13 F10).  Two copies of the same
# program that differ only in their GNU build id stand for two builds -
# an upgrade whose mount, resolution or writers changed: the second must
# not take the first's record ("its outputs stand") nor update from its
# snapshot, while the per-file packs (keyed by the extractor's version)
# still serve it.
set -uo pipefail
sluice=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cp "$sluice" "$work/a" && cp "$sluice" "$work/b" || fail "copy"
id=$(LC_ALL=C readelf -n "$work/a" | awk '/Build ID:/ {print $3; exit}')
[ -n "$id" ] || { echo "SKIP: no GNU build id in $sluice"; exit 0; }
python3 - "$work/b" "$id" <<'PY' || fail "patching the build id"
import sys
p, hexid = sys.argv[1], sys.argv[2]
b = bytearray(open(p, 'rb').read())
old = bytes.fromhex(hexid)
assert b.count(old) == 1, b.count(old)
i = b.index(old)
b[i] ^= 0xff
open(p, 'wb').write(b)
PY
mkdir -p "$work/w/p/src"
printf '[package]\nname = "p"\n' >"$work/w/p/Cargo.toml"
printf 'mod b;\npub fn f() { b::g(); }\n' >"$work/w/p/src/lib.rs"
printf 'pub fn g() {}\n' >"$work/w/p/src/b.rs"
sleep 2.1 # older than the record's racy margin
run() { "$@" graph --stats --cache "$work/c" --json "$work/o.json" --db "$work/o.db" "$work/w" 2>&1; }
run "$work/a" >/dev/null || fail "first run"
out=$(run "$work/a") || fail "second run"
grep -q "its outputs stand" <<<"$out" || fail "the same build did not take its own record: $out"
out=$(run "$work/b") || fail "run of the other build"
grep -q "its outputs stand" <<<"$out" && fail "another build took the first build's record: $out"
grep -q "cache: 2 hits" <<<"$out" || fail "another build should still hit the packs: $out"
# --update: the other build's snapshot is not used either
printf 'pub fn g() { let _x = 1; }\n' >"$work/w/p/src/b.rs"
sleep 2.1
"$work/a" graph --cache "$work/c" --db "$work/u.db" --update "$work/w" 2>/dev/null || fail "a --update"
printf 'pub fn g() { let _x = 2; }\n' >"$work/w/p/src/b.rs"
sleep 2.1
out=$("$work/b" graph --stats --cache "$work/c" --db "$work/u.db" --update "$work/w" 2>&1) || fail "b --update: $out"
grep -q "from the snapshot" <<<"$out" && ! grep -q "not from the snapshot" <<<"$out" && fail "another build updated from the first build's snapshot: $out"
echo "$out" | grep update: | sed "s/^/  /"
echo "ok: records and snapshots are bound to the build that made them"
