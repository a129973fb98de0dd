#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests that need one.
#
#   pg_cluster.sh start DIR [SOCKET_DIR]   initdb into DIR, start the server, print its URL
#   pg_cluster.sh standby PRIMARY_DIR DIR [SOCKET_DIR]
#                                          a streaming standby of PRIMARY_DIR's server in DIR
#   pg_cluster.sh promote DIR              promote DIR's standby to a primary
#   pg_cluster.sh kill DIR                 stop DIR's server at once, as a crash would
#   pg_cluster.sh stop DIR                 stop it at once and remove DIR
#
# The server listens on a Unix socket only (no TCP), in SOCKET_DIR (default DIR/socket; a
# socket path may be at most 107 bytes, so a caller with a deep DIR passes a short one). That
# folder is the server's own, so the fixed port number (PG_PORT, default 5433) cannot clash
# with another server: the port only names the socket file. Durability is off (fsync,
# synchronous_commit, full_page_writes): a crash loses a scratch database nobody keeps.
# Authentication is trust, for the superuser `postgres`. The URL printed on stdout names
# the maintenance database:
#
#   postgresql:///postgres?host=SOCKET_DIR&port=5433&user=postgres
#
# As root the server runs as the `postgres` user (PostgreSQL refuses to run as root), which
# then owns DIR; as anyone else it runs as the invoking user.
#
# initdb runs once per PostgreSQL version and server user: its result is kept beside DIR
# (DIR's parent/.NAME-template), and each start copies it (a second instead of several).
#
# Exit status: 0 started or stopped; 77 when PostgreSQL is not installed and
# CERTCRON_TESTS_REQUIRED is not 1 (CTest's SKIP_RETURN_CODE); 1 otherwise.
set -euo pipefail

pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
port=${PG_PORT:-5433}

usage() {
  echo "usage: $0 start DIR [SOCKET_DIR] | standby PRIMARY_DIR DIR [SOCKET_DIR] | promote DIR | kill DIR | stop DIR" >&2
  exit 2
}

cannot_run() {
  if [ "${CERTCRON_TESTS_REQUIRED:-0}" = 1 ]; then
    echo "pg_cluster: cannot start PostgreSQL: $1 (CERTCRON_TESTS_REQUIRED=1)" >&2
    exit 1
  fi
  echo "SKIP: cannot start PostgreSQL: $1"
  exit 77
}

