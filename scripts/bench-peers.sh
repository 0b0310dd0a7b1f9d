#!/usr/bin/env bash
# bench-peers.sh BUILD [NAME...]: the runtime benchmarks side by side with
# their Go peers.
#
# Every bench/peers/go/NAME/ (a Go module) is paired with BUILD/bench/NAME
# (only the NAMEs given, when some are); chan runs twice, between threads
# and with --tasks (lightweight tasks at both ends, rows task_<shape>).
# Both print NAME<TAB>VALUE[<TAB>UNIT] lines with --tsv (two fields mean
# ns/msg, bench/chan's format); the rows are joined on NAME.  The two sides
# take turns, REPS times each (default 3), so both see the same machine, and
# each figure is the median of its REPS runs.  Prints a table (ratio =
# sluice/go: below 1 sluice is faster, for times) and writes it as TSV to
# BUILD/bench/peers.tsv.  A missing side is a note, not a failure; a side
# that crashes or times out (BENCH_TIMEOUT seconds, default 900) is reported
# and makes the exit status non-zero once everything else has run.
#
# Environment: REPS (runs per side), CHAN_N (messages per bench/chan run),
# TASK_N (tasks per bench/task run), BENCH_TIMEOUT.  Go runs with GOMAXPROCS=2, its build cache under BUILD.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d "${1:-build}" ] || { echo "bench-peers: no build directory '${1:-build}' (run make first)" >&2; exit 2; }
build=$(cd "${1:-build}" && pwd)
shift || true
only=" $* "
reps=${REPS:-3}
limit=${BENCH_TIMEOUT:-900}
case "$reps" in '' | *[!0-9]* | 0) echo "bench-peers: REPS must be a whole number >= 1, got '$reps'" >&2; exit 2 ;; esac

note() { echo "bench-peers: $*" >&2; }

# Go: installed through the project's own deps list when missing; builds
# offline, with its cache and module path inside the build tree so that any
# user can run this without a writable home.
export GOMAXPROCS=2
gowork=$build/bench/go
export GOCACHE=$gowork/cache GOPATH=$gowork/path GOMODCACHE=$gowork/path/pkg/mod
export GOPROXY=off GOFLAGS='' GO111MODULE=on GOTOOLCHAIN=local GOTELEMETRY=off
if ! command -v go >/dev/null 2>&1; then
  scripts/install-deps.sh bench || note "could not install golang-go"
