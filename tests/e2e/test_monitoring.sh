#!/usr/bin/env bash
# Snooze, unsnooze and pings end to end: from the CLI (with a pinned "now") and over HTTP on a
# real `certcron serve` on 127.0.0.1 (curl, every request with a time limit). Pings in Oh
# Dear's dialect (/ping/UUID, /starting, /finished, /failed with exit_code, runtime and
# failure_message as JSON, form or query fields) and healthchecks.io's (/start, /fail, /log,
# /<exit status>, ?rid= pairing), by GET, HEAD and POST, without a token while /api needs one;
# an unknown uuid is 404 and records nothing; the job's latest_result and latest_ping_at follow.
source "$(dirname "$0")/lib.sh"

t0=2026-03-26T10:00:00Z
token=monitoring-token-5f2c
status=0 out="" err=""
unset CERTCRON_TOKEN
db="$SCRATCH/monitoring.db"

server_pid=""
trap '[ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null; rm -rf "$SCRATCH"' EXIT

# job_field EXPR: a field of `show nightly --json` (Python expression on j), as JSON.
job_field() {
  run --db "$db" --json show nightly
  printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); print(json.dumps($1))"
}

# --- snooze and unsnooze from the CLI
export CERTCRON_NOW=$t0
run --db "$db" create --name nightly --cron '0 2 * * *' --tz UTC
expect_status 0 "create a job to monitor"
run --db "$db" --json snooze nightly --minutes 30
expect_status 0 "snooze --minutes 30 succeeds"
expect_json 'j["active_snooze"]' '{"ends_at": "2026-03-26T10:30:00Z", "minutes": 30}' \
  "snooze --json prints the job with active_snooze ending now + 30 min"
expect_json 'j["id"]' '"cron-001"' "snooze --json prints the job object"
run --db "$db" snooze cron-001 --minutes 45
expect_out 'snoozed: +until 2026-03-26T10:45:00Z' "snooze prints the job as show does, with the new end"
for minutes in 0 144001 -3; do
  run --db "$db" snooze nightly --minutes "$minutes"
  expect_status 2 "snooze --minutes $minutes is a validation error (exit 2)"
  expect_err 'minutes' "snooze --minutes $minutes names the minutes field"
done
run --db "$db" --json snooze nightly --minutes 0
expect_json 'sorted(j["errors"])' '["minutes"]' "snooze --minutes 0 --json gives the seed's error shape on minutes"
run --db "$db" snooze nightly
expect_status 2 "snooze without --minutes is a usage error"
run --db "$db" snooze missing --minutes 10
expect_status 3 "snoozing an unknown job exits 3"
CERTCRON_NOW=2026-03-26T10:44:59Z
run --db "$db" --json show nightly
expect_json 'j["active_snooze"]["minutes"]' 45 "the snooze is active until its end"
CERTCRON_NOW=2026-03-26T10:45:00Z
run --db "$db" --json show nightly
expect_json 'j["active_snooze"]' null "a snooze ends by itself at ends_at"
CERTCRON_NOW=$t0
run --db "$db" --json unsnooze nightly
expect_status 0 "unsnooze succeeds"
expect_json 'j["active_snooze"]' null "unsnooze --json prints the job with active_snooze null"
run --db "$db" unsnooze missing
expect_status 3 "unsnoozing an unknown job exits 3"

# --- pings from the CLI
run --db "$db" ping nightly starting
expect_status 0 "ping starting succeeds"
expect_eq "$(job_field 'j["latest_result"]')" '"pingStarting"' "a starting ping makes the job pingStarting"
expect_eq "$(job_field 'j["latest_ping_at"]')" "\"$t0\"" "a ping sets latest_ping_at to now"
CERTCRON_NOW=2026-03-26T10:01:00Z
run --db "$db" --json ping nightly finished --exit-code 0 --runtime 12.5
expect_json '[j["kind"], j["exit_code"], j["runtime_ms"], j["source"]]' '["finished", 0, 12500, "cli"]' \
  "ping --json prints the ping with its exit code and runtime in ms"
expect_eq "$(job_field '[j["latest_result"], j["latest_result_label"], j["latest_ping_at"]]')" \
  '["pingFinished", "ok", "2026-03-26T10:01:00Z"]' "a finished ping makes the job pingFinished (ok) and moves latest_ping_at"
run --db "$db" --json ping cron-001 finished --exit-code 2 --message 'boom: disk full'
expect_json '[j["kind"], j["exit_code"], j["message"]]' '["failed", 2, "boom: disk full"]' \
  "a finished ping with a non-zero exit code is recorded as failed"
expect_eq "$(job_field 'j["latest_result"]')" '"pingFailed"' "a non-zero exit code makes the job pingFailed"
run --db "$db" ping nightly finished
run --db "$db" ping nightly failed
expect_eq "$(job_field '[j["latest_result"], j["latest_result_label_color"]]')" '["pingFailed", "red"]' \
  "a failed ping makes the job pingFailed (red)"
