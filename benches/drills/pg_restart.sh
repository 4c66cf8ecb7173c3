#!/usr/bin/env bash
# Drill: PostgreSQL restarted under load. Clients post while `pg_ctlcluster 15 main restart`
# runs; the server recovers without a restart of its own (same process, ready again, posts
# acknowledged after the restart), and every acknowledged post is in the database once.
#   benches/drills/pg_restart.sh
source "$(dirname "$0")/../lib.sh"
build_release
drill_world pgrestart postgres
PORT=18094
start_server "$DIR" "$URL" $PORT
trap 'stop_server $SERVER_PID; pg_up' EXIT
pid=$SERVER_PID
thread=$(long_thread "$URL")
sign_in $PORT osallistuja1@scale.kirjaamo.test "$DIR/jar"
token=$(csrf_from "http://127.0.0.1:$PORT/keskustelut/ketju/$thread" "$DIR/jar")
: >"$DIR/posts"
log "four clients post for 25 s; PostgreSQL restarts after 6 s"
clients=()
for c in 1 2 3 4; do post_loop $PORT "$thread" "$DIR/jar" "$token" "c$c" 25 "$DIR/posts" & clients+=($!); done
sleep 6
before=$(awk '$2 == 303' "$DIR/posts" | wc -l)
log "restarting PostgreSQL ($before posts acknowledged so far)"
pg_ctlcluster 15 main restart
log "PostgreSQL is back"
mark=$(wc -l <"$DIR/posts")
wait "${clients[@]}"
after=$(tail -n +"$((mark + 1))" "$DIR/posts" | awk '$2 == 303' | wc -l)
kill -0 "$pid" 2>/dev/null || die "the server died"
[ "$pid" = "$SERVER_PID" ] || die "the server was restarted"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/readyz")
[ "$code" = 200 ] || die "not ready after the restart ($code)"
log "acknowledged after the restart: $after"
[ "$after" -gt 0 ] || die "no post succeeded after PostgreSQL came back"
check_posts "$URL" "$DIR/posts"
log "PASS: PostgreSQL restarted under load: the server recovered by itself; nothing lost, nothing doubled"
