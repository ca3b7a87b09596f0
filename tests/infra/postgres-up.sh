#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on 127.0.0.1 for the cluster tests (Debian's postgresql package).
# Usage: postgres-up.sh DIR PORT ; stop with postgres-down.sh DIR. Prints the connection string last.
set -euo pipefail
D=${1:?usage: postgres-up.sh DIR PORT}; PORT=${2:?usage: postgres-up.sh DIR PORT}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$D"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$D"
as_pg "$BIN/initdb" -D "$D/data" -U portal --auth=trust -E UTF8 >/dev/null
OPTS="-p $PORT -k $D -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
echo "$OPTS" > "$D/options"   # postgres-ctl.sh starts it again with the same
as_pg "$BIN/pg_ctl" -D "$D/data" -l "$D/postgres.log" -w -t 60 -o "$OPTS" start >/dev/null
echo "Host=127.0.0.1;Port=$PORT;Username=portal;Database=postgres"
