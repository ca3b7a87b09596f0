#!/usr/bin/env bash
# Installs what the tests need (Debian packages) and runs every test project against real parts:
# a Ceph S3/STS server and a PostgreSQL server started here on loopback, SQLite files, and Chromium.
# Ends with a line "tests: N passed, N failed". Exit code 0 only when every project passed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

command -v dotnet >/dev/null || { echo "The .NET 10 SDK is required (dotnet not on PATH)." >&2; exit 1; }
bash tests/infra/install-deps.sh

work=$(mktemp -d /tmp/portal-tests.XXXXXX)
chmod 755 "$work"   # the postgres user must reach its data folder inside
cleanup() {
  bash tests/infra/ceph-down.sh "$work/ceph" >/dev/null 2>&1 || true
  bash tests/infra/postgres-down.sh "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# A random loopback port nothing answers on (bash only: a fresh machine may have no python).
free_port() {
  local p
  while :; do
    p=$(( 20000 + RANDOM % 40000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}

# One S3 server and one PostgreSQL server for all test projects (the fixtures start their own otherwise).
rgw=$(free_port)
RGW_PORT=$rgw MON_V2=$(free_port) MON_V1=$(free_port) bash tests/infra/ceph-up.sh "$work/ceph" | tail -n 1
export PORTAL_TEST_S3_ENDPOINT="http://127.0.0.1:$rgw"
PORTAL_TEST_POSTGRES=$(bash tests/infra/postgres-up.sh "$work/pg" "$(free_port)" | tail -n 1)
export PORTAL_TEST_POSTGRES

dotnet build Portal.sln -nologo -v minimal -warnaserror

passed=0; failed=0; status=0
for project in Portal.Core.Tests Portal.Web.Tests Portal.IntegrationTests Portal.E2ETests; do
  echo "== $project"
  log="$work/$project.log"
  set +e
  dotnet test "tests/$project" --no-build -nologo 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  set -e
  [ "$code" -eq 0 ] || status=1
  p=$(grep -oE 'Passed: +[0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
  f=$(grep -oE 'Failed: +[0-9]+' "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0)
  [ "$code" -eq 0 ] || [ "$f" -gt 0 ] || f=1   # a project that crashed counts as failed
  passed=$((passed + p)); failed=$((failed + f))
done
echo "tests: $passed passed, $failed failed"
exit $status
