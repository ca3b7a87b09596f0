#!/usr/bin/env bash
# Stops or starts again a cluster started by postgres-up.sh, keeping its data (for tests of a database outage).
# Usage: postgres-ctl.sh DIR stop|start
set -euo pipefail
D=${1:?usage: postgres-ctl.sh DIR stop|start}; ACTION=${2:?usage: postgres-ctl.sh DIR stop|start}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$ACTION" in
  stop) as_pg "$BIN/pg_ctl" -D "$D/data" -m fast -w -t 60 stop >/dev/null ;;
  start) as_pg "$BIN/pg_ctl" -D "$D/data" -l "$D/postgres.log" -w -t 60 -o "$(cat "$D/options")" start >/dev/null ;;
  *) echo "usage: postgres-ctl.sh DIR stop|start" >&2; exit 2 ;;
esac
