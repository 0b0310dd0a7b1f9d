#!/usr/bin/env bash
# errors.sh SLUICE: what `sluice md` says about MDX it cannot compile, and
# MDX through the sidecar.  Each check prints its name; any failure exits 1.
#   mdx_syntax_error_names_file_line_column_and_shows_the_line
#   mdx_error_in_esm_names_the_page_line
#   mdx_bad_page_fails_alone_in_a_batch
#   mdx_isolate_compiles_in_workers_with_the_same_output_and_errors
#   mdx_page_nested_past_the_limit_fails_with_a_message_not_a_crash
#   mdx_deeply_nested_flow_jsx_compiles_without_blowing_up
#   mdx_expression_nested_past_the_limit_is_refused_fast
#   mdx_sidecar_format_mdx_returns_code
#   mdx_sidecar_file_named_mdx_is_mdx_and_format_md_overrides
#   mdx_sidecar_syntax_error_has_line_column_frame
#   mdx_provider_import_source_imports_use_mdx_components
#   mdx_jsx_import_source_names_the_runtime
#   mdx_spans_md4c_leaves_unbalanced_compile_without_a_crash
#   mdx_content_async_only_where_it_awaits_outside_functions
#   mdx_second_layout_is_an_error_naming_the_first
#   mdx_error_in_expression_over_quoted_lines_names_the_page_line_column
#   mdx_lazy_line_in_flow_jsx_or_expression_in_a_container_is_an_error
#   mdx_error_columns_count_utf16_code_units_as_mdx_js_does
#   mdx_paragraph_of_many_constructs_compiles_in_linear_time
#   mdx_lone_cr_line_endings_read_as_micromark_reads_them
#   mdx_heading_text_ends_before_its_closing_hashes
set -uo pipefail
sluice=$1
work=$(mktemp -d "${TMPDIR:-/tmp}/sluice-mdx-err-XXXXXX")
trap 'rm -rf "$work"' EXIT
fails=0
check() { # NAME COND-STATUS
  if [ "$2" = 0 ]; then echo "ok $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi
}

printf '# Title\n\nSome text\n\n<Note title="x" count={1 +* 2}>\n' > "$work/bad.mdx"
"$sluice" md -q "$work/bad.mdx" > "$work/out" 2> "$work/err"
rc=$?
grep -q "^sluice md: $work/bad.mdx:5:27: " "$work/err" && grep -q '^    <Note title="x" count={1 +\* 2}>$' "$work/err" &&
  grep -q '^                              \^$' "$work/err" && [ $rc -ne 0 ] && [ ! -s "$work/out" ]
check mdx_syntax_error_names_file_line_column_and_shows_the_line $?

printf -- '---\ntitle: t\n---\n\nimport {a} from "./a.js"\nexport const b = {c: }\n\n# Hi\n' > "$work/esm.mdx"
"$sluice" md -q "$work/esm.mdx" > /dev/null 2> "$work/err"
grep -q "^sluice md: $work/esm.mdx:6:22: " "$work/err" && grep -q '^    export const b = {c: }$' "$work/err"
check mdx_error_in_esm_names_the_page_line $?

mkdir -p "$work/site"
printf '# Good {1 + 1}\n' > "$work/site/good.mdx"
cp "$work/bad.mdx" "$work/site/bad.mdx"
"$sluice" md -q -j2 -o "$work/out-site" "$work/site" 2> "$work/err"
rc=$?
[ $rc -ne 0 ] && [ -f "$work/out-site/good.js" ] && [ ! -e "$work/out-site/bad.js" ] &&
  grep -q 'export default function MDXContent' "$work/out-site/good.js" && grep -q "bad.mdx:5:27" "$work/err"
check mdx_bad_page_fails_alone_in_a_batch $?

rm -rf "$work/out-site" "$work/out-iso" # the options travel to the workers: preact, no ids
"$sluice" md -q -j2 --jsx-import-source preact --no-heading-ids -o "$work/out-site" "$work/site" 2> /dev/null
"$sluice" md -q -j2 --jsx-import-source preact --no-heading-ids --isolate -o "$work/out-iso" "$work/site" 2> "$work/err-iso"
rc=$?
[ $rc -ne 0 ] && cmp -s "$work/out-site/good.js" "$work/out-iso/good.js" && grep -q "site/bad.mdx:5:27: " "$work/err-iso" &&
  grep -q '"preact/jsx-runtime"' "$work/out-iso/good.js" && ! grep -q 'id:' "$work/out-iso/good.js"
