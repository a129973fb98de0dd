#!/usr/bin/env bash
# Alerts, catch-up and the heartbeat, as cron's `check` makes them, against a real HTTP
# receiver on 127.0.0.1: a week offline caught up by exactly one run and still reported; one
# webhook POST per flip (late, then the recovery), in certcron's JSON and in Slack's; a failed
# alert delivery retried by the next pass with the same Idempotency-Key and never doubled; the
# heartbeat GET after every pass, and its failure only logged.
source "$(dirname "$0")/lib.sh"

capture="$SCRATCH/requests.jsonl" fail_flag="$SCRATCH/fail" port_file="$SCRATCH/port"
server_pid=""
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
"$py_real" "$CERTCRON_SOURCE_DIR/tests/e2e/support/recording_server.py" "$capture" "$fail_flag" \
  "$port_file" >"$SCRATCH/server.log" 2>&1 &
server_pid=$!
if wait_for 5 test -s "$port_file"; then ok; else
  status=-1 out="" err=$(cat "$SCRATCH/server.log")
  not_ok "the receiver starts and reports its port within 5 s"
  finish; exit 1
fi
base="http://127.0.0.1:$(cat "$port_file")"
config="$XDG_CONFIG_HOME/certcron/config.toml"
cp "$config" "$SCRATCH/config.base"
use_config() {  # use_config FORMAT: the base config plus webhook alerts and the heartbeat
  cp "$SCRATCH/config.base" "$config"
  cat >>"$config" <<TOML
[alerts]
to = "ops@example.org"
format = "$1"
[alerts.delivery]
kind = "webhook"
url = "$base/alerts"
timeout_seconds = 5
[monitoring]
heartbeat_url = "$base/heartbeat"
heartbeat_timeout_seconds = 5
TOML
}
use_config json

# requests [PATH]: the recorded requests (to PATH only, if given) as a JSON array in $out.
requests() {
  out=$(python3 - "$capture" "${1:-}" <<'PY'
import json, os, sys
path, only = sys.argv[1], sys.argv[2]
seen = [json.loads(l) for l in open(path, encoding="utf-8")] if os.path.exists(path) else []
print(json.dumps([r for r in seen if not only or r["path"] == only]))
PY
  ) err="" status=0
}

CERTCRON_NOW=2026-03-25T12:00:00Z run create --name nightly --cron '0 2 * * *' --tz UTC --grace 10
expect_status 0 "create a job (catch_up on by default)"
CERTCRON_NOW=2026-03-25T12:00:00Z run show nightly --json
expect_json '[j["catch_up"], j["max_runtime_in_minutes"]]' '[true, null]' "a new job catches up and has no runtime limit"

# A week with the machine off: the latest slot is caught up by one run, the miss still reported.
CERTCRON_NOW=2026-04-01T12:00:00Z run check --json
expect_status 0 "check after a week offline"
expect_json '[[x["id"], x["slot"], x["newly_late"]] for x in j["late"]]' \
  '[["cron-001", "2026-04-01T02:00:00Z", true]]' "the missed latest slot is reported late"
expect_json '[[r["trigger"], r["scheduled_for"], r["status"]] for r in j["caught_up"]]' \
  '[["catch_up", "2026-04-01T02:00:00Z", "success"]]' "exactly one catch-up run, for the latest slot"
expect_json '[[f["to"], f["alert"]] for f in j["alerts"]["sent"]]' '[["late", "sent"], ["up", "sent"]]' \
  "the late alert and the recovery both went out"
expect_json 'j["heartbeat_sent"]' 'true' "the heartbeat was answered"
CERTCRON_NOW=2026-04-01T12:05:00Z run check --json
expect_json '[j["late"], j["caught_up"], j["alerts"]["sent"]]' '[[], [], []]' "the next pass finds nothing to do"
CERTCRON_NOW=2026-04-01T12:05:00Z run runs nightly --json
expect_json '[[r["trigger"], r["scheduled_for"]] for r in j["data"]]' '[["catch_up", "2026-04-01T02:00:00Z"]]' \
  "the week offline left one run, not seven"

