#!/usr/bin/env bash
# Webhook delivery against a real HTTP server on 127.0.0.1: libcurl loaded only when a webhook
# is delivered, one JSON POST per reminder with its fields, Content-Type and Idempotency-Key,
# the run's counts, idempotence, a 500 answer that fails the run and is retried exactly once,
# and a closed port or a silent server that fail the run cleanly within timeout_seconds.
source "$(dirname "$0")/lib.sh"

t0=2026-03-26T10:00:00Z
export CERTCRON_NOW=$t0
capture="$SCRATCH/posts.jsonl" fail_flag="$SCRATCH/fail" port_file="$SCRATCH/port"

# The server (support/recording_server.py): records each POST as one JSON line, answers 200,
# or 500 while $fail_flag exists; it stops after 40 requests or 120 s, and the EXIT trap kills it.
server_pid="" silent_pid=""
stop_servers() {
  local pid
  for pid in $server_pid $silent_pid; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
}
trap 'stop_servers; rm -rf "$SCRATCH"' EXIT  # lib.sh's trap, plus the servers
# Started without the python3 function, so that $! is python itself and the trap can kill it.
"$py_real" "$CERTCRON_SOURCE_DIR/tests/e2e/support/recording_server.py" "$capture" "$fail_flag" "$port_file" >"$SCRATCH/server.log" 2>&1 &
server_pid=$!

if wait_for 5 test -s "$port_file"; then ok; else
  status=-1 out="" err=$(cat "$SCRATCH/server.log")
  not_ok "the test server starts and reports its port within 5 s"
  finish; exit 1
fi
port=$(cat "$port_file")
url="http://127.0.0.1:$port/hook"
cat >>"$XDG_CONFIG_HOME/certcron/config.toml" <<TOML
[reminders.delivery]
kind = "webhook"
url = "$url"
timeout_seconds = 5
TOML

# use_posts [ANSWERED]: the captured POSTs (those answered ANSWERED, if given) in $out.
use_posts() {
  out=$(python3 - "$capture" "${1:-}" <<'PY'
import json, os, sys
path, answered = sys.argv[1], sys.argv[2]
posts = [json.loads(l) for l in open(path, encoding="utf-8")] if os.path.exists(path) else []
print(json.dumps([p for p in posts if not answered or p["answered"] == int(answered)]))
PY
  ) err="" status=0
}
post_count() { [ -e "$capture" ] && wc -l <"$capture" | tr -d ' ' || echo 0; }
due_ids() {
  "$CERTCRON_BIN" due --json | python3 -c 'import json,sys; print(json.dumps(sorted(x["message_id"] for x in json.load(sys.stdin)["data"])))'
}

# --- data: 30 and 7 days out, expired 3 days ago; 31 days out crosses nothing yet
cat >"$SCRATCH/certs.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
w30,Ann Thirty,ann@example.org,First Aid,2026-04-25
w7,Bob Seven,bob@example.org,CPR,2026-04-02
wx,Di Expired,di@example.org,Food Safety,2026-03-23
w31,Gus Later,gus@example.org,Diving,2026-04-26
CSV
run import "$SCRATCH/certs.csv"
expect_status 0 "import the certifications"
run create --name hooks --cron '0 2 * * *' --tz UTC
expect_status 0 "create the job"

# --- libcurl is loaded at run time, by the delivery only; libstdc++ is linked in
# run_ld ARGS...: run, with the loader reporting each library it loads on stderr.
run_ld() { out=$(LD_DEBUG=libs "$CERTCRON_BIN" "$@" 2>"$SCRATCH/stderr") && status=0 || status=$?; err=$(cat "$SCRATCH/stderr"); }
run_ld --version
expect_status 0 "--version succeeds"
expect_err 'find library=libc\.so\.6' "the loader reports the libraries it loads (so the absences below mean something)"
if printf '%s' "$err" | grep -q 'libcurl'; then not_ok "a command that delivers nothing never loads libcurl"; else ok; fi
if [ "${CERTCRON_STATIC_RUNTIME:-1}" = 1 ]; then
  if printf '%s' "$err" | grep -q 'libstdc++'; then not_ok "libstdc++ is linked in, not loaded"; else ok; fi
