#!/usr/bin/env bash
# Stops the Prometheus prometheus-up.sh started in DIR and deletes its folder.
D=${1:?usage: prometheus-down.sh DIR}
[ -f "$D/prometheus.pid" ] && kill "$(cat "$D/prometheus.pid")" 2>/dev/null
sleep 0.5
rm -rf "$D"
exit 0