run --db "$db" ping nightly bogus
expect_status 2 "a ping kind other than starting, finished, failed is a usage error"
run --db "$db" ping nightly finished --exit-code 300
expect_status 2 "an exit code beyond 255 is a validation error"
expect_err 'exit_code' "the error names exit_code"
run --db "$db" ping missing finished
expect_status 3 "pinging an unknown job exits 3"
run --db "$db" show nightly
expect_out 'Recent pings:' "show lists the recent pings"
expect_out 'failed +2 +boom: disk full' "show gives a ping's kind, exit code and message"
run --db "$db" --json show nightly
expect_no_out 'Recent pings' "show --json stays the contract's job object"
unset CERTCRON_NOW

# --- the server: /api guarded by a token, /ping open
CERTCRON_TOKEN=$token "$CERTCRON_BIN" --db "$db" serve --listen 127.0.0.1:0 >"$SCRATCH/server.out" 2>"$SCRATCH/server.err" &
server_pid=$!
listening() { grep -q '^certcron: listening on http://' "$SCRATCH/server.err"; }
wait_for 15 listening || true
port=$(sed -En 's|^certcron: listening on http://[^ ]*:([0-9]+)( .*)?$|\1|p' "$SCRATCH/server.err" | head -n 1)
if [ -n "$port" ]; then ok; else
  out="" err=$(cat "$SCRATCH/server.err")
  not_ok "the server starts on 127.0.0.1:0"
  finish
  exit 1
fi
base="http://127.0.0.1:$port"
api="$base/api/v1/certification-cron"
uuid=$(job_field 'j["uuid"]' | tr -d '"')

# http ARGS...: curl with a time limit; $code is the status, $out the body.
http() {
  code=$(curl -s -o "$SCRATCH/body" -w '%{http_code}' --max-time 10 "$@") || code=000
  out=$(cat "$SCRATCH/body")
  status=$code err=""
}
authed() { http -H "Authorization: Bearer $token" "$@"; }
expect_code() { if [ "$code" = "$1" ]; then ok; else not_ok "$2 (expected HTTP $1)"; fi; }
latest() {
  authed "$api/cron-001"
  printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin); print(json.dumps([j['latest_result'], j['latest_ping_at'] is not None]))"
}
newest_ping() {
  authed "$api/cron-001/pings?limit=1"
  printf '%s' "$out" | python3 -c "import json,sys; j=json.load(sys.stdin)['data'][0]; print(json.dumps($1))"
}
ping_total() {
  authed "$api/cron-001/pings"
  printf '%s' "$out" | python3 -c "import json,sys; print(json.load(sys.stdin)['pagination']['total'])"
}

# Oh Dear's dialect
http "$base/ping/$uuid"
expect_code 200 "GET /ping/UUID without a token answers 200"
expect_eq "$out" OK "a ping is answered with the text OK"
expect_eq "$(latest)" '["pingFinished", true]' "GET /ping/UUID is a finished ping: the job is pingFinished"
expect_eq "$(newest_ping '[j["source"], j["remote"]]')" '["http", "127.0.0.1"]' \
  "an HTTP ping records its source and the client's address"
http -I "$base/ping/$uuid/starting"
expect_code 200 "HEAD /ping/UUID/starting answers 200"
expect_eq "$(latest)" '["pingStarting", true]' "HEAD /ping/UUID/starting makes the job pingStarting"
http -X POST -H 'Content-Type: application/json' \
  --data '{"exit_code": 1, "runtime": 3, "failure_message": "disk full"}' "$base/ping/$uuid/failed"
expect_code 200 "POST /ping/UUID/failed with a JSON body answers 200"
expect_eq "$(newest_ping '[j["kind"], j["exit_code"], j["runtime_ms"], j["message"]]')" \
  '["failed", 1, 3000, "disk full"]' "the JSON fields exit_code, runtime and failure_message are recorded"
expect_eq "$(latest)" '["pingFailed", true]' "POST /ping/UUID/failed makes the job pingFailed"
http -X POST --data 'exit_code=0&runtime=2.5' "$base/ping/$uuid/finished"
expect_code 200 "POST /ping/UUID/finished with a form body answers 200"
expect_eq "$(newest_ping '[j["kind"], j["exit_code"], j["runtime_ms"]]')" '["finished", 0, 2500]' \
  "form fields exit_code and runtime are recorded"
expect_eq "$(latest)" '["pingFinished", true]' "POST /ping/UUID/finished makes the job pingFinished"
http -X POST --data 'exit_code=4&failure_message=bad+input' "$base/ping/$uuid"
expect_eq "$(newest_ping '[j["kind"], j["exit_code"], j["message"]]')" '["failed", 4, "bad input"]' \
  "POST /ping/UUID with a non-zero exit_code is a failure"
http "$base/ping/$uuid/finished?exit_code=abc"
expect_code 422 "a non-numeric exit_code is 422"
expect_json 'sorted(j["errors"])' '["exit_code"]' "the 422 names exit_code"
http -X POST -H 'Content-Type: application/json' --data '{"exit_code": ' "$base/ping/$uuid/finished"
expect_code 400 "a malformed JSON body is 400"

