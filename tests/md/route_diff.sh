#!/usr/bin/env bash
# route_diff.sh [--base REF] [--gen N] [--asan] [--scalar] [--fuzz SECONDS] [PAGE | @LIST]...
#
# The routing checks (gfm_route.c, gfm_autolink.c, md4c_fix.c,
# md4c_misreads.c, md4c_blocks.c in both dialects, md4c_lists.c with the
# md4c_links.c rule it calls) of this working tree against those of the commit REF
# (default: where HEAD left main, git merge-base), page by page: a change that makes them faster must
# keep every decision (route_diff.h).  Pages: the ones named, the lists
# named (@LIST: one path a line), tests/md's own inputs, bench/md's two
# corpora when build/bench/md-work has them, and N pages generated from
# fragments (default 200000).  --asan builds both with ASan+UBSan.
# --fuzz also runs fuzz_route_diff.c under libFuzzer (clang) for SECONDS,
# seeded with tests/md's inputs.  --scalar builds both without their
# SSE2 paths (what aarch64 runs).  Exit status 1 on any difference.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
base= gen=200000 asan=0 fuzz=0 scalar=
pages=()
while [ $# -gt 0 ]; do
    case $1 in
    --base) base=$2; shift 2 ;;
    --gen) gen=$2; shift 2 ;;
    --asan) asan=1; shift ;;
    --scalar) scalar=-U__SSE2__; shift ;;
    --fuzz) fuzz=$2; shift 2 ;;
    *) pages+=("$1"); shift ;;
    esac
done
[ -n "$base" ] || base=$(git -C "$root" merge-base HEAD main)
work=$(mktemp -d /tmp/route_diff.XXXXXX)
trap 'rm -rf "$work"' EXIT
files="gfm_route gfm_autolink md4c_fix md4c_misreads md4c_blocks md4c_lists md4c_links"
mkdir -p "$work/base/tools/md"
for f in $files md; do
    ext=c; [ $f = md ] && ext=h
    git -C "$root" show "$base:tools/md/$f.$ext" > "$work/base/tools/md/$f.$ext"
done
# The scanning helpers the checks share, where the base has them.
git -C "$root" show "$base:tools/md/route_scan.h" > "$work/base/tools/md/route_scan.h" 2>/dev/null || true
deps=$(pkg-config --cflags jansson md4c-html)

# build CC FLAGS OUT MAIN: the base's checks, renamed base_*, and this
# tree's, linked with MAIN (FLAGS at the link too: -fsanitize=fuzzer).
build() {
    local cc=$1 flags=$2 out=$3 main=$4 objs=() now=()
    local objflags=${flags/-fsanitize=fuzzer,/-fsanitize=fuzzer-no-link,}
    for f in $files; do
        $cc $objflags -D_GNU_SOURCE $deps -I "$root/include" -I "$work/base/tools/md" \
            -c "$work/base/tools/md/$f.c" -o "$work/base_$f.o"
        objs+=("$work/base_$f.o")
    done
    ld -r -o "$work/base.o" "${objs[@]}"
    nm --defined-only -g "$work/base.o" | awk '{print $3 " base_" $3}' > "$work/rename.txt"
    objcopy --redefine-syms="$work/rename.txt" "$work/base.o" "$work/base_renamed.o"
    for f in $files buf frontmatter; do now+=("$root/tools/md/$f.c"); done
    $cc $flags -D_GNU_SOURCE $deps -I "$root/include" -I "$root/tools/md" "$main" "${now[@]}" \
        "$work/base_renamed.o" -o "$out" -lpthread
}

flags="-O2 -g"
[ $asan = 1 ] && flags="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all"
flags="$flags $scalar"
build "${CC:-cc}" "$flags" "$work/route_diff" "$here/route_diff.c"

inputs=()
while IFS= read -r f; do inputs+=("$f"); done < <(find "$here" -type f \( -name '*.md' -o -name '*.mdx' -o -name '*.txt' \
    -o -path '*/corpus/*' \) | sort)
for l in "$root/build/bench/md-work/all.txt" "$root/build/bench/md-work/flat.txt"; do
    [ -s "$l" ] && inputs+=("@$l")
done
"$work/route_diff" "$gen" "${inputs[@]}" ${pages[@]+"${pages[@]}"}

if [ "$fuzz" != 0 ]; then
    build clang "-O1 -g -fsanitize=fuzzer,address,undefined" "$work/fuzz_route_diff" "$here/fuzz_route_diff.c"
    mkdir -p "$work/seeds"
    for f in "${inputs[@]}"; do case $f in @*) ;; *) cp "$f" "$work/seeds/$(echo "$f" | md5sum | cut -c1-16)" ;; esac; done
    "$work/fuzz_route_diff" -max_total_time="$fuzz" -max_len=4096 -print_final_stats=1 "$work/seeds" 2>&1 | grep -E "^(Done|stat::number_of|stat::new_units)|ERROR|answers|SUMMARY"
fi
