#!/usr/bin/env bash
# scripts/private_postgres.sh start|stop|kill|status FOLDER PORT
#
# A PostgreSQL cluster of its own in FOLDER on 127.0.0.1:PORT, for the checks that stop, break or
# restore a database (production install check, restore drill, fault injection). Never the
# machine's shared server. Trust authentication on loopback only; the cluster lives and dies with
# FOLDER. As root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
set -euo pipefail
action=$1 folder=$2 port=$3
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries are missing (apt-get install postgresql)" >&2; exit 1; }
data="$folder/data"

as_owner() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    if [ ! -s "$data/PG_VERSION" ]; then
      mkdir -p "$folder"
      if [ "$(id -u)" = 0 ]; then
        chown postgres:postgres "$folder"
        chmod a+x "$(dirname "$folder")"  # the caller's temporary folder: the server user must reach FOLDER
      fi
      as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_owner "$bin/pg_ctl" -D "$data" -l "$folder/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$folder -c fsync=off -c max_connections=60" \
      start >/dev/null
    ;;
  stop) as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null ;;
  kill) as_owner "$bin/pg_ctl" -D "$data" -m immediate -w -t 60 stop >/dev/null ;;
  status) as_owner "$bin/pg_ctl" -D "$data" status >/dev/null ;;
  *) echo "usage: $0 start|stop|kill|status FOLDER PORT" >&2; exit 2 ;;
esac