# healthchecks.io's dialect
http "$base/ping/$uuid/start?rid=run-1"
expect_code 200 "GET /ping/UUID/start?rid= answers 200"
expect_eq "$(latest)" '["pingStarting", true]' "/start makes the job pingStarting"
sleep 1.2
http -X POST --data 'all went well' "$base/ping/$uuid/0?rid=run-1"
expect_code 200 "POST /ping/UUID/0?rid= answers 200"
expect_eq "$(newest_ping '[j["kind"], j["exit_code"], j["rid"], j["runtime_ms"] >= 1000, j["body"]]')" \
  '["finished", 0, "run-1", true, "all went well"]' \
  "an end with a rid gets the runtime since the start with that rid, and its body is kept"
expect_eq "$(latest)" '["pingFinished", true]' "/0 makes the job pingFinished"
http -X POST --data 'a line of output' "$base/ping/$uuid/log"
expect_code 200 "POST /ping/UUID/log answers 200"
expect_eq "$(newest_ping '[j["kind"], j["body"]]')" '["log", "a line of output"]' "/log records the body"
expect_eq "$(latest)" '["pingFinished", true]' "/log leaves the monitoring state alone"
http "$base/ping/$uuid/7"
expect_eq "$(newest_ping '[j["kind"], j["exit_code"]]')" '["failed", 7]' "/<non-zero exit status> is a failure"
expect_eq "$(latest)" '["pingFailed", true]' "/7 makes the job pingFailed"
http "$base/ping/$uuid/fail"
expect_code 200 "GET /ping/UUID/fail answers 200"
expect_eq "$(newest_ping 'j["kind"]')" '"failed"' "/fail records a failed ping"
http "$base/ping/$uuid/256"
expect_code 404 "an exit status beyond 255 is 404"
http -X PUT "$base/ping/$uuid"
expect_code 405 "PUT /ping/UUID is 405"

# unknown uuid, the token
before=$(ping_total)
for path in "" /start /failed /0; do
  http "$base/ping/00000000-0000-4000-8000-000000000000$path"
  expect_code 404 "an unknown uuid is 404 on /ping/UUID$path"
done
expect_json '"message" in j' true "the 404 is a JSON error"
expect_eq "$(ping_total)" "$before" "an unknown uuid records nothing"
http "$api/cron-001/pings"
expect_code 401 "the ping history needs the token like every /api route"

# the history over the API
authed "$api/cron-001/pings?limit=2&page=1"
expect_code 200 "GET /:id/pings answers 200"
expect_json '[len(j["data"]), j["pagination"]["limit"], j["data"][0]["ping_id"] > j["data"][1]["ping_id"]]' \
  '[2, 2, true]' "the history is paged, newest first"
authed "$api/cron-001/pings?limit=0"
expect_code 422 "limit=0 on the history is 422"
authed "$api/cron-999/pings"
expect_code 404 "the history of an unknown job is 404"

# snooze and unsnooze over HTTP, at both prefixes
authed -X POST -H 'Content-Type: application/json' --data '{"minutes": 15}' "$api/cron-001/snooze"
expect_code 200 "POST /:id/snooze answers 200"
expect_json '[j["id"], j["active_snooze"]["minutes"]]' '["cron-001", 15]' "snooze answers the job with active_snooze"
run --db "$db" --json show nightly
expect_json 'j["active_snooze"]["minutes"]' 15 "a snooze made over HTTP is seen by the CLI"
authed -X POST --data '{"minutes": 20}' "$api/api/v1/certification-cron/nightly/snooze"
expect_code 200 "snooze at the doubled prefix, by name, answers 200"
expect_json 'j["active_snooze"]["minutes"]' 20 "the later snooze replaces the earlier"
for body in '{"minutes": 0}' '{"minutes": 144001}' '{}' '{"minutes": 5, "hours": 1}'; do
  authed -X POST --data "$body" "$api/cron-001/snooze"
  expect_code 422 "snooze with $body is 422"
done
authed -X POST --data '{"minutes": 0}' "$api/cron-001/snooze"
expect_json 'sorted(j["errors"])' '["minutes"]' "the 422 names minutes"
authed -X POST --data '{"minutes": "ten"}' "$api/cron-001/snooze"
expect_code 400 "snooze with minutes of the wrong JSON type is 400"
authed -X POST --data '{"minutes": 5}' "$api/cron-999/snooze"
expect_code 404 "snoozing an unknown job is 404"
http -X POST --data '{"minutes": 5}' "$api/cron-001/snooze"
expect_code 401 "snooze needs the token"
authed -X POST "$api/cron-001/unsnooze"
expect_code 200 "POST /:id/unsnooze answers 200"
expect_json 'j["active_snooze"]' null "unsnooze answers the job with active_snooze null"
authed -X POST "$api/api/v1/certification-cron/cron-001/unsnooze"
expect_code 200 "unsnooze at the doubled prefix answers 200"
authed -X POST "$api/cron-999/unsnooze"
expect_code 404 "unsnoozing an unknown job is 404"

kill -TERM "$server_pid"
wait_for 20 eval '! kill -0 "$server_pid" 2>/dev/null' && ok || not_ok "the server stops on SIGTERM"
server_pid=""
finish
