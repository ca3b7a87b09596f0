#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need: a real S3 server (Ceph RADOS Gateway),
# PostgreSQL for cluster tests, Chromium for UI tests; sqlite3, awscli (unless an aws CLI is on PATH), time, bc and pigz for benchmarks.
# Idempotent: a package already present is not installed again.
# Usage: install-deps.sh [all|demo|bench]   (demo: only the S3 server; bench: the S3 server and the benchmarks' peers)
set -euo pipefail
want=(ceph-mon ceph-osd radosgw curl uuid-runtime)
case "${1:-all}" in
  demo) ;;
  bench) want+=(sqlite3 time bc pigz); command -v aws >/dev/null || want+=(awscli) ;;
  *) want+=(chromium postgresql sqlite3 python3-aiosmtpd prometheus) ;;
esac
missing=()
for p in "${want[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "Installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
