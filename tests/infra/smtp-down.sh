#!/usr/bin/env bash
# Stops the SMTP server smtp-up.sh started in DIR.
set -uo pipefail
D=${1:?usage: smtp-down.sh DIR}
[ -f "$D/smtp.pid" ] && kill "$(cat "$D/smtp.pid")" 2>/dev/null
rm -f "$D/smtp.pid"
exit 0
