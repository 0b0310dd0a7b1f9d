#!/usr/bin/env bash
# outputs.sh SLUICE CHECK: the output side of `sluice bundle`, one check per
# call: iife_global_name, cjs_exports, metafile_shape, sourcemap_lines,
# external_kept, outdir_entries, hashbang_kept, deterministic_any_threads,
# stdout_default, sourcemap_ts_minified, minify_keeps_exports_and_global_name,
# sourcemap_utf16_columns, write_error_names_the_cause, cjs_entry_without_exports,
# sourcemap_needs_a_file, umd_takes_the_commonjs_branch, module_comments_relative,
# node_esm_create_require_when_needed, cjs_entry_is_marked_es_module.
set -uo pipefail
sluice=$1 check=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
printf "export { twice, boom } from './lib.mjs';\nexport const answer = 42;\n" >entry.mjs
printf "// lib\nexport function twice(x) {\n  return x * 2;\n}\nexport function boom() {\n  throw new Error('boom');\n}\n" >lib.mjs
fail() { echo "FAIL: $check: $*"; exit 1; }
case $check in
  iife_global_name)
    "$sluice" bundle entry.mjs --format iife --global-name Lib -q -o out.js || fail "bundle"
    got=$(node -e "$(cat out.js); console.log(Lib.twice(21), Lib.answer, Object.keys(Lib).join())") || fail "run"
    [ "$got" = "42 42 answer,boom,twice" ] || fail "got '$got'" ;;
  cjs_entry_without_exports)
    # As esbuild: an entry with no export statement gives no namespace
    # builder and leaves module.exports {} (the --global-name undefined),
    # even where its own code reads its namespace; `export {}` is an
    # export statement, so that entry's namespace is the output's value.
    printf "import './lib.mjs';\nconsole.log('side');\n" >plain.mjs
    printf "import * as self from './self.mjs';\nconsole.log(Object.keys(self).length);\n" >self.mjs
    printf "export {};\nconsole.log('side');\n" >empty.mjs
    for e in plain self; do
      "$sluice" bundle $e.mjs --format cjs -q -o $e.cjs || fail "bundle $e"
      got=$(node -e "const m = require('./$e.cjs'); console.log(JSON.stringify(m), Object.getPrototypeOf(m) === Object.prototype)") || fail "run $e"
      case $e in plain) want=side ;; self) want=0 ;; esac
      [ "$got" = "$want"$'\n''{} true' ] || fail "$e: got '$got'"
      grep -q 'module.exports' $e.cjs && fail "$e: $(cat $e.cjs)"
      # self.mjs reads its namespace: that one needs the builder
      [ $e = plain ] && grep -q 'Object.create(null)' $e.cjs && fail "$e: $(cat $e.cjs)"
      "$sluice" bundle $e.mjs --format cjs --minify -q -o $e.min.cjs || fail "bundle $e --minify"
      grep -q 'module.exports' $e.min.cjs && fail "$e --minify: $(cat $e.min.cjs)"
      [ $e = plain ] && grep -q 'preventExtensions' $e.min.cjs && fail "$e --minify: $(cat $e.min.cjs)"
      "$sluice" bundle $e.mjs --format iife --global-name G -q -o $e.js || fail "bundle $e iife"
      got=$(node -e "$(cat $e.js); console.log(typeof G)") || fail "run $e iife"
      [ "$got" = "$want"$'\n''undefined' ] || fail "$e iife: got '$got'"
    done
    "$sluice" bundle empty.mjs --format cjs -q -o empty.cjs || fail "bundle empty"
    got=$(node -e "const m = require('./empty.cjs'); console.log(Object.keys(m).length, m.__esModule)") || fail "run empty"
    [ "$got" = $'side\n0 true' ] || fail "export {}: got '$got'" ;;
  cjs_entry_is_marked_es_module)
    # As esbuild's __toCommonJS: module.exports of an ES entry carries
    # __esModule (not enumerable), so the default import of code compiled
    # by tsc (__importDefault) or Babel (_interopRequireDefault) gets the
    # entry's default export, not the whole object; exports stay live.
    printf "export default function dflt() { return 'dflt'; }\nexport const named = 'n';\nexport let count = 0;\nexport function bump() { count++; }\n" >lib.mjs
    printf "export const __esModule = false;\nexport const other = 1;\n" >own.mjs
    for flags in "" --minify; do
      "$sluice" bundle lib.mjs --format cjs $flags -q -o lib.cjs || fail "bundle $flags"
      "$sluice" bundle own.mjs --format cjs $flags -q -o own.cjs || fail "bundle own $flags"
      got=$(node -e "
        var __importDefault = function (mod) { return mod && mod.__esModule ? mod : { default: mod }; };
        function _interopRequireDefault(e) { return e && e.__esModule ? e : { default: e }; }
        const m = require('./lib.cjs'), tsc = __importDefault(m), babel = _interopRequireDefault(m);
        m.bump();
        const own = require('./own.cjs');
        console.log((0, tsc.default)(), babel.default(), m.named, m.count, Object.keys(m).join(), own.__esModule, own.other)") ||
        fail "run $flags"
      [ "$got" = "dflt dflt n 1 bump,count,default,named true 1" ] || fail "$flags: got '$got'"
    done ;;
  cjs_exports)
    "$sluice" bundle entry.mjs --format cjs -q -o out.cjs || fail "bundle"
    got=$(node -e "const m = require('./out.cjs'); console.log(m.twice(2), m.answer)") || fail "run"
    [ "$got" = "4 42" ] || fail "got '$got'" ;;
  metafile_shape)
    "$sluice" bundle entry.mjs --format esm -q -o out.mjs --metafile meta.json || fail "bundle"
    node -e "
      const m = JSON.parse(require('fs').readFileSync('meta.json', 'utf8'));
      const ins = Object.keys(m.inputs).sort().join();
      if (ins !== 'entry.mjs,lib.mjs') throw new Error('inputs ' + ins);
      if (m.inputs['entry.mjs'].imports[0].path !== 'lib.mjs' || m.inputs['entry.mjs'].imports[0].kind !== 'import-statement') throw new Error('imports');
      if (m.inputs['lib.mjs'].bytes !== require('fs').statSync('lib.mjs').size) throw new Error('bytes');
      const o = m.outputs['out.mjs'];
      if (!o || o.entryPoint !== 'entry.mjs' || o.bytes !== require('fs').statSync('out.mjs').size) throw new Error('outputs');
      if (!(o.inputs['lib.mjs'].bytesInOutput > 0) || o.exports.sort().join() !== 'answer,boom,twice') throw new Error('output inputs/exports');
    " || fail "metafile does not have esbuild's shape" ;;
  sourcemap_lines)
    "$sluice" bundle entry.mjs --format esm -q -o out.mjs --sourcemap || fail "bundle"
    grep -q '^//# sourceMappingURL=out.mjs.map$' out.mjs || fail "no sourceMappingURL"
    # Decode the VLQ mappings and check where the bundle's `throw` line points.
    node -e "
      const fs = require('fs');
      const map = JSON.parse(fs.readFileSync('out.mjs.map', 'utf8'));
      if (map.version !== 3 || !map.sources.includes('lib.mjs')) throw new Error('sources ' + map.sources);
      const B = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      let src = 0, line = 0, col = 0; const byLine = [];
      map.mappings.split(';').forEach((l, i) => {
        if (!l) return;
        for (const seg of l.split(',')) {
          const v = []; let shift = 0, acc = 0;
          for (const ch of seg) { const d = B.indexOf(ch); acc += (d & 31) << shift; if (d & 32) shift += 5; else { v.push(acc & 1 ? -(acc >> 1) : acc >> 1); acc = 0; shift = 0; } }
          src += v[1]; line += v[2]; col += v[3];
          byLine[i] = [map.sources[src], line + 1];
        }
      });
      const out = fs.readFileSync('out.mjs', 'utf8').split('\n');
      const at = out.findIndex((l) => l.includes(\"throw new Error('boom')\"));
      const m = byLine[at];
      if (!m || m[0] !== 'lib.mjs' || m[1] !== 6) throw new Error('throw maps to ' + JSON.stringify(m));
    " || fail "mappings"
    # Columns: every identifier of a line with a rename in it maps back to
    # the same identifier in the original (node's own source map reader).
    printf "import { twice } from './lib.mjs';\nconst helper = 'cols';\nexport const total = twice(2) + helper.length;\n" >cols.mjs
    printf "import { total } from './cols.mjs';\nconst helper = (x) => x + 1;\nconsole.log(helper(1) + total, helper(3));\n" >colmain.mjs
    "$sluice" bundle colmain.mjs --format esm -q -o cols.out.mjs --sourcemap || fail "bundle"
    node -e "
      const { SourceMap } = require('module');
      const fs = require('fs');
      const sm = new SourceMap(JSON.parse(fs.readFileSync('cols.out.mjs.map', 'utf8')));
      const out = fs.readFileSync('cols.out.mjs', 'utf8').split('\\n');
      const line = out.findIndex((l) => l.includes('console.log('));
      if (!out[line].includes('helper\$1(1)')) throw new Error('expected a rename on: ' + out[line]);
      const orig = fs.readFileSync('colmain.mjs', 'utf8').split('\\n');
      for (const word of ['console', '(1)', 'total', '(3)']) {
        const col = out[line].indexOf(word);
        const e = sm.findEntry(line, col);
        const oc = e.originalColumn + (col - e.generatedColumn);
        const text = orig[e.originalLine].slice(oc, oc + word.length);
        if (!e.originalSource.endsWith('colmain.mjs') || text !== word) throw new Error(word + ' maps to ' + JSON.stringify([e, text]));
      }
    " || fail "column mappings" ;;
  sourcemap_utf16_columns)
    # Columns count UTF-16 units, as the source-map spec and every reader
    # do, not bytes: on lines with 2-, 3- and 4-byte characters before
    # the mapped text, every character of a line with renames (plain
    # module) maps to the same character of the original, and the names
    # of a lowered TypeScript line map to themselves.
    printf "const helper = '\303\274';\nexport const total = helper.length;\n" >u1.mjs
    printf "export const label: string = '\303\261\360\237\230\200', scale: number = label.length;\n" >u2.ts
    printf "import { total } from './u1.mjs';\nimport { scale } from './u2.ts';\nconst helper = (x) => x + 1;\nconsole.log('\303\251\342\202\254\360\237\230\200', helper(1) + total, '\360\237\230\200', helper(3) * scale);\n" >umain.mjs
    "$sluice" bundle umain.mjs --format esm -q -o u.out.mjs --sourcemap || fail "bundle"
    node -e "
      const { SourceMap } = require('module');
      const fs = require('fs');
      const sm = new SourceMap(JSON.parse(fs.readFileSync('u.out.mjs.map', 'utf8')));
      const out = fs.readFileSync('u.out.mjs', 'utf8').split('\\n');
      const src = (f) => fs.readFileSync(f, 'utf8').split('\\n');
      const line = out.findIndex((l) => l.includes('console.log('));
      const text = out[line], renamed = /helper\\\$1/g;
      if (!text.includes('helper\$1')) throw new Error('expected a rename on: ' + text);
      const skip = new Set();
      for (const m of text.matchAll(renamed)) for (let i = 0; i < m[0].length; i++) skip.add(m.index + i);
      const orig = src('umain.mjs');
      for (let c = 0; c < text.length; c++) {
        if (skip.has(c)) continue;
        const e = sm.findEntry(line, c);
        const oc = e.originalColumn + (c - e.generatedColumn);
        if (!e.originalSource.endsWith('umain.mjs') || orig[e.originalLine][oc] !== text[c])
          throw new Error('column ' + c + ' (' + JSON.stringify(text.slice(c, c + 8)) + ') maps to ' + JSON.stringify([e, orig[e.originalLine].slice(oc, oc + 8)]));
      }
      const tl = out.findIndex((l) => l.includes('scale = label.length'));
      const ts = src('u2.ts');
      for (const word of ['scale', 'label.length']) {
        const c = out[tl].indexOf(word), e = sm.findEntry(tl, c);
        const oc = e.originalColumn + (c - e.generatedColumn);
        if (!e.originalSource.endsWith('u2.ts') || ts[e.originalLine].slice(oc, oc + word.length) !== word)
          throw new Error(word + ' maps to ' + JSON.stringify([e, ts[e.originalLine].slice(oc, oc + word.length)]));
      }
    " || fail "UTF-16 column mappings"
    want=$(printf '\303\251\342\202\254\360\237\230\200 3 \360\237\230\200 12')
    [ "$(node u.out.mjs)" = "$want" ] || fail "the bundle prints '$(node u.out.mjs 2>&1 | head -3)'" ;;
  sourcemap_ts_minified)
    # TypeScript modules, minified: positions in the minified bundle map
    # (through the minifier's map, the bundle's and each module's own) to
    # the right .ts file, line and column; renamed names are in `names`,
    # each as written at its original position (`unit`, which both files
    # declare at the top: the linker renames one `unit\$1` before the
    # minifier renames both; esbuild's map says `unit` for both too), also
    # where it is written as a shorthand property (`{ unit }`).
    printf "interface Opts {\n  scale: number;\n}\nconst unit = 1;\nexport function scaled(value: number, opts: Opts): number {\n  const factor: number = opts.scale;\n  return Math.round(value * factor) * unit;\n}\n" >util.ts
    printf "import { scaled } from './util.js';\ntype N = number;\nconst input: N = 21;\nconst unit: string = 'result';\nconsole.log({ unit }.unit, scaled(input, { scale: 2 }));\n" >app.ts
    "$sluice" bundle app.ts --format esm --minify --sourcemap -q -o app.out.mjs || fail "bundle"
    [ "$(node app.out.mjs)" = "result 42" ] || fail "minified bundle prints '$(node app.out.mjs)'"
    node -e "
      const { SourceMap } = require('module');
      const fs = require('fs');
      const raw = JSON.parse(fs.readFileSync('app.out.mjs.map', 'utf8'));
      if (!raw.names.length) throw new Error('names is empty');
      if (!raw.sourcesContent.some((c) => c.includes('interface Opts'))) throw new Error('sourcesContent is not the .ts text');
      const sm = new SourceMap(raw);
      const out = fs.readFileSync('app.out.mjs', 'utf8').split('\\n');
      const find = (word, file) => {
        const line = out.findIndex((l) => l.includes(word));
        const col = out[line].indexOf(word);
        const e = sm.findEntry(line, col);
        const orig = fs.readFileSync(file, 'utf8').split('\\n');
        const oc = e.originalColumn + (col - e.generatedColumn);
        const text = (orig[e.originalLine] || '').slice(oc, oc + word.length);
        if (!e.originalSource || !e.originalSource.endsWith(file) || text !== word)
          throw new Error(word + ' maps to ' + JSON.stringify([e, text]));
      };
      find('Math.round', 'util.ts');
      find('scale;', 'util.ts');
      find('console.log', 'app.ts');
      find('result', 'app.ts');
      if (raw.names.some((n) => n.includes('\$'))) throw new Error('a linker-made name in names: ' + raw.names);
      if (!raw.names.includes('unit')) throw new Error('names lacks unit: ' + raw.names);
      // every segment with a name: the name is what is written where it
      // points (decoded here: node's findEntry carries a name on to later
      // segments that have none)
      const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const vlq = (s) => { const r = []; let v = 0, sh = 0;
        for (const ch of s) { const d = B64.indexOf(ch); v |= (d & 31) << sh; sh += 5;
          if (!(d & 32)) { r.push(v & 1 ? -(v >>> 1) : v >>> 1); v = 0; sh = 0; } } return r; };
      const texts = raw.sourcesContent.map((t) => t.split('\n'));
      let src = 0, ol = 0, oc = 0, ni = 0, named = 0;
      raw.mappings.split(';').forEach((segs, line) => {
        let gc = 0;
        for (const seg of segs.split(',').filter(Boolean)) {
          const f = vlq(seg); gc += f[0];
          if (f.length < 4) continue;
          src += f[1]; ol += f[2]; oc += f[3];
          if (f.length < 5) continue;
          ni += f[4];
          const name = raw.names[ni], at = texts[src][ol].slice(oc, oc + name.length);
          if (at !== name) throw new Error('name ' + name + ' at ' + line + ':' + gc + ' (' + out[line].slice(gc, gc + 6) + ') maps to ' + JSON.stringify(texts[src][ol].slice(oc, oc + 12)));
          named++;
        }
      });
      if (named < 8) throw new Error('only ' + named + ' named mappings');
    " 2>&1 || fail "minified TypeScript mappings" ;;
  minify_keeps_exports_and_global_name)
    "$sluice" bundle entry.mjs --format iife --global-name Lib --minify -q -o min.js || fail "bundle iife"
    got=$(node -e "$(cat min.js); console.log(Lib.twice(21), Lib.answer, Object.keys(Lib).join())") || fail "run iife"
    [ "$got" = "42 42 answer,boom,twice" ] || fail "iife got '$got'"
    "$sluice" bundle entry.mjs --format esm --minify -q -o min.mjs || fail "bundle esm"
    got=$(node --input-type=module -e "import * as m from '$work/min.mjs'; console.log(m.twice(2), m.answer, Object.keys(m).join())") || fail "run esm"
    [ "$got" = "4 42 answer,boom,twice" ] || fail "esm got '$got'"
    # CommonJS output: its top level is the module function's scope, so
    # top-level names are renamed as in a module (twice, boom, the
    # namespace), the exports object keeps its keys, and no renamed name
    # shadows the wrapper's parameters
    printf "const exports_ = 1;\nfunction helperFunction(x) { return typeof module + exports_ + x; }\nconsole.log(helperFunction(1));\n" >top.cjs
    "$sluice" bundle entry.mjs --format cjs --minify -q -o min.cjs || fail "bundle cjs"
    got=$(node -e "const m = require('./min.cjs'); console.log(m.twice(2), m.answer, Object.keys(m).join())") || fail "run cjs"
    [ "$got" = "4 42 answer,boom,twice" ] || fail "cjs got '$got'"
    grep -q 'function twice\|function boom\|entry_exports' min.cjs && fail "cjs top-level names not renamed: $(cat min.cjs)"
    "$sluice" bundle top.cjs --format cjs --minify -q -o topmin.cjs || fail "bundle top.cjs"
    [ "$(node topmin.cjs)" = "object11" ] || fail "top.cjs minified prints '$(node topmin.cjs 2>&1 | head -3)'"
    grep -q helperFunction topmin.cjs && fail "CommonJS module's top-level function kept its name: $(cat topmin.cjs)"
    # eval sees the names around it: nothing in its scope chain is renamed
    printf "export function f(longName) {\n  return eval('longName * 2');\n}\nconsole.log(f(21));\n" >ev.mjs
    "$sluice" bundle ev.mjs --format esm --minify -q -o ev.out.mjs || fail "bundle eval"
    [ "$(node ev.out.mjs)" = 42 ] || fail "eval sees a renamed name" ;;
  external_kept)
    printf "import { dep } from 'not-installed-dep';\nimport fs from 'node:fs';\nconsole.log(typeof dep, typeof fs.readFileSync);\n" >ext.mjs
    "$sluice" bundle ext.mjs --platform node --format esm --external not-installed-dep -q -o out.mjs || fail "bundle"
    grep -q '"not-installed-dep"' out.mjs || fail "external import missing"
    grep -q '"node:fs"' out.mjs || fail "built-in import missing"
    # an external imported only for its side effects stays, in the order the
    # imports are written (esbuild's output); a built-in imported so goes
    mkdir -p node_modules/side-a node_modules/side-b node_modules/side-c
    echo 'console.log("a ran");' >node_modules/side-a/index.js
    echo 'console.log("b ran"); exports.x = 1;' >node_modules/side-b/index.js
    echo 'console.log("c ran"); exports.unused = 1;' >node_modules/side-c/index.js
    printf "import 'side-a';\nimport { x } from 'side-b';\nimport c from 'side-c';\nimport 'fs';\nconsole.log('x', x);\n" >side.mjs
    for f in esm cjs; do
      "$sluice" bundle side.mjs --platform node --format $f --external side-a --external side-b --external side-c \
        -q -o side.$f.out.js || fail "bundle side effects ($f)"
      [ $f = esm ] && mv side.$f.out.js side.out.mjs && out=side.out.mjs || out=side.$f.out.js
      got=$(node $out | tr '\n' ' ') || fail "run side effects ($f)"
      [ "$got" = "a ran b ran c ran x 1 " ] || fail "side-effect imports ($f): got '$got'"
      ! grep -q '"fs"' $out || fail "a bare import of a built-in is kept ($f)"
    done ;;
  outdir_entries)
    printf "console.log('second');\n" >second.mjs
    "$sluice" bundle entry.mjs second.mjs --outdir dist --format esm -q || fail "bundle"
    [ -f dist/entry.js ] && [ -f dist/second.js ] || fail "outputs missing: $(ls dist)"
    [ "$(node --input-type=module <dist/second.js)" = second ] || fail "second entry" ;;
  hashbang_kept)
    printf '#!/usr/bin/env node\nimport { twice } from "./lib.mjs";\nconsole.log(twice(5));\n' >cli.mjs
    "$sluice" bundle cli.mjs --platform node --format esm -q -o cli.out.mjs || fail "bundle"
    [ "$(head -1 cli.out.mjs)" = "#!/usr/bin/env node" ] || fail "first line: $(head -1 cli.out.mjs)"
    [ "$(grep -c '^#!' cli.out.mjs)" = 1 ] || fail "more than one hashbang"
    [ "$(node cli.out.mjs)" = 10 ] || fail "run" ;;
  deterministic_any_threads)
    # A generated 400-module app (cycles, barrels, JSON) through 1, 3 and 8
    # workers: the coordinator must produce the same bytes every time.
    node "$here/../../bench/bundle_gen.mjs" app 400 app >/dev/null || fail "generate"
    want=$(cd app && node index.js) || fail "node"
    for j in 1 3 8 8; do
      "$sluice" bundle app/index.js --format esm -q -j $j -o "app$j.mjs" || fail "bundle -j $j"
    done
    cmp -s app1.mjs app3.mjs && cmp -s app1.mjs app8.mjs || fail "bundles differ between thread counts"
    [ "$(node app8.mjs)" = "$want" ] || fail "bundle prints differently"
    # --minify works on pieces in parallel: the cut must not follow -j
    mkdir -p min1 min3
    for j in 1 3; do
      "$sluice" bundle app/index.js --format esm -q -j $j --minify --sourcemap -o "min$j/app.mjs" || fail "minify -j $j"
    done
    cmp -s min1/app.mjs min3/app.mjs && cmp -s min1/app.mjs.map min3/app.mjs.map ||
      fail "minified bundles differ between thread counts"
    [ "$(node min3/app.mjs)" = "$want" ] || fail "minified bundle prints differently" ;;
  stdout_default)
    out=$("$sluice" bundle entry.mjs --format esm) || fail "bundle"
    echo "$out" | grep -q "function twice" || fail "no code on stdout" ;;
  write_error_names_the_cause)
    # a write that fails (past the file size limit, as on a full disk):
    # the file and the cause named, the old file kept
    head -c 5000 /dev/zero | tr '\0' a | sed 's/.*/console.log("&");/' >big.js
    printf old >out.js
    msg=$(bash -c 'trap "" XFSZ; ulimit -f 1; exec "$0" bundle big.js -q -o out.js' "$sluice" 2>&1) && fail "succeeded"
    case $msg in *"out.js: write error: File too large"*) ;; *) fail "said '$msg'" ;; esac
    [ "$(cat out.js)" = old ] || fail "old file not kept" ;;
  sourcemap_needs_a_file)
    # OUT.map goes beside OUT: an -o that is not a file is refused before
    # anything is written (it once wrote the bundle to the descriptor,
    # then failed on /dev/fd/1.map, or created /dev/stdout.map).
    mkfifo fifo
    for o in - /dev/stdout /dev/fd/1 /proc/self/fd/1 /dev/null fifo; do
      out=$("$sluice" bundle entry.mjs --sourcemap -o "$o" 2>err </dev/null); rc=$?
      [ "$rc" = 2 ] || fail "-o $o: exit $rc, want 2 ($(cat err))"
      [ -z "$out" ] || fail "-o $o: wrote '$(printf %s "$out" | head -c 80)' before refusing"
      grep -q "is not a file" err || fail "-o $o: said '$(cat err)'"
    done
    [ ! -e /dev/stdout.map ] && [ ! -e /dev/fd/1.map ] || fail "a map was written under /dev"
    "$sluice" bundle entry.mjs --sourcemap -q -o out.js || fail "-o out.js refused"
    [ -s out.js.map ] || fail "no out.js.map" ;;
  umd_takes_the_commonjs_branch)
    # A UMD tests `typeof require === "function"` before it sets
    # module.exports; in browser ESM/IIFE output there is no require, so
    # it took the global branch (root.um = f(), with root = exports) and
    # the import got {um: f}.  The wrapper now passes __require (the
    # host's require, or a function that throws), as esbuild does.
    printf '%s\n' '(function (root, f) {' \
      '  if (typeof require === "function" && typeof exports === "object" && typeof module === "object") module.exports = f();' \
      '  else root.um = f();' '})(this, function () { return function () { return 42; }; });' >um.js
    printf '%s\n' 'try { require("./" + "nothing"); } catch (e) { module.exports = String(e.message); }' >dyn.js
    printf "import um from './um.js';\nimport dyn from './dyn.js';\nconsole.log(typeof um, um(), dyn);\n" >umd.mjs
    want='function 42 Dynamic require of "./nothing" is not supported'
    # run as a browser would: no require, module or exports in scope
    browser() { node -e 'const vm = require("vm"); const out = [];
      vm.runInNewContext(require("fs").readFileSync(process.argv[1], "utf8"),
                         {console: {log: (...a) => out.push(a.join(" "))}});
      console.log(out.join("\n"))' "$1" 2>&1; }
    for m in "" --minify; do
      "$sluice" bundle umd.mjs --platform browser --format iife $m -q -o umd.js || fail "iife $m: bundle"
      got=$(browser umd.js); [ "$got" = "$want" ] || fail "iife $m: printed '$got'"
      "$sluice" bundle umd.mjs --platform browser --format esm $m -q -o umd_out.mjs || fail "esm $m: bundle"
      got=$(node umd_out.mjs 2>&1); [ "$got" = "$want" ] || fail "esm $m: printed '$got'"
    done
    # a module whose every require() the bundle resolves gets no shim
    printf 'module.exports = require("./lit.js") + 1;\n' >calls.js
    printf 'module.exports = 41;\n' >lit.js
    printf "import c from './calls.js';\nconsole.log(c);\n" >calls.mjs
    "$sluice" bundle calls.mjs --platform browser --format esm -q -o calls_out.mjs || fail "calls: bundle"
    grep -q __require calls_out.mjs && fail "resolved require() calls alone brought the __require shim"
    [ "$(node calls_out.mjs)" = 42 ] || fail "calls: printed '$(node calls_out.mjs 2>&1 | head -2)'"
    # a require() of a missing module caught where it is stays a call: the shim answers it
    printf 'let x; try { x = require("nope-missing"); } catch (e) { x = e.message; }\nmodule.exports = x;\n' >caught.js
    printf "import c from './caught.js';\nconsole.log(c);\n" >caught.mjs
    "$sluice" bundle caught.mjs --platform browser --format esm -q -o caught_out.mjs 2>/dev/null || fail "caught: bundle"
    [ "$(node caught_out.mjs)" = 'Dynamic require of "nope-missing" is not supported' ] ||
      fail "caught: printed '$(node caught_out.mjs 2>&1 | head -2)'"
    # node and cjs output keep the host's own require
    "$sluice" bundle umd.mjs --platform node --format cjs -q -o umd.cjs || fail "node cjs: bundle"
    grep -q __require umd.cjs && fail "node cjs output carries the shim"
    got=$(node umd.cjs 2>&1); case $got in "function 42 Cannot find module './nothing'"*) ;; *) fail "node cjs: printed '$got'" ;; esac ;;
  module_comments_relative)
    # Each module's `// path` comment is relative to the working directory,
    # with ../ outside it (as esbuild writes it): a bundle built in two
    # checkouts of one tree is the same bundle (it named /home/... before).
    mkdir -p tree/node_modules/pk tree/app/src
    echo 'module.exports = 1;' >tree/node_modules/pk/index.js
    echo '{"name": "pk"}' >tree/node_modules/pk/package.json
    printf "import p from 'pk';\nconsole.log(p);\n" >tree/app/src/e.mjs
    (cd tree/app/src && "$sluice" bundle e.mjs -q -o "$work/rel.js") || fail "bundle"
    grep -qx '// ../../node_modules/pk/index.js' rel.js || fail "comments: $(grep '^// ' rel.js | tr '\n' ' ')"
    grep -q "$work" rel.js && fail "the bundle names the working tree's absolute path"
    cp -r tree tree2
    (cd tree2/app/src && "$sluice" bundle e.mjs -q -o "$work/rel2.js") || fail "bundle 2"
    cmp -s rel.js rel2.js || fail "two copies of one tree give different bundles" ;;
  node_esm_create_require_when_needed)
    # Node ESM output has no require: createRequire gives one, only when
    # code reads require at run time (rev14 G4).  Every require() below is
    # resolved into require_x() except where the comment says otherwise.
    printf 'module.exports = require("./lit.js") + 1;\n' >calls.js
    printf 'module.exports = 41;\n' >lit.js
    printf "import c from './calls.js';\nconsole.log(c);\n" >calls.mjs
    printf 'console.log(require("./calls.js"));\n' >calls_entry.cjs
    for e in calls.mjs calls_entry.cjs; do
      "$sluice" bundle $e --platform node --format esm -q -o out.mjs || fail "$e: bundle"
      grep -q createRequire out.mjs && fail "$e: resolved require() calls alone brought createRequire"
      [ "$(node out.mjs)" = 42 ] || fail "$e: printed '$(node out.mjs 2>&1 | head -2)'"
    done
    # left to run time: a node built-in, require.resolve, a computed name
    printf 'module.exports = require("path").basename("/a/b.js");\n' >builtin.js
    printf 'module.exports = require.resolve("./lit.js").endsWith("lit.js");\n' >resolve.js
    printf 'var n = "./lit.js"; module.exports = require(n);\n' >computed.js
    for m in builtin resolve computed; do
      printf "import v from './$m.js';\nconsole.log(v);\n" >$m.mjs
      "$sluice" bundle $m.mjs --platform node --format esm -q -o out.mjs 2>/dev/null || fail "$m: bundle"
      grep -q createRequire out.mjs || fail "$m: no createRequire"
      case $m in builtin) want=b.js ;; resolve) want=true ;; computed) want=41 ;; esac
      [ "$(node out.mjs)" = $want ] || fail "$m: printed '$(node out.mjs 2>&1 | head -2)'"
    done ;;
  *) echo "outputs.sh: unknown check $check" >&2; exit 2 ;;
esac
echo "ok: $check"
