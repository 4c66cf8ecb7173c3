# Shared by benches/load/run.sh and benches/drills/*.sh: build, start and stop servers, sign in,
# run SQL on either engine. Source it; it sets ROOT, BIN and PG_ADMIN.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$CARGO_TARGET_DIR/release/kirjaamo
PG_ADMIN=${KIRJAAMO_BENCH_PG:-postgres://postgres:kirjaamo-ci@127.0.0.1:5432}
PASSWORD=${KIRJAAMO_DEMO_PASSWORD:-kirjaamo-demo-2026}
export KIRJAAMO_DEMO_PASSWORD=$PASSWORD
WORK=${KIRJAAMO_BENCH_WORK:-/tmp/kirjaamo-bench}
mkdir -p "$WORK"

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

build_release() {
  log "building the release binary (cargo build --release)"
  (cd "$ROOT" && cargo build --release --quiet)
  # Cargo does not rebuild an already built SQLite when .cargo/config.toml's flags change: a
  # binary without the planner stability guarantee prepares statements again on every run.
  if ! grep -qa ENABLE_QPSG "$BIN"; then
    log "the release SQLite lacks ENABLE_QPSG: rebuilding libsqlite3-sys"
    (cd "$ROOT" && cargo clean -p libsqlite3-sys --release && cargo build --release --quiet)
    grep -qa ENABLE_QPSG "$BIN" || die "SQLite still built without ENABLE_QPSG"
  fi
}

pg_up() {
  pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster 15 main start
  for _ in $(seq 50); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 0.2; done
  die "PostgreSQL does not answer"
}

# pg_fresh NAME: an empty database; prints its URL.
pg_fresh() {
  pg_up
  psql -q "$PG_ADMIN/postgres" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null 2>&1
  psql -q "$PG_ADMIN/postgres" -c "CREATE DATABASE $1" >/dev/null
  echo "$PG_ADMIN/$1"
}

# sql URL QUERY: one query, unaligned output (SQLite file URL or PostgreSQL URL).
sql() {
  case "$1" in
    sqlite://*) sqlite3 -batch -noheader -separator '|' "${1#sqlite://}" "$2" ;;
    *) psql -qtAX -F '|' "$1" -c "$2" ;;
  esac
}

# env_for DATA_DIR DB_URL PORT: the environment of a server.
env_for() {
  echo "KIRJAAMO_DATA_DIR=$1 KIRJAAMO_DATABASE_URL=$2 KIRJAAMO_BIND=127.0.0.1:$3 \
KIRJAAMO_COURSES_DIR=$ROOT/courses KIRJAAMO_LOG=${KIRJAAMO_LOG:-warn} KIRJAAMO_SECRET=bench-secret-bench-secret-bench-secret-0123"
}

# kirjaamo DATA_DIR DB_URL PORT ARGS...: runs the CLI with that environment.
kirjaamo() {
  local dir=$1 url=$2 port=$3; shift 3
  mkdir -p "$dir"
  env $(env_for "$dir" "$url" "$port") "$BIN" "$@"
}

# start_server DATA_DIR DB_URL PORT [extra env...]: starts `kirjaamo serve` in the background
# (log in DATA_DIR/server.log) and waits until /readyz answers; sets SERVER_PID.
start_server() {
  local dir=$1 url=$2 port=$3; shift 3
  mkdir -p "$dir"
  env $(env_for "$dir" "$url" "$port") "$@" "$BIN" serve >>"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 300); do
    if curl -fs -o /dev/null "http://127.0.0.1:$port/readyz"; then return 0; fi
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$dir/server.log" >&2; die "the server exited"; }
    sleep 0.1
  done
  die "the server on port $port did not become ready"
}

stop_server() {
  local pid=${1:-$SERVER_PID}
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# sign_in PORT EMAIL JAR: signs in with the demo password; the session cookie lands in JAR.
sign_in() {
  local port=$1 email=$2 jar=$3 base="http://127.0.0.1:$1"
  rm -f "$jar"
  local token
  token=$(curl -fs -c "$jar" -b "$jar" "$base/login" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
  [ -n "$token" ] || die "no CSRF token on the sign-in page"
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" -H "Origin: $base" \
    --data-urlencode "email=$email" --data-urlencode "password=$PASSWORD" \
    --data-urlencode "csrf_token=$token" "$base/login")
  [ "$status" = 303 ] || die "signing in as $email answered $status"
}

# cookie_header JAR: "name=value; name=value" for wrk.
cookie_header() {
  awk -F'\t' 'NF >= 7 && $1 !~ /^#/ {printf "%s%s=%s", sep, $6, $7; sep="; "} /^#HttpOnly_/ {sub(/^#HttpOnly_/, "", $1); printf "%s%s=%s", sep, $6, $7; sep="; "}' "$1"
}

# csrf_from URL JAR: the CSRF token of the first form on a page.
csrf_from() {
  curl -fs -b "$2" "$1" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1
}

# drill_world NAME BACKEND: a fresh small scaled world (`demo --scale 200`) for a drill; sets
# DIR (the data folder) and URL (the database).
drill_world() {
  DIR=$WORK/drill-$1
  rm -rf "$DIR"; mkdir -p "$DIR"
  case $2 in
    sqlite) URL="sqlite://$DIR/kirjaamo.sqlite3" ;;
    postgres) URL=$(pg_fresh "kirjaamo_drill_$1") ;;
    *) die "backend must be sqlite or postgres" ;;
  esac
  kirjaamo "$DIR" "$URL" 18099 demo --scale 200 >/dev/null
}