else
  expect_err 'find library=libstdc\+\+' "a build with the shared C++ runtime loads libstdc++"
fi
due=$(due_ids)

# --- the first run: one POST per reminder
run_ld execute cron-001 --json
expect_status 0 "execute with a webhook succeeds"
expect_err 'find library=libcurl\.so\.4' "the webhook delivery loads libcurl.so.4 with dlopen"
expect_json '[j["status"], j["result"]["mentors_checked"], j["result"]["reminders_sent"], j["result"]["errors"]]' '["success", 4, 3, 0]' "the run reports all 4 mentors checked, 3 reminders sent, 0 errors"
expect_eq "$(post_count)" "3" "the server received exactly 3 POSTs"
use_posts
expect_json 'sorted(set((p["path"], p["content_type"], p["answered"]) for p in j))' '[["/hook", "application/json", 200]]' "every POST went to /hook as application/json"
expect_json 'all(p["user_agent"].startswith("certcron/") for p in j)' 'true' "the User-Agent names certcron"
expect_json 'sorted(set(tuple(sorted(json.loads(p["body"]))) for p in j))' '[["body", "certification", "days_left", "email", "expired", "expires_on", "mentor_id", "message_id", "name", "subject", "threshold", "to"]]' "each body is one JSON object with the documented fields"
expect_json 'sorted([b[k] for k in ("mentor_id", "to", "email", "certification", "expires_on", "days_left", "threshold", "expired")] for b in map(lambda p: json.loads(p["body"]), j))' '[["w30", "Ann Thirty <ann@example.org>", "ann@example.org", "First Aid", "2026-04-25", 30, 30, false], ["w7", "Bob Seven <bob@example.org>", "bob@example.org", "CPR", "2026-04-02", 7, 7, false], ["wx", "Di Expired <di@example.org>", "di@example.org", "Food Safety", "2026-03-23", -3, -1, true]]' "each recipient gets one reminder with its certification, days left and threshold (-1 and expired after expiry)"
expect_json 'all(json.loads(p["body"])["subject"] and json.loads(p["body"])["body"] for p in j)' 'true' "each body carries a subject and a text"
expect_json 'all(p["idempotency_key"] == json.loads(p["body"])["message_id"] for p in j)' 'true' "the Idempotency-Key header is the body's message_id"
expect_json 'sorted(json.loads(p["body"])["message_id"] for p in j)' "$due" "the message_ids are the ones due announced"
run runs cron-001 --json
expect_json '[[x["status"], x["result"]["reminders_sent"]] for x in j["data"]]' '[["success", 3]]' "runs --json reports the same 3 reminders sent"

# --- idempotence
run execute cron-001 --json
expect_status 0 "an immediate re-run succeeds"
expect_json 'j["result"]["reminders_sent"]' '0' "the re-run sends nothing"
expect_eq "$(post_count)" "3" "the re-run made no POST: the ledger holds the delivered reminders"

