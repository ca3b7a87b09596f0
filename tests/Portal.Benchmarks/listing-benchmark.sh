#!/usr/bin/env bash
# The listing benchmark of issue 8: a prefix of 100,000 objects in a local Ceph bucket, listed by the
# portal's bucket browser and, in the same run against the same server, by
#   aws s3api list-objects-v2 --max-items 1000
# Both are timed as whole processes (start-up included, RUNS times each, median) with their peak
# memory (GNU time); the portal also reports its first page inside the process, and its managed heap
# after the first page and after paging through every key (flat: no page is kept). Last line: the ratio.
# Usage: bash tests/Portal.Benchmarks/listing-benchmark.sh [OBJECTS] [RUNS]   (defaults 100000 5)
# BENCH_S3_ENDPOINT=http://127.0.0.1:PORT uses a running server (and seeds only once).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}; RUNS=${2:-5}
bash tests/infra/install-deps.sh bench
export AWS_ACCESS_KEY_ID=TESTERACCESSKEY0001 AWS_SECRET_ACCESS_KEY=TesterSecretKey000000000000000000000001 AWS_DEFAULT_REGION=us-east-1
export AWS_REQUEST_CHECKSUM_CALCULATION=when_required AWS_RESPONSE_CHECKSUM_VALIDATION=when_required
work=$(mktemp -d /tmp/portal-listing-bench.XXXXXX); chmod 755 "$work"
if [ -n "${BENCH_S3_ENDPOINT:-}" ]; then
  endpoint=$BENCH_S3_ENDPOINT
  trap 'rm -rf "$work"' EXIT
else
  trap 'bash tests/infra/ceph-down.sh "$work/ceph" >/dev/null 2>&1; rm -rf "$work"' EXIT
  port=$(( 20000 + RANDOM % 20000 ))
  RGW_PORT=$port MON_V2=$((port + 1)) MON_V1=$((port + 2)) bash tests/infra/ceph-up.sh "$work/ceph" | tail -n 1
  endpoint="http://127.0.0.1:$port"
fi
aws --endpoint-url "$endpoint" s3api head-bucket --bucket listing >/dev/null 2>&1 || aws --endpoint-url "$endpoint" s3 mb s3://listing >/dev/null
prefix="many/"

dotnet build tests/Portal.Benchmarks -c Release -nologo -v q >/dev/null
bench=(dotnet tests/Portal.Benchmarks/bin/Release/net10.0/Portal.Benchmarks.dll)
common=(--endpoint "$endpoint" --bucket listing --prefix "$prefix" --access-key "$AWS_ACCESS_KEY_ID" --secret-key "$AWS_SECRET_ACCESS_KEY")
"${bench[@]}" seed "${common[@]}" --count "$N"

# median of a column of numbers
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# run CMD... RUNS times; prints "seconds peak-KB" per run (GNU time: %e elapsed, %M max RSS)
timed() { for _ in $(seq "$RUNS"); do /usr/bin/time -f "%e %M" -o "$work/t" "$@" >"$work/out" 2>/dev/null; cat "$work/t"; done; }

# One warm-up of each, so neither pays for a cold page cache of its own files.
aws --endpoint-url "$endpoint" s3api list-objects-v2 --bucket listing --prefix "$prefix" --delimiter / --max-items 1000 >/dev/null
"${bench[@]}" list "${common[@]}" >/dev/null

timed aws --endpoint-url "$endpoint" s3api list-objects-v2 --bucket listing --prefix "$prefix" --delimiter / --max-items 1000 >"$work/aws"
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Contents"]))' "$work/out" 2>/dev/null || echo 1000)" = 1000 ] || echo "aws listed an unexpected number of keys" >&2
timed "${bench[@]}" list "${common[@]}" >"$work/portal"
portal_line=$(cat "$work/out")
aws_s=$(awk '{print $1}' "$work/aws" | median); aws_kb=$(awk '{print $2}' "$work/aws" | median)
portal_s=$(awk '{print $1}' "$work/portal" | median); portal_kb=$(awk '{print $2}' "$work/portal" | median)
printf 'aws s3api list-objects-v2 --max-items 1000: first page in %.2f s (process), peak %.0f MB (median of %d)\n' "$aws_s" "$(echo "$aws_kb / 1024" | bc -l)" "$RUNS"
printf 'portal listing, first page:               %.2f s (process), peak %.0f MB (median of %d)\n' "$portal_s" "$(echo "$portal_kb / 1024" | bc -l)" "$RUNS"
echo "portal, in process: $portal_line"
pages=$(( (N + 999) / 1000 ))
echo "portal, every page of $N keys: $("${bench[@]}" list "${common[@]}" --pages "$pages")"
printf 'listing ratio portal/aws (time to first page, process): %.2f; peak memory portal/aws: %.2f\n' \
  "$(echo "$portal_s / $aws_s" | bc -l)" "$(echo "$portal_kb / $aws_kb" | bc -l)"
