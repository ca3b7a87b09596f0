#!/usr/bin/env bash
# The dump benchmark: a SQLite table of realistic mixed-type rows dumped into a local Ceph bucket by the
# portal, and, in the same run against the same server, the shell pipelines
#   sqlite3 -json db "select * from t" | gzip -6 | aws s3 cp - s3://bucket/key   (and with pigz -6)
# Prints rows/s, MB/s and stored MB of each, the portal's peak memory at each size and where its CPU time goes, and last
# the ratios. The portal dumps twice in one process: the first ("cold") is a new process's first dump, while .NET still
# compiles the code; the second is what a running worker does, and the one the ratios compare (both are printed).
# Then TABLES tables of TABLE_ROWS rows each (defaults 60 and 40000), the data-platform shape, against the gzip -6
# pipeline run table by table.
# Usage: [LEVEL=fastest|optimal|smallest] [TABLES=60] [TABLE_ROWS=40000] bash tests/Portal.Benchmarks/dump-benchmark.sh [ROWS] [BIG_ROWS]
#        (defaults 2000000 10000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROWS=${1:-2000000}; BIG=${2:-10000000}
bash tests/infra/install-deps.sh bench
work=$(mktemp -d /tmp/portal-bench.XXXXXX); chmod 755 "$work"
trap 'bash tests/infra/ceph-down.sh "$work/ceph" >/dev/null 2>&1; rm -rf "$work"' EXIT
port=$(( 20000 + RANDOM % 20000 ))
RGW_PORT=$port MON_V2=$((port + 1)) MON_V1=$((port + 2)) bash tests/infra/ceph-up.sh "$work/ceph" | tail -n 1
export AWS_ACCESS_KEY_ID=TESTERACCESSKEY0001 AWS_SECRET_ACCESS_KEY=TesterSecretKey000000000000000000000001 AWS_DEFAULT_REGION=us-east-1
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
endpoint="http://127.0.0.1:$port"
aws --endpoint-url "$endpoint" s3 mb s3://bench >/dev/null

make_db() { # FILE ROWS [TABLE]: ids, names with Unicode, decimals, timestamps, nulls, booleans
  local t=${3:-t}
  sqlite3 "$1" "CREATE TABLE $t (id INTEGER PRIMARY KEY, customer TEXT, email TEXT, amount NUMERIC(12,2), quantity INTEGER,
    ratio REAL, created_at DATETIME, active BOOLEAN, note TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
    INSERT INTO $t SELECT i, 'Client ' || i || ' Müller-Øst', 'user' || i || '@example.com', round((i % 100000) * 1.37, 2),
      i % 97, (i % 1000) / 7.0, datetime(1600000000 + i * 13, 'unixepoch'), i % 2,
      CASE WHEN i % 5 = 0 THEN NULL ELSE hex(randomblob(12)) END FROM n;"
}

dotnet build tests/Portal.Benchmarks -c Release -nologo -v q >/dev/null
bench() { local db=$1; shift; dotnet tests/Portal.Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll dump --db "$db" --table t --endpoint "$endpoint" \
  --bucket bench --access-key "$AWS_ACCESS_KEY_ID" --secret-key "$AWS_SECRET_ACCESS_KEY" "$@"; }

pipeline() { # NAME COMPRESSOR: seconds and stored bytes of sqlite3 -json | COMPRESSOR | aws s3 cp -
  local start end
  start=$(date +%s.%N)
  sqlite3 -json "$work/small.db" "select * from t" | $2 | aws --endpoint-url "$endpoint" s3 cp - "s3://bench/$1/t.json.gz"
  end=$(date +%s.%N)
  local s bytes; s=$(echo "$end - $start" | bc -l)
  bytes=$(aws --endpoint-url "$endpoint" s3api head-object --bucket bench --key "$1/t.json.gz" --query ContentLength --output text)
  printf '%s: rows %d seconds %.2f rows/s %.0f MB/s %.2f stored-MB %.1f\n' "$1" "$ROWS" "$s" "$(echo "$ROWS / $s" | bc -l)" \
    "$(echo "$bytes / 1048576 / $s" | bc -l)" "$(echo "$bytes / 1048576" | bc -l)" >&2
  echo "$s $bytes"
}

make_db "$work/small.db" "$ROWS"
read -r gzip_s gzip_bytes < <(pipeline gzip6 "gzip -6")
read -r pigz_s pigz_bytes < <(pipeline pigz6 "pigz -6")
portal=$(bench "$work/small.db" --level "${LEVEL:-optimal}" --runs 2 --phases 1); echo "$portal"
portal_s=$(echo "$portal" | grep '^portal:' | awk '{print $5}')
portal_mb=$(echo "$portal" | grep '^portal:' | sed -E 's/.*stored-MB ([0-9.]+).*/\1/')
cold_s=$(echo "$portal" | grep '^cold portal:' | awk '{print $6}')
# The data-platform shape: TABLES tables of TABLE_ROWS rows, against the same pipeline run table by table.
TABLES=${TABLES:-60}; TABLE_ROWS=${TABLE_ROWS:-40000}
if [ "$TABLES" -gt 0 ]; then
  for i in $(seq -w 1 "$TABLES"); do make_db "$work/many.db" "$TABLE_ROWS" "t$i"; done
  start=$(date +%s.%N)
  for i in $(seq -w 1 "$TABLES"); do
    sqlite3 -json "$work/many.db" "select * from t$i" | gzip -6 | aws --endpoint-url "$endpoint" s3 cp - "s3://bench/many/t$i.json.gz"
  done
  end=$(date +%s.%N)
  many_pipe_s=$(echo "$end - $start" | bc -l)
  printf 'many tables, gzip -6 pipeline per table: tables %d rows %d seconds %.2f\n' "$TABLES" "$((10#$TABLES * TABLE_ROWS))" "$many_pipe_s"
  many=$(bench "$work/many.db" --table all --level "${LEVEL:-optimal}" --runs 2); echo "$many" | sed 's/^/many tables, /'
  many_s=$(echo "$many" | grep '^portal:' | awk '{print $5}')
fi
if [ "$BIG" -gt 0 ]; then
  make_db "$work/big.db" "$BIG"
  echo "at $BIG rows: $(bench "$work/big.db" --level "${LEVEL:-optimal}")"
fi
printf 'time ratio portal/(sqlite3 | gzip -6 | aws s3 cp): %.2f (above 1: the portal is faster)\n' "$(echo "$gzip_s / $portal_s" | bc -l)"
printf 'time ratio portal/(sqlite3 | pigz -6 | aws s3 cp): %.2f\n' "$(echo "$pigz_s / $portal_s" | bc -l)"
printf 'time ratio of a new process'"'"'s first dump (cold) against gzip -6: %.2f\n' "$(echo "$gzip_s / $cold_s" | bc -l)"
printf 'stored bytes portal/gzip -6: %.3f\n' "$(echo "$portal_mb * 1048576 / $gzip_bytes" | bc -l)"
[ "$TABLES" -gt 0 ] && printf 'many tables, time ratio portal/(pipeline per table): %.2f\n' "$(echo "$many_pipe_s / $many_s" | bc -l)"
true
