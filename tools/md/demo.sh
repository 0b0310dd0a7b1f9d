#!/usr/bin/env bash
# demo.sh BUILD: renders tools/md/example-docs with `sluice md`, shows the
# mirrored tree, one page's HTML and its JSON, then asks the sidecar.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
sluice="$build/sluice"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "\$ sluice md -o OUT tools/md/example-docs"
"$sluice" md --stats -o "$out" "$here/example-docs" 2> "$out.stats" || { cat "$out.stats" >&2; exit 1; }
head -n 1 "$out.stats"
(cd "$out" && find . -type f | sort)
echo
echo "\$ cat OUT/guide/configuration.html | head"
head -n 8 "$out/guide/configuration.html"
echo
echo "\$ sluice md --json tools/md/example-docs/guide/getting-started.md   (headings and front matter)"
"$sluice" md -q --json "$here/example-docs/guide/getting-started.md" |
  node -e 'const p = JSON.parse(require("fs").readFileSync(0, "utf8"));
           console.log("frontmatter:", JSON.stringify(p.frontmatter)); for (const h of p.headings) console.log(`  h${h.level} #${h.id}  ${h.text}`); console.log("wordCount:", p.wordCount)' 2>/dev/null ||
  "$sluice" md -q --json "$here/example-docs/guide/getting-started.md" | cut -c1-400
echo
echo "\$ sluice md --serve   (one transform, then shutdown)"
printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"transform","params":{"file":"hi.md","content":"# Hi\n\n*there*"}}' \
              '{"jsonrpc":"2.0","id":2,"method":"shutdown"}' | "$sluice" md --serve
echo
echo "libsluice metrics (--stats):"
tail -n +2 "$out.stats" | head -n 30
rm -f "$out.stats"
