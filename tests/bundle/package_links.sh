#!/usr/bin/env bash
# package_links.sh SLUICE CHECK: layouts that package managers make with
# symlinks, and a package importing itself, resolved as node and esbuild
# resolve them (resolver.c real_file, resolve_from).  One check per call:
#   pnpm            node_modules/a -> .pnpm/a@1/node_modules/a: a's bare
#                   imports are looked up from its real directory's
#                   parents, where pnpm puts its dependencies
#   workspace       node_modules/@ws/util -> ../../packages/util (npm,
#                   yarn and pnpm workspaces): reached by that link, by
#                   its real path and through a symlinked file, the module
#                   is bundled once and runs once; comments show its real
#                   path, as esbuild's do
#   self_reference  a package imports itself by its "name" through its own
#                   "exports" (node's PACKAGE_SELF_RESOLVE); a subpath it
#                   does not export fails; a "name" without "exports"
#                   falls through to node_modules
#   extension_order an extensionless path tries esbuild's extensions:
#                   .tsx .ts .jsx .js .json outside node_modules (a .ts
#                   beside the .js tsc wrote), .jsx .js .tsx .ts .json
#                   inside (adv24 F6)
#   walk_past_package  a package without "exports" that lacks a subpath
#                   lets the walk go on to the parent's node_modules, as
#                   require() and esbuild do; one with "exports" does not
#                   (adv24 F9)
#   invalid_segments  an "exports"/"imports" target, or what a `*`
#                   matched, with a `.`, `..` or `node_modules` segment
#                   (any case, percent-encoded too) is refused, as node
#                   refuses it (adv24 F7: one left the package)
set -uo pipefail
sluice=$1 check=$2
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $check: $*"; exit 1; }
w() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" >"$1"; }
# same DIR ENTRY: node and the bundle (esm and cjs, --platform node) print the same
same() {
  local dir=$1 entry=$2 want got fmt
  want=$(cd "$dir" && node "$entry" 2>&1) || fail "node $entry: $want"
  for fmt in mjs cjs; do
    (cd "$dir" && timeout 20 "$sluice" bundle "$entry" -q --platform node --format ${fmt/mjs/esm} -o "$work/out.$fmt") \
      2>err || fail "$fmt: exit $? $(head -3 err)"
    got=$(cd "$dir" && node "$work/out.$fmt" 2>&1)
    [ "$got" = "$want" ] || fail "$fmt: bundle prints '$got', node '$want'"
  done
}
case $check in
  pnpm)
    P=node_modules/.pnpm
    w main.mjs 'import a from "a"; import b from "b"; console.log(a, b)'
    for x in a b; do
      w $P/$x@1.0.0/node_modules/$x/package.json "{\"name\":\"$x\",\"main\":\"index.js\"}"
      w $P/$x@1.0.0/node_modules/$x/index.js "const s = require(\"shared\"); module.exports = \"$x+\" + s.n();"
      ln -s ../../shared@1.0.0/node_modules/shared $P/$x@1.0.0/node_modules/shared
      ln -s .pnpm/$x@1.0.0/node_modules/$x node_modules/$x
    done
    w $P/shared@1.0.0/node_modules/shared/package.json '{"name":"shared","main":"index.js"}'
    w $P/shared@1.0.0/node_modules/shared/index.js 'console.log("shared runs"); let c = 0; exports.n = () => ++c;'
    [ "$(node main.mjs)" = $'shared runs\na+1 b+2' ] || fail "node prints '$(node main.mjs 2>&1)'"
    same . main.mjs ;;
  workspace)
    w package.json '{"name":"root","private":true,"workspaces":["packages/*"]}'
    w packages/util/package.json '{"name":"@ws/util","type":"module","main":"src/index.js"}'
    w packages/util/src/index.js 'import pad from "leftpad"; console.log("util runs"); export const state = {n: 0}; export const v = pad("util");'
    w node_modules/leftpad/index.js 'module.exports = (s) => s + "+lp";'
    w packages/app/package.json '{"name":"@ws/app","type":"module"}'
    w packages/app/main.mjs 'import {state, v} from "@ws/util"; import {bump} from "./b.mjs"; import {state as s3} from "./alias.js"; bump(); console.log(v, state.n, state === s3);'
    w packages/app/b.mjs 'import {state} from "../util/src/index.js"; export function bump() { state.n++; }'
    mkdir -p node_modules/@ws
    ln -s ../../packages/util node_modules/@ws/util
    ln -s ../app node_modules/@ws/app
    ln -s ../util/src/index.js packages/app/alias.js
    [ "$(cd packages/app && node main.mjs)" = $'util runs\nutil+lp 1 true' ] ||
      fail "node prints '$(cd packages/app && node main.mjs 2>&1)'"
    same packages/app main.mjs
    grep -qx '// ../util/src/index.js' out.cjs || fail "comments: $(grep '^// ' out.cjs | tr '\n' ' ')"
    [ "$(grep -c 'util runs' out.cjs)" = 1 ] || fail "util is bundled $(grep -c 'util runs' out.cjs) times" ;;
  self_reference)
    w package.json '{"name":"myapp","type":"module","exports":{".":"./src/index.js","./util":{"require":"./src/util.cjs","default":"./src/util.js"}}}'
    w src/index.js 'export const me = "index";'
    w src/util.js 'import {me} from "myapp"; export default "util+" + me;'
    w src/util.cjs 'module.exports = "util.cjs";'
    # a package of the same name in node_modules is not the one taken
    w node_modules/myapp/package.json '{"name":"myapp","main":"index.js"}'
    w node_modules/myapp/index.js 'module.exports = "installed";'
    # a "name" without "exports" does not refer to itself
    w lib/package.json '{"name":"lib"}'
    w lib/index.js 'module.exports = "lib self";'
    w lib/use.cjs 'module.exports = require("lib");'
    w node_modules/lib/index.js 'module.exports = "lib installed";'
    w main.mjs 'import u from "myapp/util"; import l from "./lib/use.cjs"; console.log(u, l);'
    # require() of itself takes the "require" condition
    w main2.cjs 'console.log(require("myapp/util"));'
    [ "$(node main.mjs; node main2.cjs)" = $'util+index lib installed\nutil.cjs' ] ||
      fail "node prints '$(node main.mjs 2>&1; node main2.cjs 2>&1)'"
    same . main.mjs
    same . main2.cjs
    w bad.mjs 'import x from "myapp/missing"; console.log(x);'
    timeout 20 "$sluice" bundle bad.mjs -q --platform node -o out.js 2>err; rc=$?
    [ $rc = 1 ] || fail "an unexported subpath of itself: exit $rc, want 1"
    grep -qF 'bad.mjs:1:15: could not resolve "myapp/missing"' err || fail "said '$(head -3 err)'" ;;
  extension_order)
    for e in tsx ts jsx js; do
      w x.$e "export default '$e';"
      w node_modules/pk/i.$e "export default 'pk $e';"
    done
    w x.json '"json"'
    w node_modules/pk/i.json '"pk json"'
    w node_modules/pk/package.json '{"name":"pk","main":"./i"}'
    w main.mjs 'import x from "./x"; import p from "pk"; console.log(x, "|", p);'
    want=(tsx ts jsx js json) inside=(jsx js tsx ts json)
    for k in 0 1 2 3 4; do
      timeout 20 "$sluice" bundle main.mjs -q --platform node -o out.mjs 2>err || fail "exit $? $(head -3 err)"
      got=$(node out.mjs 2>&1)
      [ "$got" = "${want[k]} | pk ${inside[k]}" ] || fail "bundle prints '$got', want '${want[k]} | pk ${inside[k]}'"
      rm x.${want[k]} node_modules/pk/i.${inside[k]}
      [ $k = 3 ] && w x.mjs "export default 'mjs';" && w node_modules/pk/i.mjs "export default 'pk mjs';"
    done ;;
  walk_past_package)
    w app/node_modules/foo/package.json '{"name":"foo","main":"i.js"}'
    w app/node_modules/foo/i.js 'module.exports = "inner foo";'
    w node_modules/foo/extra.js 'module.exports = "outer extra";'
    w app/main.cjs 'console.log(require("foo/extra.js"), require("foo"));'
    [ "$(cd app && node main.cjs)" = "outer extra inner foo" ] || fail "node prints '$(cd app && node main.cjs 2>&1)'"
    same app main.cjs
    w app/node_modules/foo/package.json '{"name":"foo","exports":{".":"./i.js"}}'
    timeout 20 "$sluice" bundle app/main.cjs -q --platform node -o out.js 2>err; rc=$?
    [ $rc = 1 ] || fail "a subpath \"exports\" does not list: exit $rc, want 1"
    grep -qF 'main.cjs:1:21: could not resolve "foo/extra.js"' err || fail "said '$(head -3 err)'" ;;
  invalid_segments)
    w secret.js 'module.exports = "secret";'
    w node_modules/pk/package.json '{"name":"pk","exports":{"./lib/*":"./lib/*","./nm/*":"./node_modules/*","./NM":"./Node_Modules/dep/d.js","./up":"./lib/../../../secret.js","./dot":"./lib/./q.js","./inner.js":"./inner.js","./nm.js":"./nm.js","./nmin.js":"./nmin.js"},"imports":{"#in/*":"./lib/*","#nm":"./node_modules/dep/d.js"}}'
    w node_modules/pk/lib/q.js 'module.exports = "q";'
    w node_modules/pk/lib/node_modules/q.js 'module.exports = "lib nm";'
    w node_modules/pk/node_modules/dep/d.js 'module.exports = "dep";'
    w node_modules/pk/inner.js 'module.exports = require("#in/q.js");'
    w node_modules/pk/nm.js 'module.exports = require("#nm");'
    w node_modules/pk/nmin.js 'module.exports = require("#in/node_modules/q.js");'
    w ok.cjs 'console.log(require("pk/lib/q.js"), require("pk/inner.js"));'
    same . ok.cjs
    specs=(pk/nm/dep/d.js pk/NM pk/up pk/dot pk/lib/../../../secret.js pk/lib/NODE_MODULES/q.js
           pk/lib/%2e%2E/%2e%2e/secret.js 'pk/lib/..\\..\\..\\secret.js' pk/nm.js pk/nmin.js)
    # node refuses each one (run unbundled), and so must the bundle
    accepted=$(node -e 'for (const s of process.argv.slice(1)) try { require(s); console.log(s); } catch {}' "${specs[@]}")
    [ -z "$accepted" ] || fail "node accepts $accepted"
    for spec in "${specs[@]}"; do
      w bad.cjs "console.log(require('$spec'));"
      timeout 20 "$sluice" bundle bad.cjs -q --platform node -o out.js 2>err; rc=$?
      [ $rc = 1 ] || fail "$spec: exit $rc, want 1"
      grep -qF 'could not resolve' err || fail "$spec: said '$(head -3 err)'"
    done
    # and says which package.json and which target, as node and esbuild do
    w node_modules/pk2/package.json '{"name":"pk2","exports":{"./bare":"lib/q.js","./up":"./lib/../../x.js","./lib/*":"./lib/*","./imp.js":"./imp.js"},"imports":{"#abs":"/etc/passwd"}}'
    w node_modules/pk2/lib/q.js 'module.exports = "q";'
    w node_modules/pk2/imp.js 'module.exports = require("#abs");'
    pj=$(pwd -P)/node_modules/pk2/package.json
    while IFS='|' read -r spec why; do
      w bad.cjs "console.log(require('$spec'));"
      "$sluice" bundle bad.cjs -q --platform node -o out.js 2>err
      grep -qF -- "$why" err || fail "$spec: said '$(head -1 err)', want '$why'"
    done <<WANT
pk2/bare|could not resolve "pk2/bare": $pj: the "exports" target "lib/q.js" is invalid: it does not start with "./"
pk2/up|could not resolve "pk2/up": $pj: the "exports" target "./lib/../../x.js" is invalid: it contains the segment ".."
pk2/lib/%2e%2E/x.js|$pj: the part "%2e%2E/x.js" of the specifier that "./lib/*" matched is invalid: it contains the segment ".."
pk2/imp.js|$pj: the "imports" target "/etc/passwd" is invalid: it does not start with "./" and is no package name
WANT
    ;;
  *) echo "package_links.sh: unknown check $check" >&2; exit 2 ;;
esac
echo "ok: $check"