# Few processes: on a machine busy with builds each one started costs a good part of a second.
# as_server COMMAND...: runs COMMAND as the user the server runs as.
as_server() {
  if [ "$EUID" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# The data folder: DIR/data, unless the server's user cannot reach DIR (a build folder in a
# home only root may enter): then a folder under /tmp, named in DIR/data-path.
data_dir_of() {
  if [ -f "$1/data-path" ]; then
    echo "$(<"$1/data-path")"
  else
    echo "$1/data"
  fi
}

socket_dir_of() {
  if [ -f "$1/socket-path" ]; then
    echo "$(<"$1/socket-path")"
  fi
}

stop_cluster() {
  local dir=$1 data socket
  data=$(data_dir_of "$dir")
  socket=$(socket_dir_of "$dir")
  if [ -f "$data/postmaster.pid" ]; then
    as_server "$pg_bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case $data in "$dir"/*) ;; *) rm -rf "$data" ;; esac
  if [ -n "$socket" ]; then
    case $socket in "$dir"/*) ;; *) rm -rf "$socket" ;; esac
  fi
  rm -rf "$dir"
}

# The server's user, and the initdb of DIR: a copy of the template beside DIR
# (.NAME-template), made by initdb on the first start and again when PostgreSQL or that user
# changes, since initdb takes seconds and a copy a fraction of one.
server_user() {
  if [ "$EUID" -eq 0 ]; then echo postgres; else echo "${USER:-$(id -un)}"; fi
}

initdb_into() {
  # 1 MB WAL segments instead of 16: less to copy on each start.
  as_server "$pg_bin/initdb" -D "$1" -U postgres -A trust -E UTF8 --locale=C --no-sync \
    --wal-segsize=1 --no-instructions >"$2" 2>&1
}

# fill_data DIR DATA: DATA (an empty folder the server's user owns) holds a new cluster.
fill_data() {
  local dir=${1%/} data=$2 template key building stored=
  template=${dir%/*}/.${dir##*/}-template
  key="$("$pg_bin/postgres" --version) $(server_user) wal-segsize=1"
  [ ! -f "$template/key" ] || stored=$(<"$template/key")
  if [ "$stored" != "$key" ]; then
    building=$template.new.$$
    rm -rf "$building"
    if mkdir -p "$building" 2>/dev/null; then
      [ "$EUID" -ne 0 ] || chown postgres: "$building"
      if initdb_into "$building/data" "$dir/initdb.log"; then
        echo "$key" >"$building/key"
        rm -rf "$template"
        mv "$building" "$template"
        stored=$key
      else
        rm -rf "$building"
      fi
    fi
  fi
  if [ "$stored" = "$key" ]; then
    cp -a "$template/data/." "$data/"
  elif ! initdb_into "$data" "$dir/initdb.log"; then
    echo "pg_cluster: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    exit 1
  fi
}

# prepare DIR SOCKET: checks what a server needs, then makes DIR, SOCKET and an empty data
# folder the server's user owns; prints the data folder.
prepare() {
  local dir=$1 socket=$2 data
  [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] || cannot_run "$pg_bin/initdb not found (scripts/install-deps installs postgresql)"
  if [ "$EUID" -eq 0 ] && ! getent passwd postgres >/dev/null; then
    cannot_run "running as root and there is no postgres user to run the server as"
  fi
  if [ ${#socket} -gt 95 ]; then  # room for /.s.PGSQL.NNNNN.lock within 107 bytes
    echo "pg_cluster: socket folder $socket is too long for a Unix socket; pass a shorter one" >&2
    exit 1
  fi
  stop_cluster "$dir"  # a server left by a run that was killed
  data=$dir/data
  mkdir -p -m 0700 "$dir" "$socket" "$data"
  if [ "$EUID" -eq 0 ]; then
    chown postgres: "$dir" "$socket" "$data"
    if ! runuser -u postgres -- test -w "$data"; then
      data=$(mktemp -d /tmp/certcron-pg-data.XXXXXX)
      chown postgres: "$data"
      echo "$data" >"$dir/data-path"
    fi
  fi
  echo "$socket" >"$dir/socket-path"
  echo "$data"
}

# run_server DATA SOCKET: the settings of a throw-away server, then starts it; prints its URL.
run_server() {
  local data=$1 socket=$2 log=$1/server.log
  cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$socket'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 100
CONF
  if ! as_server "$pg_bin/pg_ctl" -D "$data" -l "$log" -w -t 30 start >/dev/null; then
    echo "pg_cluster: the server did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  echo "postgresql:///postgres?host=$socket&port=$port&user=postgres"
}

start_cluster() {
  local dir=$1 socket=${2:-$1/socket} data
  data=$(prepare "$dir" "$socket")
  fill_data "$dir" "$data"
  run_server "$data" "$socket"
}

# A streaming standby of the server in PRIMARY_DIR (pg_basebackup -R): read-only until
# promoted (pg_ctl promote, `promote` below).
start_standby() {
  local primary=$1 dir=$2 socket=${3:-$2/socket} data primary_socket
  primary_socket=$(socket_dir_of "$primary")
  [ -n "$primary_socket" ] || { echo "pg_cluster: no server started in $primary" >&2; exit 1; }
  data=$(prepare "$dir" "$socket")
  if ! as_server "$pg_bin/pg_basebackup" -h "$primary_socket" -p "$port" -U postgres -D "$data" \
      -R -X stream --no-sync >"$dir/basebackup.log" 2>&1; then
    echo "pg_cluster: pg_basebackup failed:" >&2
    cat "$dir/basebackup.log" >&2
    exit 1
  fi
  run_server "$data" "$socket"
}

promote() {
  as_server "$pg_bin/pg_ctl" -D "$(data_dir_of "$1")" -w -t 30 promote >/dev/null
}

# Stops the server at once (as a crash would) and keeps its folder.
kill_server() {
  as_server "$pg_bin/pg_ctl" -D "$(data_dir_of "$1")" -m immediate -w stop >/dev/null
}

[ $# -ge 2 ] || usage
case $1 in
  start) [ $# -le 3 ] || usage; start_cluster "$2" "${3:-}" ;;
  standby) [ $# -ge 3 ] && [ $# -le 4 ] || usage; start_standby "$2" "$3" "${4:-}" ;;
  promote) [ $# -eq 2 ] || usage; promote "$2" ;;
  kill) [ $# -eq 2 ] || usage; kill_server "$2" ;;
  stop) [ $# -eq 2 ] || usage; stop_cluster "$2" ;;
  *) usage ;;
esac