check mdx_isolate_compiles_in_workers_with_the_same_output_and_errors $?

# md4c 0.4.8 leaves a strikethrough it never entered after an extended
# autolink holding `~~` in a quote: the tree builder used to pop its root
# and crash (an outside tester's mutation run)
printf '> www.a.org|~~a|b~~|~~a|b~~\n' > "$work/spans.mdx"
printf -- '- a ~~www.b.org|~~c~~ *d*\n> *www.e.org~~f~~*\n' > "$work/spans2.mdx"
"$sluice" md -q -o "$work/out-spans" "$work/spans.mdx" "$work/spans2.mdx" 2> "$work/err"
rc=$?
[ $rc = 0 ] && grep -q 'export default function MDXContent' "$work/out-spans/spans.js" &&
  grep -q 'www.a.org' "$work/out-spans/spans.js" && grep -q 'export default function MDXContent' "$work/out-spans/spans2.js"
check mdx_spans_md4c_leaves_unbalanced_compile_without_a_crash $?

# 5,000 quotes and lists, then emphasis 3,000 deep: past MDX_MAX_DEPTH (256)
{ printf '# Deep\n\n'; for _ in $(seq 5000); do printf '> '; done; for _ in $(seq 5000); do printf -- '- '; done; echo '<A>'; } > "$work/deep.mdx"
{ for _ in $(seq 3000); do printf '*a '; done; printf x; for _ in $(seq 3000); do printf '*'; done; echo; } > "$work/deep2.mdx"
"$sluice" md -q --json "$work/deep.mdx" "$work/deep2.mdx" > /dev/null 2> "$work/err"
rc=$?
[ $rc = 1 ] && [ "$(grep -c 'nests blocks, lists, quotes, spans and elements more than 256 deep' "$work/err")" = 2 ] &&
  grep -q "deep.mdx:1:1: " "$work/err"
check mdx_page_nested_past_the_limit_fails_with_a_message_not_a_crash $?

# 250 flow elements, each inside the last: once cost 2^depth (unravel ran twice per element)
{ for _ in $(seq 250); do echo '<A>'; done; echo x; for _ in $(seq 250); do echo '</A>'; done; } > "$work/nest.mdx"
timeout 30 "$sluice" md -q "$work/nest.mdx" > "$work/nest.js" && [ "$(grep -o '_jsx(A,' "$work/nest.js" | wc -l)" -ge 1 ]
check mdx_deeply_nested_flow_jsx_compiles_without_blowing_up $?

# An expression nested past tools/js's depth limit is refused at once: each later `}` was
# tried as the expression's end, every try meeting the same nesting (5000 levels: 57 s; advmdx F19)
for shape in '{a:|}' '`${|}`'; do
  python3 -c "import sys; o, c = sys.argv[1].split('|'); n = 6000; sys.stdout.write('{' + o * n + '1' + c * n + '}\\n')" "$shape" > "$work/deep_expr.mdx"
  start=$(date +%s)
  timeout 60 "$sluice" md -q "$work/deep_expr.mdx" > /dev/null 2> "$work/err"
  rc=$?
  [ $rc = 1 ] && grep -q 'deep_expr.mdx:1:[0-9]*: nesting too deep' "$work/err" && [ $(($(date +%s) - start)) -lt 10 ]
  check "mdx_expression_nested_past_the_limit_is_refused_fast ($shape)" $?
done

rpc() { printf '%s\n' "$1" | "$sluice" md --serve -j2; }
out=$(rpc '{"jsonrpc":"2.0","id":1,"method":"transform","params":{"file":"x","format":"mdx","content":"# A\n\n<B />"}}')
echo "$out" | grep -q '"code":"import' && echo "$out" | grep -q 'export default function MDXContent' &&
  ! echo "$out" | grep -q '"html":'
check mdx_sidecar_format_mdx_returns_code $?

out=$(rpc '{"jsonrpc":"2.0","id":1,"method":"transformBatch","params":{"files":[{"file":"a.mdx","content":"# A"},{"file":"b.mdx","format":"md","content":"# B"},{"file":"c.md","content":"# C"}]}}')
[ "$(echo "$out" | grep -o '"code":"' | wc -l)" = 1 ] && [ "$(echo "$out" | grep -o '"html":"' | wc -l)" = 2 ]
check mdx_sidecar_file_named_mdx_is_mdx_and_format_md_overrides $?