# thread_of URL: the long thread of the scaled world.
long_thread() {
  sql "$1" "SELECT t.id FROM discussion_threads t JOIN users u ON u.id = t.author_id WHERE u.email LIKE '%@scale.kirjaamo.test' ORDER BY t.id LIMIT 1"
}

# post_loop PORT THREAD JAR TOKEN PREFIX SECONDS OUT: posts replies "PREFIX-n" as fast as it
# can for SECONDS, one line "PREFIX-n STATUS" per request into OUT.
post_loop() {
  local port=$1 thread=$2 jar=$3 token=$4 prefix=$5 secs=$6 out=$7 n=0 code
  local end=$(( $(date +%s) + secs ))
  while [ "$(date +%s)" -lt "$end" ]; do
    n=$((n + 1))
    code=$(curl -s -o /dev/null -w '%{http_code}' -m 30 -b "$jar" -H "Origin: http://127.0.0.1:$port" \
      --data-urlencode "csrf_token=$token" --data-urlencode "body=drill $prefix-$n" \
      "http://127.0.0.1:$port/keskustelut/ketju/$thread" || true)
    echo "$prefix-$n $code" >>"$out"
  done
}

# check_posts URL OUT: every acknowledged (303) post is in the database exactly once, and no
# post is there twice. Prints the counts.
check_posts() {
  local url=$1 out=$2 acked dup missing
  sql "$url" "SELECT substr(body_markdown, 7) FROM discussion_posts WHERE body_markdown LIKE 'drill %'" | sort >"$out.db"
  awk '$2 == 303 {print $1}' "$out" | sort >"$out.acked"
  acked=$(wc -l <"$out.acked")
  dup=$(uniq -d "$out.db" | wc -l)
  missing=$(comm -23 "$out.acked" "$out.db" | wc -l)
  log "requests $(wc -l <"$out"), acknowledged $acked, in the database $(wc -l <"$out.db"), missing $missing, doubled $dup, other answers: $(awk '$2 != 303 {print $2}' "$out" | sort | uniq -c | tr '\n' ' ')"
  [ "$acked" -gt 0 ] || die "nothing was acknowledged"
  [ "$missing" = 0 ] || die "$missing acknowledged posts are lost"
  [ "$dup" = 0 ] || die "$dup posts are doubled"
}

# check_mail URL MAILDIRS...: every outbox message sent, none failed, each Message-ID delivered
# exactly once across the given folders (Maildir or .eml files).
check_mail() {
  local url=$1; shift
  local total sent ids uniq_ids
  total=$(sql "$url" "SELECT COUNT(*) FROM outbox_messages")
  sent=$(sql "$url" "SELECT COUNT(*) FROM outbox_messages WHERE status = 'sent'")
  grep -rhi '^Message-ID:' "$@" 2>/dev/null | tr -d '\r' | awk '{print tolower($2)}' | sort >"$WORK/ids.$$" || true
  ids=$(wc -l <"$WORK/ids.$$"); uniq_ids=$(sort -u "$WORK/ids.$$" | wc -l)
  sql "$url" "SELECT message_id FROM outbox_messages" | awk '{print tolower($0)}' | sed 's/^<//; s/>$//' | sort >"$WORK/expected.$$"
  sed 's/^<//; s/>$//' "$WORK/ids.$$" | sort -u >"$WORK/got.$$"
  local lost
  lost=$(comm -23 "$WORK/expected.$$" "$WORK/got.$$" | wc -l)
  log "outbox $total messages, sent $sent; delivered $ids, distinct Message-IDs $uniq_ids, not delivered $lost"
  [ "$total" -gt 0 ] || die "no mail was queued"
  [ "$sent" = "$total" ] || die "$((total - sent)) messages not sent"
  [ "$lost" = 0 ] || die "$lost messages lost"
  [ "$ids" = "$uniq_ids" ] || die "$((ids - uniq_ids)) messages delivered twice"
  rm -f "$WORK"/ids.$$ "$WORK"/expected.$$ "$WORK"/got.$$
}

# wait_for SECONDS DESCRIPTION COMMAND...: retries COMMAND until it succeeds.
wait_for() {
  local secs=$1 what=$2; shift 2
  local end=$(( $(date +%s) + secs ))
  until "$@"; do
    [ "$(date +%s)" -lt "$end" ] || die "timed out after $secs s waiting for $what"
    sleep 1
  done
}
