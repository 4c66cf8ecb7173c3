#!/usr/bin/env bash
# Drill: the SMTP server is down while mail is queued, then comes back. Every message is
# delivered exactly once (Message-IDs counted in the receiving Maildir); none fails.
#   benches/drills/smtp.sh            (SQLite; DRILL_BACKEND=postgres for PostgreSQL)
source "$(dirname "$0")/../lib.sh"
python3 -c 'import aiosmtpd' 2>/dev/null || die "needs aiosmtpd: pip install aiosmtpd"
build_release
drill_world smtp "${DRILL_BACKEND:-sqlite}"
PORT=18091 SMTP_PORT=18025
MAILDIR=$DIR/maildir
start_server "$DIR" "$URL" $PORT KIRJAAMO_SMTP_URL=smtp://127.0.0.1:$SMTP_PORT
trap 'stop_server $SERVER_PID; [ -n "${SMTP_PID:-}" ] && kill $SMTP_PID 2>/dev/null' EXIT
thread=$(long_thread "$URL")
sign_in $PORT osallistuja1@scale.kirjaamo.test "$DIR/jar"
token=$(csrf_from "http://127.0.0.1:$PORT/keskustelut/ketju/$thread" "$DIR/jar")

log "SMTP is down; 30 replies queue mail to the thread's followers"
: >"$DIR/posts"
for i in $(seq 30); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -b "$DIR/jar" -H "Origin: http://127.0.0.1:$PORT" \
    --data-urlencode "csrf_token=$token" --data-urlencode "body=drill smtp-$i" \
    "http://127.0.0.1:$PORT/keskustelut/ketju/$thread")
  echo "smtp-$i $code" >>"$DIR/posts"
done
queued=$(sql "$URL" "SELECT COUNT(*) FROM outbox_messages")
log "queued $queued messages; waiting until the worker has tried each (and failed)"
tried() { [ "$(sql "$URL" "SELECT COUNT(*) FROM outbox_messages WHERE attempts = 0 OR status = 'sent'")" = 0 ]; }
wait_for 60 "the first delivery attempts" tried
log "every message tried once and waiting: $(sql "$URL" "SELECT status, COUNT(*), MAX(last_error) FROM outbox_messages GROUP BY status")"

log "SMTP comes back"
python3 "$ROOT/tests/smtp_server.py" --port $SMTP_PORT --maildir "$MAILDIR" >"$DIR/smtp.log" 2>&1 &
SMTP_PID=$!
all_sent() { [ "$(sql "$URL" "SELECT COUNT(*) FROM outbox_messages WHERE status <> 'sent'")" = 0 ]; }
wait_for 150 "every message to be sent (retries wait 30 s, then 1 min)" all_sent
sleep 2
check_posts "$URL" "$DIR/posts"
check_mail "$URL" "$MAILDIR"
log "PASS: SMTP down and back: nothing lost, nothing doubled"