out=$(rpc '{"jsonrpc":"2.0","id":7,"method":"transform","params":{"file":"p.mdx","content":"# A\n\nx {1 +* 2}\n"}}')
echo "$out" | grep -q '"code":-32002,"message":"p.mdx:3:7: ' &&
  echo "$out" | grep -q '"data":{"line":3,"column":7,"frame":"    x {1 +\* 2}\\n          ^"}'
check mdx_sidecar_syntax_error_has_line_column_frame $?

printf '# Hi\n\n<Note />\n' | "$sluice" md --mdx --provider-import-source @mdx-js/react - > "$work/p.js"
grep -q '^import { useMDXComponents as _provideComponents } from "@mdx-js/react";$' "$work/p.js" &&
  grep -q '_provideComponents()' "$work/p.js"
check mdx_provider_import_source_imports_use_mdx_components $?

printf '# Hi\n' | "$sluice" md --mdx --jsx-import-source preact - > "$work/j.js"
grep -q 'from "preact/jsx-runtime"' "$work/j.js" && ! grep -q "\"react" "$work/j.js"
check mdx_jsx_import_source_names_the_runtime $?

# @mdx-js/mdx 3: an await in the content (not in a function of its own)
# makes _createMdxContent async; the differential run cannot tell an
# async one that need not be (both render alike once awaited)
printf '{typeof (async () => await 1)} {[1].map(async function (x) { for await (const y of []) ; })}\n' |
  "$sluice" md --mdx - > "$work/sync.js" 2> "$work/err"
printf 'export const a = await 1\n\n<A b={<B c={await 2} />} />\n' | "$sluice" md --mdx - > "$work/async.js" 2>> "$work/err"
grep -q '^function _createMdxContent(props)' "$work/sync.js" &&
  grep -q '^async function _createMdxContent(props)' "$work/async.js" && [ ! -s "$work/err" ]
check mdx_content_async_only_where_it_awaits_outside_functions $?

# @mdx-js/mdx's message and positions (it was an "internal error" at 1:1)
printf 'export {a as default} from "y"\n\n# x\n\nexport default (\n  2\n)\n' > "$work/layouts.mdx"
"$sluice" md -q "$work/layouts.mdx" > /dev/null 2> "$work/err"
grep -q "layouts.mdx:5:1: Unexpected duplicate layout, expected a single layout (previous: 1:9-1:21)$" "$work/err"
check mdx_second_layout_is_an_error_naming_the_first $?

# the container prefix comes off continuation lines (F25): the expression
# parses up to line 3, where @mdx-js/mdx places the error too
printf '> a {1 +\n> 2 +\n> ]} b\n' > "$work/quoted.mdx"
"$sluice" md -q "$work/quoted.mdx" > /dev/null 2> "$work/err"
grep -q "quoted.mdx:3:3: " "$work/err" && grep -q '^    > ]} b$' "$work/err" && grep -q '^      \^$' "$work/err"
check mdx_error_in_expression_over_quoted_lines_names_the_page_line_column $?

# flow JSX and expressions may not run on over a lazy line (text may)
printf '> <A\nb="1" />\n' > "$work/lazy1.mdx"
printf -- '- a\n\n  {1 +\n2}\n' > "$work/lazy2.mdx"
printf '> a {1 +\n2} <B\nc="1" />\n' > "$work/lazy3.mdx"
"$sluice" md -q "$work/lazy1.mdx" > /dev/null 2> "$work/err1"
"$sluice" md -q "$work/lazy2.mdx" > /dev/null 2> "$work/err2"
"$sluice" md -q "$work/lazy3.mdx" > /dev/null 2> "$work/err3"
grep -q 'lazy1.mdx:2:1: Unexpected lazy line in container, expected line to be prefixed with `>` when in a block quote, whitespace when in a list, etc$' "$work/err1" &&
  grep -q 'lazy2.mdx:4:1: Unexpected lazy line in expression in container, expected line to be prefixed' "$work/err2" &&
  [ ! -s "$work/err3" ]
check mdx_lazy_line_in_flow_jsx_or_expression_in_a_container_is_an_error $?

# @mdx-js/mdx (vfile) counts columns in UTF-16 code units: é is one, 😀 two
printf 'h\303\251llo \360\237\230\200 {1 +* 2}\n' > "$work/utf16.mdx"
printf '\303\251\360\237\230\200 <A>x</B>\n' > "$work/utf16b.mdx"
"$sluice" md -q "$work/utf16.mdx" > /dev/null 2> "$work/err1"
"$sluice" md -q "$work/utf16b.mdx" > /dev/null 2> "$work/err2"
grep -q "utf16.mdx:1:14: " "$work/err1" && grep -q 'utf16b.mdx:1:9: .*`<A>` (1:5-1:8)$' "$work/err2"
check mdx_error_columns_count_utf16_code_units_as_mdx_js_does $?

