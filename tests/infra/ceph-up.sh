#!/usr/bin/env bash
# Throwaway single-node Ceph (1 mon, 1 memstore OSD, 1 radosgw) on loopback, no systemd, no mgr.
# A real S3 server for the tests and the demo: it checks SigV4 signatures, serves STS AssumeRole and
# enforces role permission policies. Install first with tests/infra/install-deps.sh (Debian 12: Ceph 16.2.15).
# Usage: ceph-up.sh [DIR] ; stop with: ceph-down.sh [DIR]. Ports: RGW_PORT, MON_V2, MON_V1 (two can run at once).
# Quirks (measured): the SDK's default CRC32 trailer checksums are rejected (use checksum mode WhenRequired);
# GetBucketLocation answers "default"; CompleteMultipartUpload returns an empty ETag; role ARNs have no
# account id; Ceph 16 cannot evaluate sts:ExternalId, so a role with that condition can never be assumed.
set -euo pipefail
D=${1:-/tmp/portal-ceph}
RGW_PORT=${RGW_PORT:-7480}
MON_V2=${MON_V2:-3300}; MON_V1=${MON_V1:-6789}
OBJSTORE=${OBJSTORE:-memstore}          # memstore | bluestore
S3_AK=${S3_AK:-TESTERACCESSKEY0001}; S3_SK=${S3_SK:-TesterSecretKey000000000000000000000001}
STS_KEY=${STS_KEY:-abcdefghijklmnop}    # 16 chars, AES-128 key used to encrypt session tokens
t0=$(date +%s%N)
ts() { local ms=$(( ($(date +%s%N) - t0) / 1000000 )); printf '[%3d.%03ds] %s\n' $((ms/1000)) $((ms%1000)) "$*"; }
# wait_for SECONDS CMD... : poll CMD every 0.3 s, fail the script after SECONDS
wait_for() { local end=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do [ "$(date +%s)" -lt "$end" ] || { echo "timeout waiting for: $*" >&2; exit 1; }; sleep 0.3; done; }

[ -e "$D/run" ] && { echo "$D exists; run ceph-down.sh first" >&2; exit 1; }
mkdir -p "$D"/{run,log,mon.a,osd.0,rgw}
FSID=$(uuidgen)
cat > "$D/ceph.conf" <<EOF
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]
public addr = 127.0.0.1
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
run dir = $D/run
admin socket = $D/run/\$name.asok
pid file = $D/run/\$name.pid
log file = $D/log/\$name.log
keyring = $D/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
ms async op threads = 1
[mon]
mon data = $D/mon.\$id
mon initial members = a
[osd]
osd data = $D/osd.\$id
osd objectstore = $OBJSTORE
memstore device bytes = 4294967296
bluestore block path = $D/osd.\$id/block.file
bluestore block create = true
bluestore block size = 10737418240
bluestore fsck on mount = false
osd memory target = 939524096
bluestore cache autotune = false
bluestore cache size = 134217728
osd op num shards = 1
osd op num threads per shard = 2
[client]
ms mon client mode = crc secure
[client.rgw.s3]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $D/rgw
rgw thread pool size = 32
rgw s3 auth use sts = true
rgw sts key = $STS_KEY
rgw enable apis = s3, s3website, admin, sts, iam
EOF
export CEPH_CONF="$D/ceph.conf"
C="-c $D/ceph.conf"

ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --fsid "$FSID" --addv a "[v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]" "$D/monmap" >/dev/null
ceph-mon $C --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring"
ceph-mon $C -i a
ts "mon started"
wait_for 60 ceph $C --connect-timeout 2 mon stat
ts "mon quorum"

OSD_UUID=$(uuidgen)
OSD_ID=$(ceph $C osd new "$OSD_UUID")
ceph-osd $C -i "$OSD_ID" --mkfs --osd-uuid "$OSD_UUID" >/dev/null 2>&1
ceph-osd $C -i "$OSD_ID"
osd_up() { ceph $C osd stat -f json | grep -q '"num_up_osds":1'; }
wait_for 120 osd_up
ts "osd.$OSD_ID up ($OBJSTORE)"

radosgw $C -n client.rgw.s3 --rgw-zone=default
wait_for 120 curl -s -o /dev/null "http://127.0.0.1:$RGW_PORT/"
ts "radosgw listening on 127.0.0.1:$RGW_PORT"

radosgw-admin $C user create --uid=tester --display-name="Tester" \
  --access-key="$S3_AK" --secret-key="$S3_SK" >/dev/null
ts "user tester created ($S3_AK)"

# --- STS test fixtures -------------------------------------------------------
# bucket owned by tester, created with curl's built-in SigV4 signer (curl >= 7.75)
curl -fsS --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_AK:$S3_SK" \
  -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" -X PUT "http://127.0.0.1:$RGW_PORT/sts-test" >/dev/null
TRUST_PLAIN='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/tester"]},"Action":["sts:AssumeRole"]}]}'
# NOTE: Ceph 16 never puts sts:ExternalId into the policy environment, so this role can NEVER be assumed
# (AccessDenied for right, wrong and missing ExternalId alike). Useful only to exercise the "denied" path.
TRUST_EXTID='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam:::user/tester"]},"Action":["sts:AssumeRole"],"Condition":{"StringEquals":{"sts:ExternalId":"ext-123"}}}]}'
PERMS='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject","s3:ListBucket","s3:GetBucketLocation","s3:AbortMultipartUpload","s3:ListMultipartUploadParts","s3:ListBucketMultipartUploads"],"Resource":["arn:aws:s3:::sts-test","arn:aws:s3:::sts-test/*","arn:aws:s3:::role-*","arn:aws:s3:::role-*/*"]}]}'
for r in ExportWriter:"$TRUST_PLAIN" ExportWriterExtId:"$TRUST_EXTID"; do
  name=${r%%:*}; trust=${r#*:}
  radosgw-admin $C role create --role-name="$name" --path=/ --assume-role-policy-doc="$trust" >/dev/null
  radosgw-admin $C role-policy put --role-name="$name" --policy-name=WriteNoDelete --policy-doc="$PERMS" >/dev/null
done
ts "bucket sts-test + roles arn:aws:iam:::role/ExportWriter, arn:aws:iam:::role/ExportWriterExtId created (they may put/get/list in sts-test and role-* buckets, not delete)"
echo "S3+STS endpoint: http://127.0.0.1:$RGW_PORT  AK=$S3_AK SK=$S3_SK  conf=$D/ceph.conf"
