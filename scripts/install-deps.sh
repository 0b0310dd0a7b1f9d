#!/usr/bin/env bash
# Installs the Debian packages sluice needs, and only those missing.
# Each part of the project lists its packages in scripts/deps/<part>.txt,
# one per line ('#' comments): `PACKAGE [COMMAND]`, where a COMMAND already
# on the PATH satisfies the line (node's own builds ship npm and conflict
# with Debian's npm package, for example).  Pass part names to install only
# those.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# No arguments: every list needed to build and test (all but the benchmark
# lists, bench.txt and *-bench.txt, which bring large corpora and peers).
# --bench: only the benchmark lists.
parts=()
case "${1:-}" in
  --bench)
    for f in "$here"/deps/bench.txt "$here"/deps/*-bench.txt; do
      [ -f "$f" ] && parts+=("$(basename "$f" .txt)")
    done ;;
  "")
    for f in "$here"/deps/*.txt; do
      case "$(basename "$f")" in bench.txt|*-bench.txt) continue ;; esac
      parts+=("$(basename "$f" .txt)")
    done ;;
  *) parts=("$@") ;;
esac
want=()
for p in "${parts[@]}"; do
  f="$here/deps/$p.txt"
  [ -f "$f" ] || { echo "install-deps: no package list $f" >&2; exit 2; }
  while read -r pkg cmd _; do
    case "$pkg" in ''|'#'*) continue ;; esac
    case "$cmd" in ''|'#'*) ;; *) command -v "$cmd" >/dev/null 2>&1 && continue ;; esac
    want+=("$pkg")
  done < "$f"
done
# One dpkg-query for the whole list: one a package cost ~0.1 s of CPU
# each, 4.5 s for the ~50 lines, at every `make test` even with nothing
# to install.
declare -A have=()
if [ ${#want[@]} -gt 0 ]; then
  while read -r name st; do
    [ "$st" = "install ok installed" ] && have[$name]=1
  done < <(dpkg-query -W -f='${Package} ${Status}\n' "${want[@]}" 2>/dev/null)
fi
missing=()
for pkg in "${want[@]}"; do
  [ -n "${have[$pkg]:-}" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
