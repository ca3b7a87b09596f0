#!/usr/bin/env bash
# The dump benchmark of issue 5: a SQLite table of realistic mixed-type rows dumped into a local Ceph
# bucket by the portal, and, in the same run against the same server, the shell pipeline
#   sqlite3 -json db "select * from t" | gzip -6 | aws s3 cp - s3://bucket/key
# Prints rows/s and MB/s of each, the portal's peak memory at each size, and last the ratio.
# Usage: bash tests/Portal.Benchmarks/dump-benchmark.sh [ROWS] [BIG_ROWS]   (defaults 2000000 10000000)
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

make_db() { # FILE ROWS: ids, names with Unicode, decimals, timestamps, nulls, booleans
  sqlite3 "$1" "CREATE TABLE t (id INTEGER PRIMARY KEY, customer TEXT, email TEXT, amount NUMERIC(12,2), quantity INTEGER,
    ratio REAL, created_at DATETIME, active BOOLEAN, note TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
    INSERT INTO t SELECT i, 'Client ' || i || ' Müller-Øst', 'user' || i || '@example.com', round((i % 100000) * 1.37, 2),
      i % 97, (i % 1000) / 7.0, datetime(1600000000 + i * 13, 'unixepoch'), i % 2,
      CASE WHEN i % 5 = 0 THEN NULL ELSE hex(randomblob(12)) END FROM n;"
}

dotnet build tests/Portal.Benchmarks -c Release -nologo -v q >/dev/null
bench() { dotnet tests/Portal.Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll dump --db "$1" --table t --endpoint "$endpoint" \
  --bucket bench --access-key "$AWS_ACCESS_KEY_ID" --secret-key "$AWS_SECRET_ACCESS_KEY"; }

make_db "$work/small.db" "$ROWS"
start=$(date +%s.%N)
sqlite3 -json "$work/small.db" "select * from t" | gzip -6 | aws --endpoint-url "$endpoint" s3 cp - s3://bench/pipeline/t.json.gz
end=$(date +%s.%N)
pipe_s=$(echo "$end - $start" | bc -l)
pipe_bytes=$(aws --endpoint-url "$endpoint" s3api head-object --bucket bench --key pipeline/t.json.gz --query ContentLength --output text)
printf 'pipeline: rows %d seconds %.2f rows/s %.0f MB/s %.2f\n' "$ROWS" "$pipe_s" "$(echo "$ROWS / $pipe_s" | bc -l)" "$(echo "$pipe_bytes / 1048576 / $pipe_s" | bc -l)"
portal=$(bench "$work/small.db"); echo "$portal"
portal_s=$(echo "$portal" | awk '{print $5}')
if [ "$BIG" -gt 0 ]; then
  make_db "$work/big.db" "$BIG"
  echo "at $BIG rows: $(bench "$work/big.db")"
fi
printf 'export ratio portal/pipeline: %.2f\n' "$(echo "$pipe_s / $portal_s" | bc -l)"
