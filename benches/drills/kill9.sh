#!/usr/bin/env bash
# Drill: `kill -9` while many trainees complete the course at once. Sixty trainees have every
# lesson but one done; each answers the last one's self-checks at the same moment, and the server is
# killed mid-way; it is restarted and everyone tries again. Then every one of them has exactly
# one completion, one certificate, one network membership and one completion e-mail, and no
# completion anywhere is half made.
#   benches/drills/kill9.sh           (SQLite; DRILL_BACKEND=postgres for PostgreSQL)
source "$(dirname "$0")/../lib.sh"
build_release
drill_world kill9 "${DRILL_BACKEND:-sqlite}"
PORT=18096
N=${DRILL_TRAINEES:-60}
start_server "$DIR" "$URL" $PORT
trap '[ -n "${SERVER_PID:-}" ] && kill -9 $SERVER_PID 2>/dev/null || true' EXIT
read -r course lesson_id slug < <(sql "$URL" "SELECT l.course_id, l.id, l.slug FROM lessons l JOIN courses c ON c.id = l.course_id JOIN course_modules m ON m.id = l.module_id WHERE c.slug = 'kirjaamisvalmennus' AND l.active ORDER BY m.position DESC, l.position DESC LIMIT 1" | tr '|' ' ')
[ -n "$slug" ] || die "no lesson"
# The right answers to the last lesson's self-checks, as the form sends them (c0=1&c1=0&c1=2).
export ANSWERS
ANSWERS=$(sql "$URL" "SELECT checks_json FROM lessons WHERE id = $lesson_id" | python3 -c 'import json, sys; print("&".join(f"c{i}={c}" for i, k in enumerate(json.load(sys.stdin)) for c in k["correct"]) or "none=1")')
sql "$URL" "SELECT u.id, u.email, e.cohort_id FROM enrolments e JOIN users u ON u.id = e.user_id JOIN cohorts c ON c.id = e.cohort_id WHERE c.name IN ('Skaalaryhmä 1', 'Skaalaryhmä 2', 'Skaalaryhmä 3') AND e.status = 'active' ORDER BY u.id LIMIT $N" | tr '|' ' ' >"$DIR/trainees"
[ "$(wc -l <"$DIR/trainees")" = "$N" ] || die "not $N studying trainees"
ids=$(awk '{print $1}' "$DIR/trainees" | paste -sd,)
sql "$URL" "DELETE FROM lesson_progress WHERE user_id IN ($ids)" >/dev/null
sql "$URL" "INSERT INTO lesson_progress (user_id, lesson_id, done_at, answers_json, updated_at) SELECT u.id, l.id, CURRENT_TIMESTAMP, '{}', CURRENT_TIMESTAMP FROM users u, lessons l WHERE u.id IN ($ids) AND l.course_id = $course AND l.active AND l.id <> $lesson_id" >/dev/null
log "$N trainees one lesson ($slug) short of completing; signing them in"
i=0
: >"$DIR/requests"
while read -r uid email cohort; do
  # Sign-ins are limited per address: spread them over loopback addresses.
  jar=$DIR/jar.$uid
  rm -f "$jar"
  src=127.0.0.$((2 + i / 25)); i=$((i + 1))
  base=http://127.0.0.1:$PORT
  t=$(curl -fs --interface "$src" -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
  code=$(curl -s --interface "$src" -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -H "Origin: $base" \
    --data-urlencode "email=$email" --data-urlencode "password=$PASSWORD" --data-urlencode "csrf_token=$t" "$base/login")
  [ "$code" = 303 ] || die "signing in $email answered $code"
  t=$(csrf_from "$base/ryhmat/$cohort/$slug" "$jar")
  [ -n "$t" ] || die "no form on the lesson page for $email"
  echo "$jar $t $base/ryhmat/$cohort/$slug/tarkistus" >>"$DIR/requests"
done <"$DIR/trainees"

fire() {
  xargs -P 12 -L 1 sh -c 'curl -s -o /dev/null -m 20 -w "%{http_code}\n" -b "$0" -H "Origin: http://127.0.0.1:'$PORT'" --data "csrf_token=$1&$ANSWERS" "$2" || true' <"$DIR/requests"
}
log "all answer the last lesson's self-checks at once; kill -9 after ${DRILL_KILL_AFTER:-0.15} s"
fire >"$DIR/first" & firing=$!
sleep "${DRILL_KILL_AFTER:-0.15}"
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
wait "$firing"
done_before=$(sql "$URL" "SELECT COUNT(*) FROM completions WHERE user_id IN ($ids)")
log "killed: $(grep -c '^303' "$DIR/first" || true) answered before the kill; $done_before of $N completions stored"
[ "$done_before" -lt "$N" ] || log "warning: every completion finished before the kill (DRILL_KILL_AFTER shorter to catch more mid-way)"
half=$(sql "$URL" "SELECT COUNT(*) FROM completions c WHERE NOT EXISTS (SELECT 1 FROM certificates x WHERE x.completion_id = c.id) OR NOT EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = c.user_id) AND NOT EXISTS (SELECT 1 FROM placements p WHERE p.user_id = c.user_id)")
[ "$half" = 0 ] || die "$half completions are half made after the kill"

log "restart; everyone tries again"
start_server "$DIR" "$URL" $PORT
fire >"$DIR/second"
log "second round answers: $(sort "$DIR/second" | uniq -c | tr '\n' ' ')"
check() { # check DESCRIPTION QUERY EXPECTED
  local got; got=$(sql "$URL" "$2")
  [ "$got" = "$3" ] || die "$1: $got, expected $3"
  log "ok: $1 = $got"
}
check "trainees with a completion" "SELECT COUNT(DISTINCT user_id) FROM completions WHERE user_id IN ($ids)" "$N"
check "their completions" "SELECT COUNT(*) FROM completions WHERE user_id IN ($ids)" "$N"
check "their certificates" "SELECT COUNT(*) FROM certificates x JOIN completions c ON c.id = x.completion_id WHERE c.user_id IN ($ids)" "$N"
check "their memberships and placements" "SELECT (SELECT COUNT(*) FROM memberships WHERE user_id IN ($ids)) + (SELECT COUNT(*) FROM placements WHERE user_id IN ($ids))" "$N"
check "their enrolments completed" "SELECT COUNT(*) FROM enrolments WHERE user_id IN ($ids) AND status = 'completed'" "$N"
check "their completion e-mails" "SELECT COUNT(*) FROM outbox_messages WHERE template = 'completion' AND user_id IN ($ids)" "$N"
check "half-made completions anywhere" "SELECT COUNT(*) FROM completions c WHERE NOT EXISTS (SELECT 1 FROM certificates x WHERE x.completion_id = c.id)" 0
stop_server "$SERVER_PID"; SERVER_PID=""
log "PASS: kill -9 during completions: nothing lost, nothing doubled, nothing half made"
