#!/usr/bin/env bash
# cluster: what going through the queue costs.  A tool on its bench corpus,
# two ways on this machine:
#   - local:    sluice TOOL -j2
#   - cluster:  sluice TOOL -j0 --workers URL (the coordinator computes
#               nothing itself) with two `sluice worker -j1` processes,
#               through a redis-server of the benchmark's own (its files
#               on tmpfs; AOF as a deployment runs it: on, fsync every
#               second, Redis's default auto-rewrite; AOF=no turns it off)
# TOOL graph (the default): the Debian crate corpus (/usr/share/cargo/registry,
# `scripts/install-deps.sh graph-bench`), both runs writing --db, the two
# databases byte-identical every round.  TOOL md: every .md file under
# /usr/share/doc and /usr/lib/node_modules (copied to tmpfs), both runs
# writing an -o tree, the trees identical every round.
# Reported: wall time (median of RUNS rounds, default 3; each round runs
# both, in turn), the CPU each process took (coordinator, workers,
# redis-server with its children: the AOF rewrite runs in a forked child),
# the queue's throughput as a share of local -j2 (target:
# >= 85%), and from the coordinator's --stats the bytes each job and each
# result cost on the wire and the round trips per batch (target: at most
# one round trip to Redis per batch of jobs, each way).
#
# usage: build/bench/cluster [graph|md] [CORPUS_DIR]
#   RUNS=N      rounds (default 3)
#   AOF=no      the server without an append-only file (default: everysec)
#   SLUICE=BIN  another build's sluice, measured with this script (before/after)
set -euo pipefail
bench=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$bench/.." && pwd)
tool=${1:-graph}
case $tool in graph|md) ;; *) echo "usage: build/bench/cluster [graph|md] [CORPUS_DIR]" >&2; exit 2 ;; esac
corpus=${2:-}
runs=${RUNS:-3}
sluice=${SLUICE:-$build/sluice}
aof=${AOF:-everysec}
case $aof in everysec|no) ;; *) echo "bench/cluster: AOF is everysec or no" >&2; exit 2 ;; esac
[ -x "$sluice" ] || { echo "bench/cluster: $sluice is not built" >&2; exit 2; }
"$sluice" worker --help >/dev/null 2>&1 || { echo "bench/cluster: sluice was built without hiredis (scripts/install-deps.sh cluster)" >&2; exit 2; }
command -v redis-server >/dev/null || { echo "bench/cluster: redis-server is missing (scripts/install-deps.sh cluster)" >&2; exit 2; }
shm=/dev/shm
[ -d "$shm" ] && [ -w "$shm" ] || shm=${TMPDIR:-/tmp}
tmp=$(mktemp -d "$shm/sluice-bench-cluster.XXXXXX")
pids=()
redis_pid=""
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  wait 2>/dev/null || true
  [ -n "$redis_pid" ] && kill -9 "$redis_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ "$tool" = graph ]; then
  corpus=${corpus:-/usr/share/cargo/registry}
  if [ ! -d "$(ls -d "$corpus"/tokio-* 2>/dev/null | head -1)" ]; then
    echo "bench/cluster: no crate corpus under $corpus; run scripts/install-deps.sh graph-bench" >&2
    exit 2
  fi
elif [ -z "$corpus" ]; then
  corpus=$tmp/pages
  mkdir -p "$corpus"
  find /usr/share/doc /usr/lib/node_modules -name '*.md' -type f -size -8M 2>/dev/null |
    while read -r f; do d=$corpus/$(dirname "${f#/}"); mkdir -p "$d"; cp "$f" "$d/"; done
fi

# One run of the tool, writing into $1.
run_tool() {
  local out=$1; shift
  case $tool in
    graph) "$sluice" graph -q "$@" --db "$out" "$corpus" || [ $? -eq 1 ] ;;
    md) "$sluice" md "$@" -o "$out" "$corpus" || [ $? -eq 1 ] ;;
  esac
}

# The server: a free loopback port, a random password.
pass=$(printf '%04x%04x%04x' $RANDOM $RANDOM $RANDOM)
for _ in $(seq 20); do
  port=$((20000 + RANDOM % 40000))
  redis-server --port "$port" --bind 127.0.0.1 --dir "$tmp" --appendonly yes --appendfsync everysec \
    --save '' --requirepass "$pass" --daemonize yes --pidfile "$tmp/redis.pid" --logfile "$tmp/redis.log" >/dev/null
  for _ in $(seq 100); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
      printf 'AUTH %s\r\nPING\r\n' "$pass" >&3
      read -r -t 2 a <&3 || a=""; read -r -t 2 b <&3 || b=""
      exec 3<&-
      [ "${b%$'\r'}" = "+PONG" ] && break 2
    fi
    sleep 0.02
  done
