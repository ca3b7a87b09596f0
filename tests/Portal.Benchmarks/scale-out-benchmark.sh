#!/usr/bin/env bash
# The scale-out benchmark of issue 15: RUNS small dumps (Chinook's artists and albums) queued at once from a web
# node, run by 1 and then by 2 Portal.Worker processes on this machine, against one PostgreSQL and one Ceph.
# Prints, per scenario, runs per minute from the first queued to the last finished, the mean run, the pickup
# latency of an idle worker (10 runs queued one after the other), and the scheduler's overhead per run (slot time
# not spent running a run); last line, the ratio 2 workers / 1 worker. On 2 cores both workers share the same
# CPU, so the ratio shows what the cluster costs, not a speed-up.
# Usage: bash tests/Portal.Benchmarks/scale-out-benchmark.sh [RUNS]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-200}
bash tests/infra/install-deps.sh
work=$(mktemp -d /tmp/portal-scale-bench.XXXXXX); chmod 755 "$work"
PIDS=()
stop_nodes() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; PIDS=(); }
trap 'stop_nodes; bash tests/infra/postgres-down.sh "$work/pg" >/dev/null 2>&1; bash tests/infra/ceph-down.sh "$work/ceph" >/dev/null 2>&1; rm -rf "$work"' EXIT
port=$(( 20000 + RANDOM % 20000 ))
RGW_PORT=$port MON_V2=$((port + 1)) MON_V1=$((port + 2)) bash tests/infra/ceph-up.sh "$work/ceph" | tail -n 1
ADMIN_DB=$(bash tests/infra/postgres-up.sh "$work/pg" $((port + 3)) | tail -n 1)
AK=TESTERACCESSKEY0001; SK=TesterSecretKey000000000000000000000001; BUCKET=scale-bench
curl -fsS --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AK:$SK" -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
  -X PUT "http://127.0.0.1:$port/$BUCKET" >/dev/null
