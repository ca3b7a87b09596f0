#!/usr/bin/env bash
# Shows a scale-out on this machine, with real processes: PostgreSQL, a Ceph S3 server, one web node that runs
# no workers, and two Portal.Worker processes sharing the schedule through Quartz's clustered store. It queues
# ten dumps from the web node, shows which worker ran each, then kills one worker with SIGKILL in the middle of
# a dump and shows the other one take it over. Ctrl+C stops everything.
# Usage: bash deploy/scale-out-demo.sh   (ports: WEB_PORT=5090, workers 5091 and 5092, PG_PORT=5491, RGW_PORT=7490)
set -euo pipefail
cd "$(dirname "$0")/.."
WEB_PORT=${WEB_PORT:-5090}; PG_PORT=${PG_PORT:-5491}; RGW_PORT=${RGW_PORT:-7490}
D=${DEMO_DIR:-/tmp/portal-scale-out-demo}
AK=TESTERACCESSKEY0001; SK=TesterSecretKey000000000000000000000001; BUCKET=scale-out-demo
TOKEN="ptl_$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PIDS=()

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not on PATH)." >&2; exit 1; }
bash tests/infra/install-deps.sh
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  bash tests/infra/postgres-down.sh "$D/pg" >/dev/null 2>&1 || true
  bash tests/infra/ceph-down.sh "$D/ceph" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap "exit 130" INT TERM
rm -rf "$D"; mkdir -p "$D/data/sources"; chmod 755 "$D"

echo "== building (Release)"
dotnet build Portal.sln -c Release -nologo -v q >/dev/null
echo "== PostgreSQL on 127.0.0.1:$PG_PORT, Ceph S3 on 127.0.0.1:$RGW_PORT"
DB=$(bash tests/infra/postgres-up.sh "$D/pg" "$PG_PORT" | tail -n 1)
RGW_PORT=$RGW_PORT MON_V2=$((RGW_PORT + 1)) MON_V1=$((RGW_PORT + 2)) bash tests/infra/ceph-up.sh "$D/ceph" | tail -n 1
curl -fsS --aws-sigv4 "aws:amz:us-east-1:s3" --user "$AK:$SK" -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
  -X PUT "http://127.0.0.1:$RGW_PORT/$BUCKET" >/dev/null
cp tests/fixtures/chinook/Chinook_Sqlite.sqlite "$D/data/sources/chinook.sqlite"
# A table big enough (2 M rows) that its dump is still in flight when a worker is killed.
sqlite3 "$D/data/sources/big.sqlite" "CREATE TABLE big AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000)
  SELECT i AS id, 'row ' || i AS name, i * 1.5 AS amount, datetime(1700000000 + i, 'unixepoch') AS at FROM n;"

export Portal__Database__Provider=Postgres ConnectionStrings__Portal="$DB" Portal__DataDirectory="$D/data"
export Portal__Bootstrap__AdminEmail=admin@scale-out.demo Portal__Bootstrap__AdminPassword=Admin-Passw0rd!-demo Portal__Bootstrap__AdminApiToken=$TOKEN
export Portal__PublicUrl="http://127.0.0.1:$WEB_PORT" Portal__Workers__ClusterCheckinInterval=00:00:05 Portal__Workers__ClusterCheckinMisfireThreshold=00:00:05
export ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production

echo "== web node on http://127.0.0.1:$WEB_PORT (no workers)"
# Each node runs in its publish folder, as systemd's WorkingDirectory= does: that is where its appsettings.json is.
WEB_BIN=$PWD/src/Portal.Web/bin/Release/net10.0; WORKER_BIN=$PWD/src/Portal.Worker/bin/Release/net10.0
(cd "$WEB_BIN" && Portal__RunWorkers=false Portal__NodeId=web-1 ASPNETCORE_URLS="http://127.0.0.1:$WEB_PORT" exec dotnet Portal.Web.dll) > "$D/web.log" 2>&1 & PIDS+=($!)
for i in 1 2; do
  echo "== worker-$i (health and metrics on http://127.0.0.1:$((WEB_PORT + i)))"
  (cd "$WORKER_BIN" && Portal__NodeId=worker-$i Portal__Worker__HealthUrls="http://127.0.0.1:$((WEB_PORT + i))" Portal__Workers__MaxConcurrency=2 \
    exec dotnet Portal.Worker.dll) > "$D/worker-$i.log" 2>&1 & PIDS+=($!)
done
WORKER_PIDS=("${PIDS[1]}" "${PIDS[2]}")
for port in "$WEB_PORT" $((WEB_PORT + 1)) $((WEB_PORT + 2)); do
  for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 1; done
  echo "   $port: $(curl -sS "http://127.0.0.1:$port/health/ready")"
