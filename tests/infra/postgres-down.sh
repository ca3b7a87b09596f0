#!/usr/bin/env bash
# Stops a cluster started by postgres-up.sh and deletes its folder.
D=${1:?usage: postgres-down.sh DIR}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if [ -d "$D/data" ]; then
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$BIN/pg_ctl" -D "$D/data" -m immediate stop >/dev/null 2>&1 || true
  else "$BIN/pg_ctl" -D "$D/data" -m immediate stop >/dev/null 2>&1 || true; fi
fi
rm -rf "$D"
