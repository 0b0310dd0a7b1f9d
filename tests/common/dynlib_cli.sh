#!/bin/sh
# dynlib_cli.sh SLUICE: the sluice binary maps md's libraries (md4c,
# md4c-html, cJSON) only when `sluice md` runs (tools/md/md_libs.c), and
# md names a missing one and its Debian package before writing anything.
set -u
sluice=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
if readelf -d "$sluice" | grep -E 'NEEDED.*(md4c|cjson|crypto)'; then
    fail "sluice links a library only md or graph uses"
fi
dir=$(mktemp -d /tmp/sl-dynlib-XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
printf '# Title\n\ntext\n' > "$dir/page.md"
# the library loads when md runs
"$sluice" md -q -o "$dir/ok" "$dir/page.md" || fail "md on a plain page"
grep -q '<h1' "$dir/ok/page.html" || fail "md wrote no heading"
for so in libmd4c.so.0:md4c:libmd4c0 libmd4c-html.so.0:md4c-html:libmd4c-html0 libcjson.so.1:cJSON:libcjson1; do
    lib=${so%%:*} rest=${so#*:}
    name=${rest%%:*} pkg=${rest#*:}
    SLUICE_TEST_HIDE_LIBS=$lib "$sluice" md -q -o "$dir/out" "$dir/page.md" 2> "$dir/err"
    rc=$?
    [ "$rc" = 2 ] || fail "$lib hidden: exit $rc, not 2"
    want="sluice md: cannot load $name ($lib: hidden by SLUICE_TEST_HIDE_LIBS); install the Debian package $pkg"
    [ "$(cat "$dir/err")" = "$want" ] || fail "$lib hidden: said '$(cat "$dir/err")'"
    [ ! -e "$dir/out" ] || fail "$lib hidden: md wrote output"
done
echo ok
