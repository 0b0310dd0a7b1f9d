#!/usr/bin/env bash
# redis.sh - a private redis-server for one test, always stopped afterwards.
#
#   redis.sh run CMD ARGS...   start a server, run CMD, stop the server, exit with CMD's status
#   redis.sh restart DIR       kill -9 the server of DIR and start it again (same port, same data)
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
# The trap stops the server and removes the directory however CMD ends.
set -uo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
server=$(command -v redis-server || true)
[ -n "$server" ] || { echo "redis.sh: redis-server not installed (scripts/install-deps.sh cluster)" >&2; exit 2; }

pid_of() { cat "$1/redis.pid" 2>/dev/null; }
# Running, not a zombie: a daemonized server's parent is PID 1, which in a
# container may never reap it.
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

start() {
  local dir=$1
  "$server" "$dir/redis.conf" >/dev/null 2>&1 || return 1
  local i
  for ((i = 0; i < 250; i++)); do
    answers "$dir" && return 0
    sleep 0.02
  done
  return 1
}

stop() {
  local dir=$1 p
  p=$(pid_of "$dir")
  [ -n "$p" ] || return 0
  kill -9 "$p" 2>/dev/null
  local i
  for ((i = 0; i < 200; i++)); do running "$p" || break; sleep 0.01; done
  rm -f "$dir/redis.pid"
}

write_conf() {
  local dir=$1 port=$2
  cat > "$dir/redis.conf" <<CONF
port $port
bind 127.0.0.1
dir $dir
daemonize yes
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
  restart) stop "$2"; start "$2" ;;
  stop) stop "$2" ;;
  start) start "$2" ;;
  run)
    shift
    dir=$(mktemp -d "${TMPDIR:-/tmp}/sluice-redis.XXXXXX")
    trap 'stop "$dir"; rm -rf "$dir"' EXIT
    trap 'exit 143' TERM INT
    pass=$(printf '%04x%04x%04x%04x' $RANDOM $RANDOM $RANDOM $RANDOM)
    userpass=$(printf '%04x%04x%04x%04x' $RANDOM $RANDOM $RANDOM $RANDOM)
    echo "$pass" > "$dir/pass"
    ok=0
    for ((try = 0; try < 20; try++)); do
      write_conf "$dir" $(( 20000 + RANDOM % 40000 ))
      if start "$dir"; then ok=1; break; fi
      stop "$dir"
    done
    [ $ok = 1 ] || { echo "redis.sh: could not start redis-server:" >&2; cat "$dir/redis.log" >&2; exit 2; }
    read -r port < "$dir/port"
    export SLUICE_TEST_REDIS="redis://:$pass@127.0.0.1:$port"
    export SLUICE_TEST_REDIS_PORT=$port SLUICE_TEST_REDIS_PASS=$pass
    export SLUICE_TEST_REDIS_USER_PASS=$userpass SLUICE_TEST_REDIS_CTL="$self"
    export SLUICE_TEST_REDIS_DIR=$dir
    "$@"
    ;;
  *) echo "usage: redis.sh run CMD... | restart DIR | stop DIR | start DIR" >&2; exit 2 ;;
esac