done
redis_pid=$(cat "$tmp/redis.pid")
url="redis://:$pass@127.0.0.1:$port/bench"

# CPU seconds (user + system) a process has used so far; cpu_tree_of adds
# its reaped children's (redis-server's AOF rewrite is a forked child).
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat"; }
cpu_tree_of() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15 + $16 + $17) / hz}' "/proc/$1/stat"; }

for i in 1 2; do
  "$sluice" worker "$url" -j1 -q &
  pids+=($!)
done

echo "sluice $tool ($sluice); AOF $aof; corpus: $corpus ($(du -sh --apparent-size "$corpus" | cut -f1)); $(nproc) CPUs; median of $runs rounds; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -a local_wall local_cpu cl_wall cl_cpu w_cpu r_cpu
for round in $(seq "$runs"); do
  /usr/bin/time -f "%e %U %S" -o "$tmp/t" bash -c "$(declare -f run_tool); tool=$tool sluice=$sluice corpus=$corpus run_tool $tmp/local -j2 -q"
  read -r wall u s < "$tmp/t"
  local_wall+=("$wall"); local_cpu+=("$(echo "$u + $s" | bc)")

  w0=0; for p in "${pids[@]}"; do w0=$(echo "$w0 + $(cpu_of "$p")" | bc); done
  r0=$(cpu_tree_of "$redis_pid")
  /usr/bin/time -f "%e %U %S" -o "$tmp/t" bash -c "$(declare -f run_tool); tool=$tool sluice=$sluice corpus=$corpus run_tool $tmp/cluster -j0 -q --workers '$url' --stats" 2>"$tmp/stats"
  read -r wall u s < "$tmp/t"
  w1=0; for p in "${pids[@]}"; do w1=$(echo "$w1 + $(cpu_of "$p")" | bc); done
  cl_wall+=("$wall"); cl_cpu+=("$(echo "$u + $s" | bc)")
  w_cpu+=("$(echo "$w1 - $w0" | bc)"); r_cpu+=("$(echo "$(cpu_tree_of "$redis_pid") - $r0" | bc)")

  diff -r "$tmp/local" "$tmp/cluster" >/dev/null || { echo "bench/cluster: round $round: the outputs differ" >&2; exit 1; }
  rm -rf "$tmp/local" "$tmp/cluster"
done

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
lw=$(median "${local_wall[@]}"); cw=$(median "${cl_wall[@]}")
printf '\n| run | wall s | coordinator CPU s | workers CPU s | redis-server CPU s |\n|---|---:|---:|---:|---:|\n'
printf '| `sluice %s -j2` | %s | %s | | |\n' "$tool" "$lw" "$(median "${local_cpu[@]}")"
printf '| `-j0 --workers` + 2 x `sluice worker -j1` | %s | %s | %s | %s |\n' "$cw" "$(median "${cl_cpu[@]}")" \
  "$(median "${w_cpu[@]}")" "$(median "${r_cpu[@]}")"
printf '\nthrough the queue: %.0f%% of local -j2 throughput (target >= 85%%); outputs byte-identical in every round\n' \
  "$(echo "100 * $lw / $cw" | bc -l)"

# The wire, from the last round's --stats.
jobs=$(sed -n "s/^sluice $tool: \([0-9]*\) jobs:.*/\1/p" "$tmp/stats")
q=$(grep '^  queue:' "$tmp/stats")
out_b=$(echo "$q" | sed -n 's/.* \([0-9]*\) batches out (\([0-9.]*\) MB).*/\1 \2/p')
in_b=$(echo "$q" | sed -n 's/.*), \([0-9]*\) in (\([0-9.]*\) MB).*/\1 \2/p')
rt=$(echo "$q" | sed -n 's/.*MB), \([0-9]*\) round trips.*/\1/p')
read -r nb_out mb_out <<< "$out_b"; read -r nb_in mb_in <<< "$in_b"
printf 'wire: %s jobs in %s batches out (%.1f MB: %.0f bytes a job), %s result batches in (%.1f MB: %.0f bytes a result)\n' \
  "$jobs" "$nb_out" "$mb_out" "$(echo "$mb_out * 1000000 / $jobs" | bc -l)" "$nb_in" "$mb_in" \
  "$(echo "$mb_in * 1000000 / $jobs" | bc -l)"
printf 'round trips: %s for %s batches out and %s in (the coordinator, sends + reads + acks)\n' "$rt" "$nb_out" "$nb_in"
grep -E '^  (worker|pump:)' "$tmp/stats" || true
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