# --- a day later the server answers 500: the run fails, nothing is recorded
export CERTCRON_NOW=2026-03-27T10:00:00Z
printf 'mentor_id,name,email,certification,expires_at\nw1,Hal One,hal@example.org,Welding,2026-03-28\n' >"$SCRATCH/new.csv"
run import "$SCRATCH/new.csv"
expect_status 0 "import one more certification"
batch=$(due_ids)
expect_eq "$(printf '%s' "$batch" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "2" "two reminders are newly due (Gus's 30-day and Hal's 1-day)"
touch "$fail_flag"
run execute cron-001 --json
expect_status 1 "a 500 answer fails the run: exit 1"
expect_json '[j["status"], j["result"]["reminders_sent"], j["result"]["errors"]]' '["failed", 0, 2]' "each 500 counts in errors, none as sent"
expect_json '"could not be delivered" in j.get("error", "")' 'true' "the failed run says reminders could not be delivered"
expect_json '"answered HTTP 500: hook store is down" in j.get("error", "")' 'true' "the failed run's error gives the first failure: the HTTP status and the answer"
run -v execute cron-001
expect_status 1 "the run still fails while the server answers 500"
expect_err "FAILED: .*webhook http://127.0.0.1:$port/… answered HTTP 500: hook store is down" "--verbose names the URL's host (not its path), the HTTP status and the start of the answer"
expect_no_err "$url" "the error never shows the webhook's path, which can be its secret"
expect_out 'failed: .* 0 reminders sent, 2 errors' "the human summary counts the errors"
use_posts 500
expect_eq "$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "4" "each of the two failed runs tried both reminders once"
run due --json
expect_json 'sorted(x["message_id"] for x in j["data"])' "$batch" "failed deliveries are not in the ledger: still due"

rm -f "$fail_flag"
run execute cron-001 --json
expect_status 0 "with the server answering 200 again, execute succeeds"
expect_json '[j["status"], j["result"]["reminders_sent"], j["result"]["errors"]]' '["success", 2, 0]' "the retry delivers the 2 that failed"
run execute cron-001 --json
expect_json 'j["result"]["reminders_sent"]' '0' "after the retry nothing is due"
use_posts 200
expect_json 'sorted(p["idempotency_key"] for p in j[3:])' "$batch" "the retried reminders were accepted exactly once each, with the same Message-IDs"
expect_eq "$(post_count)" "9" "no POST beyond the 3 + 4 failed + 2 retried"

# --- a closed port, then a server that accepts and never answers
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
printf 'mentor_id,name,email,certification,expires_at\nw7b,Ivy Seven,ivy@example.org,Rescue,2026-04-03\n' >"$SCRATCH/ivy.csv"
run import "$SCRATCH/ivy.csv"
sed "s|^url = .*|url = \"http://127.0.0.1:$closed/hook\"|" "$XDG_CONFIG_HOME/certcron/config.toml" >"$SCRATCH/closed.toml"
started=$(date +%s%N)
CERTCRON_CONFIG="$SCRATCH/closed.toml" run -v execute cron-001
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
expect_status 1 "a closed port fails the run with exit 1, not a crash"
expect_err "FAILED: .*webhook http://127\\.0\\.0\\.1:$closed/…: .*(onnect|refused)" "the error names the URL's host and curl's connection failure"
expect_out 'failed: .* 0 reminders sent, 1 errors' "the closed port counts one error"
[ "$elapsed_ms" -lt 5000 ] && ok || not_ok "a closed port fails within timeout_seconds (took ${elapsed_ms} ms)"

"$py_real" -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1])); time.sleep(60)' "$SCRATCH/silent_port" &
silent_pid=$!
wait_for 5 test -s "$SCRATCH/silent_port" && ok || not_ok "the silent server starts"
sed -e "s|^url = .*|url = \"http://127.0.0.1:$(cat "$SCRATCH/silent_port")/hook\"|" \
  -e 's|^timeout_seconds = .*|timeout_seconds = 2|' "$XDG_CONFIG_HOME/certcron/config.toml" >"$SCRATCH/silent.toml"
started=$(date +%s%N)
CERTCRON_CONFIG="$SCRATCH/silent.toml" run -v execute cron-001
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
expect_status 1 "a server that never answers fails the run with exit 1"
expect_err 'FAILED: .*webhook .*timed out' "the error says the request timed out"
[ "$elapsed_ms" -ge 1900 ] && [ "$elapsed_ms" -lt 6000 ] && ok || not_ok "the request is given up after timeout_seconds = 2 (took ${elapsed_ms} ms)"

run execute cron-001 --json
expect_json '[j["status"], j["result"]["reminders_sent"]]' '["success", 1]' "back on the working URL, the reminder that failed is delivered"
expect_eq "$(post_count)" "10" "the working server received that reminder once, and nothing else"

finish
