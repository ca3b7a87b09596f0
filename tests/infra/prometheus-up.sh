#!/usr/bin/env bash
# A throw-away Prometheus (Debian's prometheus package) on 127.0.0.1 that scrapes the given targets every second.
# Usage: prometheus-up.sh DIR PORT TARGET... (TARGET as host:port) ; stop with prometheus-down.sh DIR.
# Prints the base URL last once Prometheus is ready.
set -euo pipefail
D=${1:?usage: prometheus-up.sh DIR PORT TARGET...}; PORT=${2:?usage: prometheus-up.sh DIR PORT TARGET...}; shift 2
[ $# -gt 0 ] || { echo "usage: prometheus-up.sh DIR PORT TARGET..." >&2; exit 2; }
mkdir -p "$D/data"
targets=$(printf "'%s'," "$@"); targets=${targets%,}
cat > "$D/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: portal
    static_configs:
      - targets: [$targets]
YML
setsid prometheus --config.file="$D/prometheus.yml" --storage.tsdb.path="$D/data" --web.listen-address="127.0.0.1:$PORT" \
  >"$D/prometheus.log" 2>&1 < /dev/null &
echo $! > "$D/prometheus.pid"
for _ in $(seq 1 150); do
  if curl -fsS "http://127.0.0.1:$PORT/-/ready" >/dev/null 2>&1; then echo "http://127.0.0.1:$PORT"; exit 0; fi
  kill -0 "$(cat "$D/prometheus.pid")" 2>/dev/null || { cat "$D/prometheus.log" >&2; exit 1; }
  sleep 0.2
done
echo "Prometheus did not get ready on $PORT" >&2; tail -20 "$D/prometheus.log" >&2; exit 1
