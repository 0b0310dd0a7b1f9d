#!/usr/bin/env bash
# redis.sh - a private redis-server for one test, always stopped afterwards.
#
#   redis.sh run CMD ARGS...   start a server, run CMD, stop the server, exit with CMD's status
#   redis.sh restart DIR       kill -9 the server of DIR; it comes back (same port, same data)
#   redis.sh stop DIR | start DIR
#
# `run` makes a temporary directory, picks a free loopback port (trying
# random ones until a server of ours answers on one), and starts
# redis-server there with AOF on and fsync'd at every write (so a kill -9
# loses nothing a client was told was done), a random password for the
# default user and an ACL user `sluicetest` with another.  CMD sees:
#   SLUICE_TEST_REDIS       redis://:PASSWORD@127.0.0.1:PORT  (append /NAME)
#   SLUICE_TEST_REDIS_PORT, SLUICE_TEST_REDIS_PASS, SLUICE_TEST_REDIS_USER_PASS
#   SLUICE_TEST_REDIS_CTL, SLUICE_TEST_REDIS_DIR: "$SLUICE_TEST_REDIS_CTL restart $SLUICE_TEST_REDIS_DIR"
#
# Nothing outlives the test, however it ends: the server runs in the
# foreground under a supervisor loop (which restarts it after a kill -9,
# unless told to keep it down), and both die with this script - with its
# trap on a normal exit, through the kernel's parent-death signal
# (setpriv --pdeathsig) when a test runner kills it outright; CMD too.
# (Only its directory stays then; the next run removes it after an hour.)
set -uo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
server=$(command -v redis-server || true)
[ -n "$server" ] || { echo "redis.sh: redis-server not installed (scripts/install-deps.sh cluster)" >&2; exit 2; }

pid_of() { cat "$1/redis.pid" 2>/dev/null; }
# Running, not a zombie: a killed server may wait a moment to be reaped.
running() { local st; st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null); [ -n "$st" ] && [ "$st" != Z ]; }
# Our server answers on the port: AUTH with our password, then PING (bash's
# /dev/tcp, so no process is started for each try).
answers() {
  local dir=$1 port pass reply=""
  read -r port < "$dir/port"; read -r pass < "$dir/pass"
  { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'AUTH %s\r\nPING\r\n' "$pass" >&3
  read -r -t 2 reply <&3 && [ "${reply%$'\r'}" = "+OK" ] && read -r -t 2 reply <&3
  exec 3<&-
  [ "${reply%$'\r'}" = "+PONG" ]
}

# Until our server answers (5 s at most), or the process $2 (the
# supervisor, when given) is gone: it could not bind the port.
wait_answers() {
  local i
  for ((i = 0; i < 250; i++)); do
    answers "$1" && return 0
    [ -n "${2:-}" ] && ! kill -0 "$2" 2>/dev/null && return 1
    sleep 0.02
  done
  return 1
}

# Kills the server and waits until it is gone.
kill_server() {
  local dir=$1 p i
  p=$(pid_of "$dir")
  [ -n "$p" ] || return 0
  kill -9 "$p" 2>/dev/null
  for ((i = 0; i < 200; i++)); do running "$p" || break; sleep 0.01; done
  # the supervisor may already have started the next one, with its own pid
  [ "$(pid_of "$dir")" = "$p" ] && rm -f "$dir/redis.pid"
  return 0
}

# The supervisor: runs the server in the foreground, again after each kill,
# while $dir/run exists; holds off while $dir/down exists.
supervise() {
  local dir=$1
  while [ -e "$dir/run" ]; do
    if [ -e "$dir/down" ]; then sleep 0.02; continue; fi
    setpriv --pdeathsig KILL "$server" "$dir/redis.conf" >/dev/null 2>&1
    [ -e "$dir/run" ] && [ ! -e "$dir/down" ] && [ ! -e "$dir/port-ok" ] && return 1 # never came up: port taken
  done
}

write_conf() {
  local dir=$1 port=$2
  cat > "$dir/redis.conf" <<CONF
port $port
bind 127.0.0.1
dir $dir
daemonize no
pidfile $dir/redis.pid
logfile $dir/redis.log
appendonly yes
appendfsync always
save ""
requirepass $pass
user sluicetest on >$userpass ~* &* +@all
CONF
  echo "$port" > "$dir/port"
}

case "${1:-}" in
  restart) kill_server "$2"; sleep 0.05; wait_answers "$2" ;;
  stop) touch "$2/down"; kill_server "$2" ;;
  start) rm -f "$2/down"; wait_answers "$2" ;;
  run)
    shift
    # what a killed run could not remove (no test runs for an hour)
    find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'sluice-redis.*' -mmin +60 -exec rm -rf {} + 2>/dev/null
    dir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-redis.XXXXXX")
    sup=""
    finish() {
      rm -f "$dir/run"
      kill_server "$dir"
      [ -n "$sup" ] && { kill -9 "$sup" 2>/dev/null; wait "$sup" 2>/dev/null; }
      rm -rf "$dir"
    }
    trap finish EXIT
    trap 'exit 143' TERM INT
    pass=$(printf '%04x%04x%04x%04x' $RANDOM $RANDOM $RANDOM $RANDOM)
    userpass=$(printf '%04x%04x%04x%04x' $RANDOM $RANDOM $RANDOM $RANDOM)
    echo "$pass" > "$dir/pass"
    touch "$dir/run"
    ok=0
    for ((try = 0; try < 20; try++)); do
      write_conf "$dir" $(( 20000 + RANDOM % 40000 ))
      rm -f "$dir/port-ok"
      export -f supervise
      export server
      setpriv --pdeathsig KILL bash -c 'supervise "$1"' _ "$dir" &
      sup=$!
      if wait_answers "$dir" "$sup"; then touch "$dir/port-ok"; ok=1; break; fi
      kill -9 "$sup" 2>/dev/null; wait "$sup" 2>/dev/null; sup=""
      kill_server "$dir"
    done
    [ $ok = 1 ] || { echo "redis.sh: could not start redis-server:" >&2; cat "$dir/redis.log" >&2; exit 2; }
    read -r port < "$dir/port"
    export SLUICE_TEST_REDIS="redis://:$pass@127.0.0.1:$port"
    export SLUICE_TEST_REDIS_PORT=$port SLUICE_TEST_REDIS_PASS=$pass
    export SLUICE_TEST_REDIS_USER_PASS=$userpass SLUICE_TEST_REDIS_CTL="$self"
    export SLUICE_TEST_REDIS_DIR=$dir
    setpriv --pdeathsig KILL "$@"
    ;;
  *) echo "usage: redis.sh run CMD... | restart DIR | stop DIR | start DIR" >&2; exit 2 ;;
esac
