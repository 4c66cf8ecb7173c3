#!/usr/bin/env bash
# Drill: two servers on one PostgreSQL, both taking posts and both draining the outbox. Every
# acknowledged post is stored once; every message is delivered once across both servers'
# mail folders (.eml files), none twice.
#   benches/drills/two_servers.sh
source "$(dirname "$0")/../lib.sh"
build_release
drill_world two postgres
A=18092 B=18093
start_server "$DIR/a" "$URL" $A; PID_A=$SERVER_PID
start_server "$DIR/b" "$URL" $B; PID_B=$SERVER_PID
trap 'stop_server $PID_A; stop_server $PID_B' EXIT
thread=$(long_thread "$URL")
sign_in $A osallistuja1@scale.kirjaamo.test "$DIR/jar-a"
sign_in $B osallistuja2@scale.kirjaamo.test "$DIR/jar-b"
token_a=$(csrf_from "http://127.0.0.1:$A/keskustelut/ketju/$thread" "$DIR/jar-a")
token_b=$(csrf_from "http://127.0.0.1:$B/keskustelut/ketju/$thread" "$DIR/jar-b")
log "posting to both servers for 15 s (two clients each)"
: >"$DIR/posts"
clients=()
post_loop $A "$thread" "$DIR/jar-a" "$token_a" a1 15 "$DIR/posts" & clients+=($!)
post_loop $A "$thread" "$DIR/jar-a" "$token_a" a2 15 "$DIR/posts" & clients+=($!)
post_loop $B "$thread" "$DIR/jar-b" "$token_b" b1 15 "$DIR/posts" & clients+=($!)
post_loop $B "$thread" "$DIR/jar-b" "$token_b" b2 15 "$DIR/posts" & clients+=($!)
wait "${clients[@]}"
all_sent() { [ "$(sql "$URL" "SELECT COUNT(*) FROM outbox_messages WHERE status <> 'sent'")" = 0 ]; }
wait_for 90 "both workers to drain the outbox" all_sent
sleep 1
check_posts "$URL" "$DIR/posts"
check_mail "$URL" "$DIR/a/mail" "$DIR/b/mail"
log "mail written by server a: $(ls "$DIR/a/mail" | wc -l), by server b: $(ls "$DIR/b/mail" | wc -l)"
log "PASS: two servers on one PostgreSQL: nothing lost, nothing doubled"
