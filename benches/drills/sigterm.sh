#!/usr/bin/env bash
# Drill: SIGTERM while a request is in flight (a reply uploaded slowly over 8 s). From the
# moment SIGTERM arrives /readyz answers 503 (the load balancer stops sending traffic) until
# the server stops listening; the request in flight finishes (303, the post stored once); the
# process exits cleanly.
#   benches/drills/sigterm.sh         (SQLite; DRILL_BACKEND=postgres for PostgreSQL)
source "$(dirname "$0")/../lib.sh"
build_release
drill_world sigterm "${DRILL_BACKEND:-sqlite}"
PORT=18095
start_server "$DIR" "$URL" $PORT KIRJAAMO_DRAIN_SECS=3
pid=$SERVER_PID
trap 'kill -9 $pid 2>/dev/null || true' EXIT
thread=$(long_thread "$URL")
sign_in $PORT osallistuja1@scale.kirjaamo.test "$DIR/jar"
token=$(csrf_from "http://127.0.0.1:$PORT/keskustelut/ketju/$thread" "$DIR/jar")
marker="sigterm-$(date +%s)"
python3 "$(dirname "$0")/slow_post.py" $PORT "$thread" "$(cookie_header "$DIR/jar")" "$token" "$marker" 8 >"$DIR/slow.out" &
slow=$!
sleep 2
log "SIGTERM to $pid with a slow upload in flight"
kill -TERM "$pid"
t0=$(date +%s.%N)
: >"$DIR/ready"
while code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$PORT/readyz"); [ "$code" != 000 ]; do
  echo "$(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e - s}') $code" >>"$DIR/ready"
  sleep 0.1
done
log "readiness after SIGTERM: $(awk '{print $2}' "$DIR/ready" | sort | uniq -c | tr '\n' ' ')for $(tail -1 "$DIR/ready" | cut -d' ' -f1) s, then the listener closed"
not503=$(awk '$1 > 0.2 && $2 != 503' "$DIR/ready" | wc -l)
[ "$not503" = 0 ] || die "readiness answered other than 503 after SIGTERM: $(awk '$2 != 503' "$DIR/ready" | head -3 | tr '\n' ' ')"
[ "$(wc -l <"$DIR/ready")" -ge 5 ] || die "the server stopped listening without draining"
wait "$slow"
status=$(cat "$DIR/slow.out")
log "the slow request answered $status"
[ "$status" = 303 ] || die "the request in flight did not finish ($status)"
code=0; wait "$pid" || code=$?
[ "$code" = 0 ] || die "the server exited with $code"
stored=$(sql "$URL" "SELECT COUNT(*) FROM discussion_posts WHERE body_markdown LIKE 'drill $marker %'")
[ "$stored" = 1 ] || die "the post is stored $stored times"
log "PASS: SIGTERM: readiness failed first, the request in flight finished and was stored once, clean exit"