requests /alerts
expect_json '[json.loads(r["body"])["event"] for r in j]' '["late", "recovered"]' "one POST per flip"
expect_json '[r["content_type"] for r in j]' '["application/json", "application/json"]' "alerts are JSON"
expect_json 'sorted(json.loads(j[0]["body"]).keys())' \
  '["at", "body", "event", "job", "message_id", "previous_state", "reason", "run_id", "slot", "state", "subject", "urls"]' \
  "an alert carries the job, the state, the reason, the slot, the run and the URLs"
expect_json '[json.loads(j[0]["body"])[k] for k in ("state", "previous_state", "slot")]' \
  '["late", "up", "2026-04-01T02:00:00Z"]' "the late alert names its slot"
expect_json 'json.loads(j[0]["body"])["job"]["id"]' '"cron-001"' "the alert names the job"
expect_json 'json.loads(j[0]["body"])["urls"]["job"].endswith("/api/v1/certification-cron/cron-001")' 'true' \
  "the alert links to the job in the API"
expect_json 'all(r["idempotency_key"] == json.loads(r["body"])["message_id"] for r in j)' 'true' \
  "each alert's Message-ID is its Idempotency-Key"
requests /heartbeat
expect_json '[r["method"] for r in j]' '["GET", "GET"]' "one heartbeat GET per check pass"

CERTCRON_NOW=2026-04-01T12:05:00Z run show nightly
expect_out 'Recent state changes:' "show lists the recent flips"
expect_out 'up -> late' "show lists the late flip"
expect_out 'late -> up' "and the recovery"
CERTCRON_NOW=2026-04-01T12:05:00Z run runs nightly
expect_out 'catch_up' "runs shows the catch-up trigger"

# A job that does not catch up is still reported; a failing receiver keeps the alert for the
# next pass, which sends it once, with the same Idempotency-Key.
CERTCRON_NOW=2026-04-01T12:05:00Z run create --name manual_only --cron '0 * * * *' --tz UTC --grace 5 --no-catch-up
expect_status 0 "create a job without catch-up"
touch "$fail_flag"
CERTCRON_NOW=2026-04-01T13:05:00Z run check --quiet
expect_status 1 "check fails when an alert cannot be delivered"
expect_err 'cron-002: alert not delivered \(the next check retries it\): webhook .* answered HTTP 500' \
  "the failed alert is said on stderr"
expect_err 'warning: heartbeat .* answered HTTP 500' "an unanswered heartbeat is logged"
expect_out 'cron-002 \(manual_only\): late' "the late job is logged once"
CERTCRON_NOW=2026-04-01T13:05:00Z run runs manual_only --json
expect_json 'j["data"]' '[]' "a job without catch-up is not run by check"
rm -f "$fail_flag"
CERTCRON_NOW=2026-04-01T13:10:00Z run check --quiet
expect_status 0 "the next pass delivers the kept alert"
expect_eq "$out" "" "the late job is not logged again"
CERTCRON_NOW=2026-04-01T13:15:00Z run check --quiet
requests /alerts
expect_json '[[r["answered"], json.loads(r["body"])["job"]["id"]] for r in j[2:]]' \
  '[[500, "cron-002"], [200, "cron-002"]]' "one failed try, one delivery, nothing doubled"
expect_json 'j[2]["idempotency_key"] == j[3]["idempotency_key"]' 'true' "the retry has the same Idempotency-Key"
CERTCRON_NOW=2026-04-01T13:15:00Z run show manual_only --json
expect_json 'j["latest_result"]' '"sentCronNotExutedOnTimeNotification"' "latest_result says the alert went out"

# Slack's format: {"text": ...}.
use_config slack
CERTCRON_NOW=2026-04-01T13:15:00Z run ping manual_only failed --exit-code 2 --message "disk full"
CERTCRON_NOW=2026-04-01T13:20:00Z run check --quiet
requests /alerts
expect_json 'list(json.loads(j[-1]["body"]).keys())' '["text"]' "a slack alert posts only text"
expect_json '"manual_only (cron-002) failed" in json.loads(j[-1]["body"])["text"]' 'true' \
  "the text says which job failed"
expect_json '"disk full" in json.loads(j[-1]["body"])["text"]' 'true' "and why"

finish
