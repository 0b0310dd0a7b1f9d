#!/bin/sh
# dynlib_cli.sh SLUICE: the sluice binary maps md's libraries (md4c,
# md4c-html, cJSON) only when `sluice md` runs (tools/md/md_libs.c), and
# md names a missing one and its Debian package before writing anything.
# cJSON is the sidecar's (--serve) alone: a batch neither loads nor needs it.
set -u
sluice=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
if readelf -d "$sluice" | grep -E 'NEEDED.*(md4c|cjson|crypto)'; then
    fail "sluice links a library only md or graph uses"
fi
dir=$(mktemp -d /tmp/sl-dynlib-XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
printf '# Title\n\ntext\n' > "$dir/page.md"
# (that md renders with them found, the md tests show)
for so in libmd4c.so.0:md4c:libmd4c0:batch libmd4c-html.so.0:md4c-html:libmd4c-html0:batch \
          libmd4c.so.0:md4c:libmd4c0:serve libcjson.so.1:cJSON:libcjson1:serve; do
    lib=${so%%:*} rest=${so#*:}
    name=${rest%%:*} rest=${rest#*:}
    pkg=${rest%%:*} mode=${rest#*:}
    if [ "$mode" = batch ]; then
        SLUICE_TEST_HIDE_LIBS=$lib "$sluice" md -q -o "$dir/out" "$dir/page.md" 2> "$dir/err"
    else
        SLUICE_TEST_HIDE_LIBS=$lib "$sluice" md --serve < /dev/null > "$dir/out" 2> "$dir/err"
    fi
    rc=$?
    [ "$rc" = 2 ] || fail "$lib hidden ($mode): exit $rc, not 2"
    want="sluice md: cannot load $name ($lib: hidden by SLUICE_TEST_HIDE_LIBS); install the Debian package $pkg"
    [ "$(cat "$dir/err")" = "$want" ] || fail "$lib hidden ($mode): said '$(cat "$dir/err")'"
    [ ! -s "$dir/out" ] || fail "$lib hidden ($mode): md wrote output"
    rm -rf "$dir/out"
done
# A batch without cJSON: it renders the page.
SLUICE_TEST_HIDE_LIBS=libcjson.so.1 "$sluice" md -q -o "$dir/out" "$dir/page.md" 2> "$dir/err" ||
    fail "libcjson.so.1 hidden: a batch failed: $(cat "$dir/err")"
grep -q '<h1 id="title">Title</h1>' "$dir/out/page.html" || fail "libcjson.so.1 hidden: no page written"
echo ok