done

api() { curl -fsS -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" "$@"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
BASE="http://127.0.0.1:$WEB_PORT/api/v1"
CUSTOMER=$(api -X POST "$BASE/customers" -d '{"name":"Scale-out demo"}' | json 'd["id"]')
SOURCE=$(api -X POST "$BASE/sources" -d "{\"customerId\":\"$CUSTOMER\",\"name\":\"chinook\",\"kind\":\"sqlite\",\"connectionString\":\"Data Source=chinook.sqlite\"}" | json 'd["id"]')
CONNECTIONS=()
for i in $(seq -w 1 10); do
  CONNECTIONS+=("$(api -X POST "$BASE/connections" -d "{\"customerId\":\"$CUSTOMER\",\"name\":\"dumps $i\",\"kind\":\"Dump\",\"bucket\":\"$BUCKET\",\"region\":\"default\",
    \"prefix\":\"c$i/\",\"endpoint\":\"http://127.0.0.1:$RGW_PORT\",\"checksumMode\":\"WhenRequired\",\"sourceId\":\"$SOURCE\",
    \"auth\":{\"method\":\"AccessKey\",\"accessKeyId\":\"$AK\",\"secretAccessKey\":\"$SK\"},
    \"streams\":[{\"name\":\"tracks\",\"table\":\"Track\"},{\"name\":\"invoices\",\"table\":\"Invoice\"}]}" | json 'd["id"]')")
done
echo "== ten dumps queued on the web node"
RUNS=()
for c in "${CONNECTIONS[@]}"; do RUNS+=("$(api -X POST "$BASE/connections/$c/runs" | json 'd["id"]')"); done
for r in "${RUNS[@]}"; do
  for _ in $(seq 1 120); do
    status=$(api "$BASE/runs/$r" | json 'd["status"]'); [ "$status" = Queued ] || [ "$status" = Running ] || break; sleep 1
  done
  echo "   run $r: $(api "$BASE/runs/$r" | json 'd["status"] + " on " + str(d["node"]) + ", " + str(d["rows"]) + " rows"')"
done

echo "== a dump of 2 M rows in flight, then SIGKILL of the worker running it"
BIG_SOURCE=$(api -X POST "$BASE/sources" -d "{\"customerId\":\"$CUSTOMER\",\"name\":\"big\",\"kind\":\"sqlite\",\"connectionString\":\"Data Source=big.sqlite\"}" | json 'd["id"]')
BIG=$(api -X POST "$BASE/connections" -d "{\"customerId\":\"$CUSTOMER\",\"name\":\"big dumps\",\"kind\":\"Dump\",\"bucket\":\"$BUCKET\",\"region\":\"default\",
  \"prefix\":\"big/\",\"endpoint\":\"http://127.0.0.1:$RGW_PORT\",\"checksumMode\":\"WhenRequired\",\"sourceId\":\"$BIG_SOURCE\",
  \"auth\":{\"method\":\"AccessKey\",\"accessKeyId\":\"$AK\",\"secretAccessKey\":\"$SK\"},\"streams\":[{\"name\":\"big\",\"table\":\"big\"}]}" | json 'd["id"]')
CONNECTIONS[0]=$BIG
RUN=$(api -X POST "$BASE/connections/$BIG/runs" | json 'd["id"]')
for _ in $(seq 1 300); do [ "$(api "$BASE/runs/$RUN" | json 'str(d["status"] == "Running" and d["rows"] > 0)')" = True ] && break; sleep 0.2; done
NODE=$(api "$BASE/runs/$RUN" | json 'd["node"]')
if [ "$NODE" = worker-1 ]; then kill -9 "${WORKER_PIDS[0]}"; else kill -9 "${WORKER_PIDS[1]}"; fi
echo "   killed $NODE at $(date +%T); waiting for the other worker to take run $RUN over"
for _ in $(seq 1 90); do
  NEXT=$(api "$BASE/runs?connectionId=${CONNECTIONS[0]}&pageSize=5" | json "next((str(r['id']) + ' ' + r['status'] + ' on ' + str(r['node']) for r in d['items'] if r.get('previousAttempt') == $RUN), '')")
  [ -n "$NEXT" ] && case "$NEXT" in *Succeeded*|*Failed*) break ;; esac; sleep 1
done
echo "   $(date +%T): run $RUN is $(api "$BASE/runs/$RUN" | json 'd["status"]'); its next attempt: $NEXT"
echo
echo "Open http://127.0.0.1:$WEB_PORT (admin@scale-out.demo / Admin-Passw0rd!-demo). Logs in $D. Ctrl+C stops everything."
wait