# A paragraph of 100,000 lines each holding a tag, an expression, or a `<`
# at its end: each construct finds where its paragraph's text ends, and
# that scan is done once a paragraph, not once a construct (done once a
# construct, the tag page took ~45 s in a release build; now ~0.6 s).
ok=0
for unit in 'x <b/>' 'x {1}' 'x <'; do
  yes "$unit" | head -n 100000 > "$work/many.mdx"
  timeout 30 "$sluice" md -q "$work/many.mdx" > /dev/null 2> "$work/err"
  rc=$?
  # the page of `<`s ends in one (an error, as @mdx-js/mdx's), the others compile
  if [ "$unit" = 'x <' ]; then
    [ $rc = 1 ] && grep -q 'many.mdx:100000:4: Unexpected end of file before name' "$work/err" || { echo "  '$unit': rc $rc"; ok=1; }
  else
    [ $rc = 0 ] || { echo "  '$unit': rc $rc"; ok=1; }
  fi
done
check mdx_paragraph_of_many_constructs_compiles_in_linear_time $ok

# A lone CR is a line ending (micromark's, classic Mac text): a page with
# CR line endings compiles to the module its LF twin does (flow JSX, ESM,
# a table, an expression over lines), an attribute value keeps its CRs
# as written, and an error names the page's line.  The scanner read such
# a page as one line: `<div>` was refused, `export` was text.
cr_page='import {A} from "./a.js"\n\n# T\n\n<div>\n\ny {1 +\n2}\n\n</div>\n\n| a |\n| - |\n| 1 |\n\nexport const b = 1\n'
printf "$cr_page" > "$work/lf.mdx"
printf "$cr_page" | tr '\n' '\r' > "$work/cr.mdx"
printf '<A t="x\ry" />\r\r{1 +\r]}\r' > "$work/cr-err.mdx"
printf '<A t="x\ry" />\r' > "$work/cr-attr.mdx"
"$sluice" md -q --mdx - < "$work/lf.mdx" > "$work/lf.js" 2> "$work/err" &&
  "$sluice" md -q --mdx - < "$work/cr.mdx" > "$work/cr.js" 2>> "$work/err" && cmp -s "$work/lf.js" "$work/cr.js" &&
  grep -q 'export const b = 1' "$work/cr.js" && grep -q '"table"' "$work/cr.js" &&
  "$sluice" md -q --mdx - < "$work/cr-attr.mdx" 2>> "$work/err" | grep -q 't: "x\\ry"' &&
  ! "$sluice" md -q "$work/cr-err.mdx" > /dev/null 2> "$work/err2" && grep -q "cr-err.mdx:5:1: unexpected token" "$work/err2"
ok=$?
[ $ok = 0 ] || { cat "$work/err" "$work/err2"; diff "$work/lf.js" "$work/cr.js" | head; }
check mdx_lone_cr_line_endings_read_as_micromark_reads_them $ok

# An ATX heading's text ends before its closing `#`s (micromark's): a `<`
# or a tag name there meets the end of the heading, as in @mdx-js/mdx
# (`# a < #` was the text `a <`; `# a <b #` read `#` as an attribute).
ok=0
while IFS='|' read -r page want; do
  printf '%s\n' "$page" > "$work/h.mdx"
  "$sluice" md -q "$work/h.mdx" > /dev/null 2> "$work/err" && { echo "  '$page' compiled"; ok=1; continue; }
  grep -q "h.mdx:$want" "$work/err" || { echo "  '$page':"; cat "$work/err"; ok=1; }
done <<'EOF'
# a < #|1:6: Unexpected end of file before name
# a <   ##  |1:6: Unexpected end of file before name
> ## x < #|1:9: Unexpected end of file before name
# a <b #|1:7: Unexpected end of file in name
# {1 + #|1:7: Unexpected end of file in expression
EOF
printf '# a <b/> #\n\n## x {1} ##\n' > "$work/h2.mdx"
"$sluice" md -q "$work/h2.mdx" > "$work/h2.js" 2> "$work/err" && grep -q 'id: "a-"' "$work/h2.js" &&
  grep -q 'id: "x-"' "$work/h2.js" || { echo "  closing hashes after a tag or expression:"; cat "$work/err"; ok=1; }
check mdx_heading_text_ends_before_its_closing_hashes $ok

[ $fails = 0 ]
