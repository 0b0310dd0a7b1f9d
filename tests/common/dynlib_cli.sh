#!/bin/sh
# dynlib_cli.sh SLUICE: the sluice binary maps md's libraries (md4c,
# md4c-html, cJSON) only when `sluice md` needs them (tools/md/md_libs.c),
# and md names a missing one and its Debian package before writing anything.
# cJSON is the sidecar's (--serve) alone.  A batch loads md4c and md4c-html
# only for an MDX page: .md pages render with sluice's own parser.
set -u
sluice=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
if readelf -d "$sluice" | grep -E 'NEEDED.*(md4c|cjson|crypto)'; then
    fail "sluice links a library only md or graph uses"
fi
dir=$(mktemp -d /tmp/sl-dynlib-XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
printf '# Title\n\ntext\n' > "$dir/page.md"
printf '# Title\n\ntext\n' > "$dir/page.mdx"
# (that md renders with them found, the md tests show)
# isolate: the same batch with --isolate, where worker processes were still
# rendering the .md page when the missing library ended the batch (a
# use-after-free of the pages that crashed every run, review18's H1).
for so in libmd4c.so.0:md4c:libmd4c0:batch libmd4c-html.so.0:md4c-html:libmd4c-html0:batch \
          libmd4c.so.0:md4c:libmd4c0:isolate \
          libmd4c.so.0:md4c:libmd4c0:serve libcjson.so.1:cJSON:libcjson1:serve; do
    lib=${so%%:*} rest=${so#*:}
    name=${rest%%:*} rest=${rest#*:}
    pkg=${rest%%:*} mode=${rest#*:}
    if [ "$mode" = batch ]; then
        SLUICE_TEST_HIDE_LIBS=$lib "$sluice" md -q -o "$dir/out" "$dir/page.md" "$dir/page.mdx" 2> "$dir/err"
    elif [ "$mode" = isolate ]; then
        SLUICE_TEST_HIDE_LIBS=$lib "$sluice" md -q --isolate -o "$dir/out" "$dir/page.md" "$dir/page.mdx" 2> "$dir/err"
    else
        SLUICE_TEST_HIDE_LIBS=$lib "$sluice" md --serve < /dev/null > "$dir/out" 2> "$dir/err"
    fi
    rc=$?
    [ "$rc" = 2 ] || fail "$lib hidden ($mode): exit $rc, not 2"
    want="sluice md: cannot load $name ($lib: hidden by SLUICE_TEST_HIDE_LIBS); install the Debian package $pkg"
    [ "$(cat "$dir/err")" = "$want" ] || fail "$lib hidden ($mode): said '$(cat "$dir/err")'"
    [ -z "$(find "$dir/out" -type f -size +0 2>/dev/null)" ] || fail "$lib hidden ($mode): md wrote output"
    rm -rf "$dir/out"
done
# The same for an MDX page alone, and for one from standard input with --mdx.
for lib in libmd4c.so.0:md4c:libmd4c0 libmd4c-html.so.0:md4c-html:libmd4c-html0; do
    so=${lib%%:*} rest=${lib#*:}
    name=${rest%%:*} pkg=${rest#*:}
    want="sluice md: cannot load $name ($so: hidden by SLUICE_TEST_HIDE_LIBS); install the Debian package $pkg"
    SLUICE_TEST_HIDE_LIBS=$so "$sluice" md -q -o "$dir/out" "$dir/page.mdx" 2> "$dir/err"
    rc=$?
    [ "$rc" = 2 ] || fail "$so hidden (one .mdx page): exit $rc, not 2"
    [ "$(cat "$dir/err")" = "$want" ] || fail "$so hidden (one .mdx page): said '$(cat "$dir/err")'"
    [ ! -e "$dir/out" ] || fail "$so hidden (one .mdx page): md made $dir/out"
    SLUICE_TEST_HIDE_LIBS=$so "$sluice" md --mdx - < "$dir/page.md" > "$dir/out" 2> "$dir/err"
    rc=$?
    [ "$rc" = 2 ] || fail "$so hidden (--mdx -): exit $rc, not 2"
    [ "$(cat "$dir/err")" = "$want" ] || fail "$so hidden (--mdx -): said '$(cat "$dir/err")'"
    [ ! -s "$dir/out" ] || fail "$so hidden (--mdx -): md wrote output"
    rm -f "$dir/out"
done
# A batch of .md pages needs none of the three: it renders with all hidden.
SLUICE_TEST_HIDE_LIBS=libmd4c.so.0:libmd4c-html.so.0:libcjson.so.1 "$sluice" md -q -o "$dir/out" "$dir/page.md" \
    2> "$dir/err" || fail "md4c, md4c-html and cJSON hidden: a batch of .md pages failed: $(cat "$dir/err")"
grep -q '<h1 id="title">Title</h1>' "$dir/out/page.html" || fail "libraries hidden: no page written"
SLUICE_TEST_HIDE_LIBS=libmd4c.so.0:libmd4c-html.so.0 "$sluice" md - < "$dir/page.md" > "$dir/stdout" 2> "$dir/err" ||
    fail "md4c hidden: a page from standard input failed: $(cat "$dir/err")"
grep -q '<h1 id="title">Title</h1>' "$dir/stdout" || fail "md4c hidden: standard input not rendered"
# ...and maps neither md4c library (what a run pays for at start-up).
rm -rf "$dir/out"
if command -v strace > /dev/null 2>&1; then
    strace -f -e trace=openat -o "$dir/trace" "$sluice" md -q -o "$dir/out2" "$dir/page.md" 2>/dev/null
    ! grep -E 'libmd4c' "$dir/trace" || fail "a batch of .md pages opened md4c"
fi
echo ok
