#!/usr/bin/env bash
# A real SMTP server on 127.0.0.1 for the notification tests (Debian's python3-aiosmtpd) that files every
# message it receives into a maildir. Usage: smtp-up.sh DIR PORT ; stop with smtp-down.sh DIR.
# Messages land in DIR/mail/new/, one file each. Prints the port last once the server answers.
set -euo pipefail
D=${1:?usage: smtp-up.sh DIR PORT}; PORT=${2:?usage: smtp-up.sh DIR PORT}
# Debian's interpreter: the package installs into its dist-packages, not into another python3 on PATH.
PY=/usr/bin/python3
mkdir -p "$D/mail/tmp" "$D/mail/new" "$D/mail/cur"
setsid "$PY" -m aiosmtpd -n -l "127.0.0.1:$PORT" -c aiosmtpd.handlers.Mailbox "$D/mail" >"$D/smtp.log" 2>&1 < /dev/null &
echo $! > "$D/smtp.pid"
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then echo "$PORT"; exit 0; fi
  kill -0 "$(cat "$D/smtp.pid")" 2>/dev/null || { cat "$D/smtp.log" >&2; exit 1; }
  sleep 0.1
done
echo "SMTP server did not answer on $PORT" >&2; cat "$D/smtp.log" >&2; exit 1