dotnet build Portal.sln -c Release -nologo -v q >/dev/null
WEB_BIN=$PWD/src/Portal.Web/bin/Release/net10.0; WORKER_BIN=$PWD/src/Portal.Worker/bin/Release/net10.0
TOKEN="ptl_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$work/data/sources"; cp tests/fixtures/chinook/Chinook_Sqlite.sqlite "$work/data/sources/chinook.sqlite"
psql_db() { psql "$DB_URL" -At -F ' ' -c "$1"; }
api() { curl -fsS -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

scenario() { # WORKERS
  local workers=$1 db="bench_w$1" web=$((port + 10)) base
  psql "postgresql://portal@127.0.0.1:$((port + 3))/postgres" -qc "CREATE DATABASE $db" >/dev/null
  local conn="${ADMIN_DB/Database=postgres/Database=$db}"
  DB_URL="postgresql://portal@127.0.0.1:$((port + 3))/$db"
  export Portal__Database__Provider=Postgres ConnectionStrings__Portal="$conn" Portal__DataDirectory="$work/data" ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production
  export Portal__Bootstrap__AdminEmail=admin@bench.test Portal__Bootstrap__AdminPassword=Admin-Passw0rd!-bench Portal__Bootstrap__AdminApiToken=$TOKEN
  export Logging__LogLevel__Default=Warning
  (cd "$WEB_BIN" && Portal__RunWorkers=false Portal__NodeId=web ASPNETCORE_URLS="http://127.0.0.1:$web" exec dotnet Portal.Web.dll) > "$work/web-$workers.log" 2>&1 & PIDS+=($!)
  for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$web/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  for i in $(seq 1 "$workers"); do
    (cd "$WORKER_BIN" && Portal__NodeId=worker-$i Portal__Worker__HealthUrls="http://127.0.0.1:$((web + i))" exec dotnet Portal.Worker.dll) > "$work/worker-$workers-$i.log" 2>&1 & PIDS+=($!)
  done
  for i in $(seq 1 "$workers"); do for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$((web + i))/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done; done
  base="http://127.0.0.1:$web/api/v1"
  local customer source
  customer=$(api -X POST "$base/customers" -d '{"name":"Bench"}' | json 'd["id"]')
  source=$(api -X POST "$base/sources" -d "{\"customerId\":\"$customer\",\"name\":\"chinook\",\"kind\":\"sqlite\",\"connectionString\":\"Data Source=chinook.sqlite\"}" | json 'd["id"]')
  : > "$work/connections"
  for i in $(seq 1 "$RUNS"); do
    api -X POST "$base/connections" -d "{\"customerId\":\"$customer\",\"name\":\"bench $i\",\"kind\":\"Dump\",\"bucket\":\"$BUCKET\",\"region\":\"default\",
      \"prefix\":\"w$workers/c$i/\",\"endpoint\":\"http://127.0.0.1:$port\",\"checksumMode\":\"WhenRequired\",\"sourceId\":\"$source\",
      \"auth\":{\"method\":\"AccessKey\",\"accessKeyId\":\"$AK\",\"secretAccessKey\":\"$SK\"},
      \"streams\":[{\"name\":\"artists\",\"table\":\"Artist\"},{\"name\":\"albums\",\"table\":\"Album\"}]}" | json 'd["id"]' >> "$work/connections"
  done
  # An idle worker's pickup: ten runs, each queued once the one before ended.
  local first; first=$(head -n 1 "$work/connections")
  for _ in $(seq 1 10); do
    local r; r=$(api -X POST "$base/connections/$first/runs" | json 'd["id"]')
    while [ "$(api "$base/runs/$r" | json 'd["status"]')" = Queued ] || [ "$(api "$base/runs/$r" | json 'd["status"]')" = Running ]; do sleep 0.05; done
  done
  local pickup; pickup=$(psql_db "SELECT round(avg(extract(epoch FROM \"StartedAt\" - \"QueuedAt\"))::numeric, 3) FROM \"Runs\"")
  local before; before=$(psql_db "SELECT coalesce(max(\"Id\"), 0) FROM \"Runs\"")
  # The burst: every connection queued at once (8 callers), then wait for the last to end.
  xargs -P 8 -I{} curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" -X POST "$base/connections/{}/runs" < "$work/connections"
  while [ "$(psql_db "SELECT count(*) FROM \"Runs\" WHERE \"Status\" IN ('Queued', 'Running')")" != 0 ]; do sleep 0.5; done
  local slots=$(( workers * $(nproc | awk '{ print ($1 * 2 > 4) ? $1 * 2 : 4 }') ))
  read -r ok wall mean busy <<<"$(psql_db "SELECT count(*) FILTER (WHERE \"Status\" = 'Succeeded'), extract(epoch FROM max(\"FinishedAt\") - min(\"QueuedAt\")),
    extract(epoch FROM avg(\"FinishedAt\" - \"StartedAt\")), extract(epoch FROM sum(\"FinishedAt\" - \"StartedAt\")) FROM \"Runs\" WHERE \"Id\" > $before")"
  local nodes; nodes=$(psql_db "SELECT string_agg(\"Node\" || ': ' || n, ', ') FROM (SELECT \"Node\", count(*) n FROM \"Runs\" WHERE \"Id\" > $before GROUP BY \"Node\" ORDER BY 1) x")
  python3 - "$workers" "$RUNS" "$ok" "$wall" "$mean" "$busy" "$slots" "$pickup" "$nodes" <<'PY' | tee -a "$work/results"
import sys
w, runs, ok, wall, mean, busy, slots, pickup, nodes = sys.argv[1:]
runs, ok, wall, mean, busy, slots = int(runs), int(ok), float(wall), float(mean), float(busy), int(slots)
overhead = (wall * slots - busy) / runs
print(f"{w} worker(s): {ok}/{runs} succeeded in {wall:.1f} s = {runs / wall * 60:.0f} runs/min; mean run {mean:.2f} s; "
      f"idle pickup {float(pickup):.3f} s; slot time not running a run {overhead:.2f} s per run ({slots} slots); by node: {nodes}")
print(f"RATE {w} {runs / wall * 60:.3f}")
PY
  stop_nodes
}

scenario 1
scenario 2
python3 - "$work/results" <<'PY'
import sys
rates = dict(l.split()[1:3] for l in open(sys.argv[1]) if l.startswith("RATE"))
print(f"scale-out ratio runs/min 2 workers / 1 worker: {float(rates['2']) / float(rates['1']):.2f}")
PY
