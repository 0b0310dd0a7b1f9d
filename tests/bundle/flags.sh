#!/usr/bin/env bash
# flags.sh SLUICE: `sluice bundle` reads its flags by getopt_long's rules,
# as every sluice command does: `-j1` and `-j 1`, `--flag=value` and
# `--flag value`, combined short flags (`-qj1`), `--` before an entry
# whose name starts with a dash, entries between flags; every flag the
# bundler has ever had still works; esbuild's `--define:K=V` and
# `--external:M` are read; a bad flag exits 2 and says why.
set -uo pipefail
sluice=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
printf "export const answer = 42;\nconsole.log('ran', answer);\n" >entry.mjs
cp entry.mjs ./-dash.mjs
fail() { echo "FAIL: $*"; exit 1; }
ok() { # ok DESCRIPTION ARGS...: the bundle must succeed and run
  local what=$1; shift
  rm -f out.js
  "$sluice" bundle "$@" >stdout 2>stderr || { cat stderr; fail "$what: exit $?"; }
}
# runs FILE: the bundle is the one node ran first (the output does not
# depend on the thread count or on how the flags were spelled), so node
# runs once, not once per spelling
runs() { cmp -s "$1" ran.js || fail "bundle $1 differs from the first: $(diff ran.js "$1" | head -3)"; }
ok "-j1" entry.mjs -j1 -q -o out.js
[ "$(node out.js)" = "ran 42" ] || fail "bundle out.js does not run: $(node out.js 2>&1 | head -3)"
cp out.js ran.js
ok "-j 1" entry.mjs -j 1 -q -o out.js; runs out.js
ok "--threads=2" entry.mjs --threads=2 -q -o out.js; runs out.js
ok "--threads 2" entry.mjs --threads 2 -q -o out.js; runs out.js
ok "-qj1 combined" -qj1 entry.mjs -oout.js; runs out.js
[ -s stderr ] && fail "-q in -qj1 was not taken: $(cat stderr)"
ok "--format=esm" --format=esm entry.mjs -q -o out.js
grep -q "^export {" out.js || fail "--format=esm gave no export clause"
ok "--format cjs" --format cjs entry.mjs -q --outfile=out.js
node -e "if (require('./out.js').answer !== 42) process.exit(1)" >/dev/null || fail "--format cjs / --outfile="
ok "-- before a dash entry" -q -o out.js -- -dash.mjs
[ "$(node out.js)" = "ran 42" ] || fail "-- -dash.mjs: the bundle does not run: $(node out.js 2>&1 | head -3)"
ok "every other flag" entry.mjs --platform=node --platform browser --format iife --global-name='G.sub["x-y"]' --external x \
  --define=DEBUG=false --metafile meta/new/meta.json --sourcemap --stats --quiet -o out.js
[ -f meta/new/meta.json ] && [ -f out.js.map ] || fail "--metafile / --sourcemap wrote nothing (or made no directories)"
grep -q "graph (read+lex+parse+resolve)" stderr || fail "--stats printed nothing"
# a dotted --global-name makes each shorter path an object unless it is one (esbuild's shape)
grep -q '^var G = G || {};$' out.js || fail "--global-name=G.sub[\"x-y\"]: $(head -3 out.js)"
node -e 'require("vm").runInThisContext("var G = {kept: 1};" + require("fs").readFileSync("out.js", "utf8"));
         if (G.kept !== 1 || G.sub["x-y"].answer !== 42) process.exit(1)' >/dev/null || fail "--global-name G.sub[\"x-y\"] does not assign it"
# esbuild's colon spellings of its list-valued flags; a flag's separate value is not a flag
printf "import a from 'ext-a';\nimport b from 'ext-b';\nconsole.log(WHO, NODE_ENV, a, b);\n" >colon.mjs
ok "--define:K=V --external:M" colon.mjs --platform=node --define:WHO='"colon"' --define:NODE_ENV=false \
  --external:ext-a --external=ext-b -q -o out.js
grep -q '"ext-a"' out.js && grep -q '"ext-b"' out.js && grep -q 'console.log("colon", false,' out.js ||
  fail "--define:K=V / --external:M: $(cat out.js)"
ok "-o --external:x.js" entry.mjs -q -o --external:x.js; [ -f ./--external:x.js ] || fail "-o's value --external:x.js was read as a flag"
# the output's directories are made as needed, as esbuild does
ok "--outdir" entry.mjs --outdir=dist/a -q; [ -f dist/a/entry.js ] || fail "--outdir= wrote nothing"
ok "-o new/dir/x.js" entry.mjs -q -o new/dir/x.js --sourcemap; [ -f new/dir/x.js ] && [ -f new/dir/x.js.map ] || fail "-o into a new directory"
"$sluice" bundle -h | grep -q "^usage: sluice bundle" || fail "-h prints no usage"
"$sluice" bundle --help >/dev/null || fail "--help exits non-zero"
bad() { # bad DESCRIPTION EXPECTED-MESSAGE ARGS...: exit 2 with the message
  local what=$1 msg=$2; shift 2
  "$sluice" bundle "$@" >/dev/null 2>stderr; local rc=$?
  [ "$rc" = 2 ] || fail "$what: exit $rc, want 2"
  grep -qF -- "$msg" stderr || fail "$what: message '$(head -1 stderr)', want '$msg'"
}
bad "unknown flag" "unrecognized option" entry.mjs --no-such-flag
bad "unknown short flag" "invalid option" entry.mjs -Z
bad "missing value" "requires an argument" entry.mjs --format
bad "bad -j" "-j wants a thread count" entry.mjs -j0
bad "bad -j text" "-j wants a thread count" entry.mjs -jx
bad "bad format" "unknown format 'amd'" entry.mjs --format=amd
bad "no entry" "usage:" -q
bad "--define KEY not a.b.c" "--define wants KEY=VALUE with KEY like a.b.c" entry.mjs --define 1bad=2
for v in '(' '1); process.exit(7); (' "'single'" '1 2' '' 'a..b'; do
  bad "--define X=$v" "--define X=$v: invalid value '$v' (must be an entity name like a.b.c or a JS literal" entry.mjs --define "X=$v"
done
for g in my-lib class '' 1a a. 'a..b' 'a["b]' 'a[b]'; do
  bad "--global-name '$g'" "invalid --global-name '$g'" entry.mjs --format iife --global-name "$g"
done
echo "ok: flags follow getopt_long's rules"
