#!/usr/bin/env bash
# tool_cluster.sh SLUICE TOOL SCENARIO INPUT...: `sluice TOOL --workers` against
# a local -j1 run of the same input, byte for byte, under one scenario.
# Run under tests/cluster/redis.sh (it provides the server).
#
#   three     three workers (started before the coordinator), -j0
#   trouble   a worker kill -9'd mid-batch, redis-server restarted mid-run,
#             a worker started after the coordinator
#   alone     no worker at all: -j1 finishes here
#   password  a wrong password: a clear error, exit 2, nothing written
#   hostile   junk on the queue mid-run: refused, workers live on
#   cache     (graph) --cache through workers: cold, then warm with one file
#             changed: only it is sent, the rest are hits counted once
#
# TOOL is md (INPUTs: pages and directories of them; outputs: the -o tree
# and --json) or graph (INPUTs: crates, workspaces; outputs: --db, --json;
# a generated crate is added: enough files for several batches, warnings,
# and modules reached only through #[path] outside it, which the
# coordinator finds as results come in and sends as new jobs).
set -uo pipefail
sluice=$1 tool=$2 scenario=$3
shift 3
inputs=("$@")
: "${SLUICE_TEST_REDIS:?run under tests/cluster/redis.sh}"
work=$(mktemp -d "${TMPDIR:-/tmp}/sluice-cluster.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL ($tool $scenario): $*" >&2; for f in "$work"/*.log; do [ -f "$f" ] && { echo "== $f" >&2; tail -20 "$f" >&2; }; done; exit 1; }

# A crate of 160 modules that call each other, one missing module, one file
# of invalid UTF-8, an empty one, and two files outside it reached through
# #[path].
gen_crate() {
  local d=$1 i
  mkdir -p "$d/src" "$d/../outside"
  printf '[package]\nname = "gen"\nversion = "0.1.0"\n' >"$d/Cargo.toml"
  {
    for i in $(seq 160); do echo "pub mod m$i;"; done
    echo "mod missing;"
    echo "mod latin;"
    echo "mod empty;"
    echo '#[path = "../../outside/far.rs"] mod far;'
  } >"$d/src/lib.rs"
  for i in $(seq 160); do
    printf 'use crate::m%d::f%d;\npub struct S%d { pub v: u32 }\nimpl S%d { pub fn get(&self) -> u32 { f%d(self.v) } }\npub fn f%d(x: u32) -> u32 { x + %d }\n' \
      $(((i % 160) + 1)) $(((i % 160) + 1)) "$i" "$i" $(((i % 160) + 1)) "$i" "$i" >"$d/src/m$i.rs"
  done
  printf 'pub fn caf\xe9() {}\n' >"$d/src/latin.rs"
  : >"$d/src/empty.rs"
  printf '#[path = "near.rs"] pub mod near;\npub fn far() { near::near(); }\n' >"$d/../outside/far.rs"
  printf 'pub fn near() {}\n' >"$d/../outside/near.rs"
}
if [ "$tool" = graph ]; then
  gen_crate "$work/in/gen"
  inputs+=("$work/in/gen")
fi

queue=q$RANDOM
url=$SLUICE_TEST_REDIS/$queue
n_workers=0
worker() { # worker [DELAY_MS]: starts one, its pid in $last
  n_workers=$((n_workers + 1))
  # dies with this script, however it ends
  SLUICE_WORKER_TEST_DELAY_MS=${1:-0} setpriv --pdeathsig KILL "$sluice" worker "$url" -j1 --lease 0.5 -v \
    2>"$work/w$n_workers.log" &
  last=$!
  pids+=("$last")
}

# The outputs of one run into $work/$1 (stderr in $1.err).
run() {
  local name=$1; shift
  mkdir -p "$work/$name"
  case $tool in
    md) "$sluice" md "$@" -o "$work/$name/tree" "${inputs[@]}" 2>"$work/$name.err" || return 1
        [ -n "${TREE_ONLY:-}" ] || "$sluice" md "$@" -q --json "${inputs[@]}" >"$work/$name/pages.ndjson" 2>>"$work/$name.err" ;;
    graph) "$sluice" graph "$@" --db "$work/$name/g.sqlite" --json "$work/$name/g.json" "${inputs[@]}" 2>"$work/$name.err"
           local rc=$?; [ $rc -le 1 ] ;; # 1: written, with warnings (the fixtures have some)
  esac
}

same_as_local() {
  run local -j1 || fail "the local run failed: $(cat "$work/local.err")"
  diff -r "$work/local" "$work/$1" >/dev/null || fail "output differs from -j1: $(diff -r "$work/local" "$work/$1" | head -5)"
  # and the same warnings on stderr (the inputs are chosen to have some)
  grep -qi "warning:" "$work/local.err" || fail "the input gives no warning to compare"
  diff <(grep -i "warning:" "$work/local.err") <(grep -i "warning:" "$work/$1.err") >/dev/null || fail "warnings differ from -j1"
}

wait_for_log() { # FILE TEXT
  for _ in $(seq 3000); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.01; done
  fail "no '$2' in $1"
}

case $scenario in
  three)
    worker; worker; worker
    run remote -j0 --workers "$url" --stats || fail "the run failed: $(cat "$work/remote.err")"
    same_as_local remote
    # every job on workers, the empty inputs too (graph's empty.rs, md's empty.md)
    here=$(sed -n 's/.* jobs: \([0-9]*\) here .*/\1/p' "$work/remote.err" | sort -u)
    [ "$here" = 0 ] || fail "workers did not do every job: $(grep jobs: "$work/remote.err")"
    [ "$(grep -c '^  worker ' "$work/remote.err")" -ge 2 ] || fail "fewer than two workers took part"
    ;;
  trouble) # one run (two would let the restart fall between them)
    TREE_ONLY=1
    worker 40 # slow: killed while it holds a batch
    slow=$last
    ( run remote -j0 --workers "$url" ) & coord=$!
    wait_for_log "$work/w1.log" "took batch"
    kill -9 "$slow"
    worker 2
    sleep 0.3
    "$SLUICE_TEST_REDIS_CTL" restart "$SLUICE_TEST_REDIS_DIR" || fail "could not restart redis-server"
    worker 0
    wait "$coord" || fail "the run failed: $(cat "$work/remote.err")"
    same_as_local remote
    grep -q "(reclaimed)" "$work"/w2.log "$work"/w3.log || fail "the killed worker's batch was not reclaimed"
    ;;
  alone) # one run: each waits out the second before a run here backs up a sent job
    TREE_ONLY=1
    run remote -j1 --workers "$url" --stats || fail "the run failed: $(cat "$work/remote.err")"
    same_as_local remote
    grep -q "by workers (0%)" "$work/remote.err" || fail "workers did jobs, but there were none"
    ;;
  password)
    bad=${SLUICE_TEST_REDIS/:$SLUICE_TEST_REDIS_PASS@/:wrong@}/$queue
    run remote -j1 --workers "$bad"
    rc=$?
    [ $rc -ne 0 ] || fail "a wrong password was accepted"
    grep -q "authentication failed" "$work/remote.err" || fail "no clear error: $(cat "$work/remote.err")"
    [ -z "$(find "$work/remote" -type f)" ] && [ ! -e "$work/remote/tree" ] || fail "something was written"
    ;;
  hostile)
    worker 5; worker 5
    ( run remote -j0 --workers "$url" ) & coord=$!
    wait_for_log "$work/w1.log" "took batch"
    exec 3<>"/dev/tcp/127.0.0.1/$SLUICE_TEST_REDIS_PORT"
    printf 'AUTH %s\r\n' "$SLUICE_TEST_REDIS_PASS" >&3
    for junk in "x y" "d junk r $queue:gather:00000000000000000000000000000000" "d SLJB r nothere" "d SLJBgarbage r $queue:gather:0123456789abcdef0123456789abcdef"; do
      printf 'XADD %s * %s\r\n' "$queue" "$junk" >&3
    done
    printf 'QUIT\r\n' >&3
    exec 3<&-
    wait "$coord" || fail "the run failed: $(cat "$work/remote.err")"
    same_as_local remote
    for p in "${pids[@]}"; do kill -0 "$p" || fail "a worker died"; done
    ;;
  cache) # graph: --cache through workers: a cold run fills it, a warm one sends only what changed
    worker; worker
    run cold -j0 --workers "$url" --cache "$work/cache" --stats || fail "the cold run failed: $(cat "$work/cold.err")"
    same_as_local cold
    printf '\npub fn changed() {}\n' >>"$work/in/gen/src/m7.rs"
    run remote -j0 --workers "$url" --cache "$work/cache" --stats || fail "the warm run failed: $(cat "$work/remote.err")"
    same_as_local remote
    grep -q "by workers (0%)" "$work/cold.err" && fail "the cold run sent nothing"
    # the warm run: one file parsed by a worker (m7.rs), the rest from the cache, each hit counted once
    grep -q "jobs: .* 1 by workers" "$work/remote.err" || fail "the warm run sent more than the changed file: $(grep jobs: "$work/remote.err")"
    hits=$(sed -n 's/.*cache: \([0-9]*\) hits, \([0-9]*\) misses.*/\1 \2/p' "$work/remote.err")
    files=$(sed -n 's/.* crates, \([0-9]*\) files .*/\1/p' "$work/remote.err")
    [ "$hits" = "$((files - 1)) 1" ] || fail "cache hits and misses of the warm run: '$hits' for $files files"
    ;;
  *) echo "unknown scenario $scenario" >&2; exit 2 ;;
esac

# Workers stop cleanly on SIGTERM (finishing what they hold).
for p in "${pids[@]}"; do
  kill -0 "$p" 2>/dev/null || continue
  kill -TERM "$p"
  wait "$p" || fail "a worker exited non-zero on SIGTERM"
done
pids=()
echo "ok: $tool $scenario"
