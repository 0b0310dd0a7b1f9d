#!/bin/sh
# start_relocs.sh SLUICE BUDGET: the pages of the sluice binary that the
# dynamic loader writes at every start stay within BUDGET.
#
# sluice is a PIE: every pointer in its static data (a table of names, of
# functions) is a relocation that the loader applies before main, and each
# 4 KiB page holding one is copied on write, a page fault of ~20 us on this
# project's VMs, for every run of every tool (cli/CMakeLists.txt).  A table
# of names can be held in place (char name[N]) instead of pointed to; this
# check keeps a new pointer table from bringing the cost back unnoticed.
# On failure it names the tables with the most relocations.
set -u
sluice=$1 budget=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v readelf >/dev/null || { echo "readelf not found: skipped"; exit 0; }
relocs=$(readelf -r -W "$sluice") || fail "readelf -r $sluice"
# Relocated addresses: RELA rows start with the offset, RELR lists offsets
# one a line; both are 16 hex digits.  A page is an address without its
# last three digits.
addrs=$(printf '%s\n' "$relocs" | grep -oE '^ *[0-9a-f]{16}( |$)' | tr -d ' ')
n=$(printf '%s\n' "$addrs" | grep -c .)
pages=$(printf '%s\n' "$addrs" | cut -c1-13 | sort -u | grep -c .)
echo "sluice: $n relocations on $pages pages (budget $budget pages)"
[ "$n" -gt 0 ] || fail "no relocations read from $sluice (readelf output changed?)"
if [ "$pages" -gt "$budget" ]; then
    # The tables that hold the most: relocations, symbol.
    if command -v python3 >/dev/null; then
        printf '%s\n' "$addrs" | python3 -c '
import bisect, collections, subprocess, sys
syms = []
for l in subprocess.run(["nm", "-S", "-n", "--defined-only", sys.argv[1]], capture_output=True, text=True).stdout.splitlines():
    f = l.split()
    if len(f) == 4:
        syms.append((int(f[0], 16), int(f[1], 16), f[3]))
starts = [s[0] for s in syms]
c = collections.Counter()
for l in sys.stdin:
    x = int(l, 16)
    i = bisect.bisect_right(starts, x) - 1
    c[syms[i][2] if i >= 0 and x < syms[i][0] + syms[i][1] else "?"] += 1
for k, v in c.most_common(12):
    print(v, k)' "$sluice" >&2
    fi
    fail "$pages pages of relocated data, over the budget of $budget"
fi