fi
have_go=0
command -v go >/dev/null 2>&1 && have_go=1
[ "$have_go" = 1 ] || note "go is not installed: the go column stays empty"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# The pairs: every Go peer, built once.
names=()
for dir in bench/peers/go/*/; do
  [ -f "$dir/go.mod" ] || continue
  name=$(basename "$dir")
  [ "$only" = "  " ] || [[ "$only" == *" $name "* ]] || continue
  names+=("$name")
  [ "$have_go" = 1 ] || continue
  mkdir -p "$gowork/bin"
  if ! (cd "$dir" && go build -trimpath -o "$gowork/bin/$name" .) 2>"$tmp/gobuild"; then
    note "go build of bench/peers/go/$name failed; its go column stays empty:"
    sed 's/^/  /' "$tmp/gobuild" >&2
    rm -f "$gowork/bin/$name"
  fi
done
[ ${#names[@]} -gt 0 ] || { note "no Go peers under bench/peers/go/${*:+ named $*}"; exit 0; }

# Arguments for one benchmark: the outer loop already repeats each run, so
# bench/chan runs each shape once per call.
bench_args() {
  case "$1" in
    chan) echo "--tsv -r 1${CHAN_N:+ -n $CHAN_N}" ;;
    task) echo "--tsv -r 1${TASK_N:+ -n $TASK_N}" ;;
    *) echo "--tsv" ;;
  esac
}

# The runs of one benchmark, as extra flags ("-": none).
variants() {
  case "$1" in
    chan) echo "- --tasks" ;;
    *) echo "-" ;;
  esac
}

# run_side SIDE NAME PROGRAM [FLAG]: one run, its rows appended to $tmp/raw
# as SIDE<TAB>NAME<TAB>VALUE<TAB>UNIT, and the row order remembered.
run_side() {
  local side=$1 name=$2 prog=$3 extra=${4:-} rc=0
  # shellcheck disable=SC2046  # bench_args is a word list on purpose
  timeout "$limit" "$prog" $(bench_args "$name") $extra >"$tmp/out" 2>"$tmp/err" || rc=$?
  if [ "$rc" -ne 0 ]; then
    if [ "$rc" -eq 124 ]; then
      note "$side $name: still running after ${limit}s, stopped:"
    else
      note "$side $name: exited with status $rc:"
    fi
    tail -n 5 "$tmp/err" | sed 's/^/  /' >&2
    failed=1
    return
  fi
  awk -F'\t' -v side="$side" -v bench="$name" '
    /^#/ || NF == 0 { next }
    (NF == 2 || NF == 3) && $2 ~ /^[-+]?[0-9.]+([eE][-+]?[0-9]+)?$/ {
      print side "\t" $1 "\t" $2 "\t" (NF == 3 ? $3 : "ns/msg"); next
    }
    { printf "bench-peers: %s %s: ignored line %d: %s\n", side, bench, NR, $0 > "/dev/stderr" }
  ' "$tmp/out" >>"$tmp/raw"
  cut -f1 "$tmp/out" | grep -v '^#' >>"$tmp/order" || true
}

: >"$tmp/raw"
: >"$tmp/order"
for name in "${names[@]}"; do
  c_prog=$build/bench/$name
  go_prog=$gowork/bin/$name
  [ -x "$c_prog" ] || { note "no $c_prog (not built?): $name has only its go column"; c_prog=; }
  [ -x "$go_prog" ] || go_prog=
  [ -n "$c_prog$go_prog" ] || continue
  for variant in $(variants "$name"); do
    extra=$variant
    [ "$extra" != - ] || extra=
    for ((i = 1; i <= reps; i++)); do
      note "$name${extra:+ $extra}: run $i of $reps"
      [ -z "$c_prog" ] || run_side sluice "$name" "$c_prog" "$extra"
      [ -z "$go_prog" ] || run_side go "$name" "$go_prog" "$extra"
    done
  done
done

# Medians per side and name, joined in the order the rows first appeared.
sort -t "$(printf '\t')" -k1,1 -k2,2 -k3,3g "$tmp/raw" | awk -F'\t' -v OFS='\t' -v orderfile="$tmp/order" '
  BEGIN { while ((getline n < orderfile) > 0) if (!(n in seen)) { seen[n] = 1; order[++rows] = n } }
  function flush() {
    if (cnt) med[key] = cnt % 2 ? v[(cnt + 1) / 2] : (v[cnt / 2] + v[cnt / 2 + 1]) / 2
  }
  {
    if ($1 "\t" $2 != key) { flush(); key = $1 "\t" $2; cnt = 0 }
    v[++cnt] = $3; unit[$2] = $4
    if (!($2 in seen)) { seen[$2] = 1; order[++rows] = $2 }
  }
  END {
    flush()
    print "name", "sluice", "go", "ratio", "unit"
    for (i = 1; i <= rows; i++) {
      n = order[i]; s = ("sluice\t" n) in med; g = ("go\t" n) in med
      if (!s && !g) continue
      sv = s ? med["sluice\t" n] : "-"; gv = g ? med["go\t" n] : "-"
      r = (s && g && gv + 0 != 0) ? sprintf("%.2f", sv / gv) : "-"
      print n, s ? fmt(sv) : "-", g ? fmt(gv) : "-", r, unit[n]
    }
  }
  # One decimal for large figures, four significant digits for small ones
  # (a speed-up of 1.95 must not round to 1.9).
  function fmt(x) { return sprintf(x < 100 && x > -100 ? "%.4g" : "%.1f", x) }
' >"$tmp/peers.tsv"

mkdir -p "$build/bench"
mv "$tmp/peers.tsv" "$build/bench/peers.tsv.tmp"
mv "$build/bench/peers.tsv.tmp" "$build/bench/peers.tsv"

# The table for people.  Speed-ups and rates are better when higher, so
# their ratio reads the other way; say so on the row.
echo "sluice vs Go $( [ "$have_go" = 1 ] && go env GOVERSION) (GOMAXPROCS=$GOMAXPROCS, $(nproc) CPUs, median of $reps runs each)"
awk -F'\t' '
  NR == 1 { printf "%-26s %12s %12s %7s  %s\n", $1, $2, $3, $4, $5; next }
  {
    up = ($1 ~ /_speedup$/ || $5 ~ /\/s$/ || $5 == "x")
    printf "%-26s %12s %12s %7s  %s%s\n", $1, $2, $3, $4, $5, up ? "  (higher is better)" : ""
    if ($4 != "-") {
      both++
      if (up ? $4 >= 1 : $4 <= 1) ahead++
    }
  }
  END { if (both) printf "sluice at or better than Go in %d of %d rows\n", ahead, both }
' "$build/bench/peers.tsv"
echo "(written to $build/bench/peers.tsv)"
exit "$failed"
