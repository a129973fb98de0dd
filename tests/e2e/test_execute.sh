#!/usr/bin/env bash
# The expiry check from the command line: thresholds and the expired window with a pinned
# clock, due (sends nothing), dry runs, outbox delivery and its headers, idempotence, newly
# crossed thresholds, most-urgent-only, renewal, the run and job JSON, command delivery that
# fails and recovers, the one-running-run rule, and a run killed mid-delivery.
source "$(dirname "$0")/lib.sh"

support="$CERTCRON_SOURCE_DIR/tests/e2e/support"
outbox="$XDG_STATE_HOME/certcron/outbox"
t0=2026-03-26T10:00:00Z
export CERTCRON_NOW=$t0

# Custom subject: it names the threshold, so a test can tell which reminder a message is.
cat >>"$XDG_CONFIG_HOME/certcron/config.toml" <<'TOML'
[reminders]
subject = "[{threshold}] Your {certification} certification expires on {expires_on}"
TOML

# messages PATH: every message in an outbox folder or a capture file, as JSON objects with
# the file name, To, Subject, Message-ID and Date, in a stable order.
messages() {
  python3 - "$1" <<'PY'
import email, json, os, sys
path = sys.argv[1]
texts = []
if os.path.isdir(path):
    for name in sorted(os.listdir(path)):
        with open(os.path.join(path, name), encoding="utf-8", newline="") as f:
            texts.append((name, f.read()))
elif os.path.exists(path):
    with open(path, encoding="utf-8") as f:
        for part in f.read().split("\n--- end\n"):
            if part.strip():
                texts.append(("", part))
out = []
for name, text in texts:
    m = email.message_from_string(text)
    out.append({"file": name, "to": m["To"], "subject": m["Subject"],
                "message_id": m["Message-ID"], "date": m["Date"]})
print(json.dumps(out))
PY
}
# use_messages PATH: puts messages(PATH) in $out for expect_json.
use_messages() { out=$(messages "$1"); err=""; status=0; }
eml_count() { find "$outbox" -name '*.eml' 2>/dev/null | wc -l | tr -d ' '; }


# --- data: 30, 7 and 1 days out, expired 3 and 40 days ago, 31 and 67 days out
cat >"$SCRATCH/certs.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
m30,Ann Thirty,ann@example.org,First Aid,2026-04-25
m7,Bob Seven,bob@example.org,CPR,2026-04-02
m1,Cy One,cy@example.org,Lifeguard,2026-03-27T16:00:00Z
mx3,Di Expired,di@example.org,Food Safety,2026-03-23
mx40,Ed Old,ed@example.org,Forklift,2026-02-14
m31,Gus Later,gus@example.org,Diving,2026-04-26
mfar,Fay Far,fay@example.org,Scuba,2026-06-01
CSV
run import "$SCRATCH/certs.csv"
expect_status 0 "import the certifications"
run create --name nightly --cron '0 2 * * *' --tz UTC
expect_status 0 "create the job"

# --- due: who and why, nothing sent
run due
expect_status 0 "due succeeds"
expect_out 'm30 .*First Aid .*2026-04-25 .*30 .*expires in 30 days: crossed the 30-day threshold' "due: 30 days out crosses the 30-day threshold"
expect_out 'm7 .*CPR .*2026-04-02 .*7 .*crossed the 7-day threshold' "due: 7 days out crosses the 7-day threshold"
expect_out 'm1 .*Lifeguard .*2026-03-27 .*1 .*expires tomorrow: crossed the 1-day threshold' "due: 1 day out crosses the 1-day threshold"
expect_out 'mx3 .*Food Safety .*2026-03-23 .*expired .*expired 3 days ago' "due: expired 3 days ago gets the expired reminder"
expect_no_out 'Forklift' "due: expired 40 days ago is outside the 30-day window"
expect_no_out 'Diving|Scuba' "due: 31 and 67 days out cross no threshold"
expect_out '4 reminders due .*nothing was sent' "due says nothing was sent"
run due --json
expect_json 'sorted([x["mentor_id"], x["threshold"], x["days_left"]] for x in j["data"])' '[["m1", "1", 1], ["m30", "30", 30], ["m7", "7", 7], ["mx3", "expired", -3]]' "due --json: one reminder each, the most urgent threshold"
due_ids=$(printf '%s' "$out" | python3 -c 'import json,sys; print(" ".join(sorted(x["message_id"] for x in json.load(sys.stdin)["data"])))')
expect_eq "$(eml_count)" "0" "due sent nothing: the outbox is empty"

# --- dry run
run execute cron-001 --dry-run --json
expect_status 0 "a dry run succeeds"
expect_json '[j["status"], j["dry_run"], j["result"]["mentors_checked"], j["result"]["reminders_sent"], j["result"]["errors"]]' '["success", true, 7, 4, 0]' "dry run: all 7 mentors checked, 4 reminders due"
expect_eq "$(eml_count)" "0" "a dry run sends nothing"
run runs cron-001 --json
expect_json '[j["data"][0]["dry_run"], j["data"][0]["status"], j["pagination"]["total"]]' '[true, "success", 1]' "runs shows the dry run as dry_run true"
run due --json
expect_json 'len(j["data"])' '4' "a dry run writes no ledger: the same 4 are still due"

# --- the real run
run execute cron-001
expect_status 0 "execute succeeds"
expect_out 'run-0002 cron-001 success: 7 mentors checked, 4 reminders sent, 0 errors' "human summary of the run"
expect_eq "$(eml_count)" "4" "the outbox holds exactly 4 messages"
use_messages "$outbox"
expect_json 'all(m["to"] and m["subject"] and m["message_id"] and m["date"] for m in j)' 'true' "every message has To, Subject, Message-ID and Date"
expect_json 'sorted([m["to"], m["subject"]] for m in j)' '[["Ann Thirty <ann@example.org>", "[30] Your First Aid certification expires on 2026-04-25"], ["Bob Seven <bob@example.org>", "[7] Your CPR certification expires on 2026-04-02"], ["Cy One <cy@example.org>", "[1] Your Lifeguard certification expires on 2026-03-27"], ["Di Expired <di@example.org>", "[expired] Your Food Safety certification expires on 2026-03-23"]]' "each mentor gets one message, the Subject rendered from the configured template"
expect_json 'sorted(set(m["date"] for m in j))' '["Thu, 26 Mar 2026 10:00:00 +0000"]' "Date is the pinned now in RFC 5322 form"
expect_json 'all(m["file"] == m["message_id"].strip("<>") + ".eml" for m in j)' 'true' "each file is named from its Message-ID"
expect_json '" ".join(sorted(m["message_id"] for m in j))' "\"$due_ids\"" "the Message-IDs are the ones due announced"

run execute cron-001 --json
expect_status 0 "an immediate re-run succeeds"
expect_json 'list(j.keys())' '["run_id", "cron_id", "trigger", "scheduled_for", "started_at", "completed_at", "status", "dry_run", "result"]' "execute --json prints the finished run object"
expect_json '[j["run_id"], j["cron_id"], j["trigger"], j["status"], j["completed_at"]]' '["run-0003", "cron-001", "manual", "success", "2026-03-26T10:00:00Z"]' "the run is finished, manual and successful"
expect_json '[j["result"]["mentors_checked"], j["result"]["reminders_sent"], j["result"]["errors"]]' '[7, 0, 0]' "an immediate re-run sends nothing: reminders_sent 0"
expect_eq "$(eml_count)" "4" "the re-run added no message"

run show cron-001 --json
expect_json '[j["last_run_status"], j["latest_result"], j["latest_result_label_color"], j["last_run_at"]]' '["success", "pingFinished", "green", "2026-03-26T10:00:00Z"]' "show after a run: success, pingFinished"
expect_json '[j["last_run_result"]["mentors_checked"], j["last_run_result"]["reminders_sent"], j["last_run_result"]["errors"]]' '[7, 0, 0]' "show carries the last run's result"

# --- a week later: only newly crossed thresholds
export CERTCRON_NOW=2026-04-02T10:00:00Z
run due --json
expect_json 'sorted([x["mentor_id"], x["threshold"]] for x in j["data"])' '[["m1", "expired"], ["m31", "30"], ["m7", "1"]]' "a week later, due lists only the newly crossed thresholds"
run execute cron-001 --json
expect_json '[j["status"], j["result"]["reminders_sent"], j["result"]["errors"]]' '["success", 3, 0]' "a week later, 3 reminders are sent"
expect_eq "$(eml_count)" "7" "a week later, the outbox grew by 3"

# --- most urgent only: first seen 5 days before expiry
printf 'mentor_id,name,email,certification,expires_at\nm5,Hal Five,hal@example.org,Welding,2026-04-07\n' >"$SCRATCH/late.csv"
run import "$SCRATCH/late.csv"
run due --json
expect_json '[[x["mentor_id"], x["threshold"]] for x in j["data"]]' '[["m5", "7"]]' "a certification first seen 5 days out is due its 7-day reminder only"
run execute cron-001 --json
expect_json 'j["result"]["reminders_sent"]' '1' "the 7-day reminder is sent"
export CERTCRON_NOW=2026-04-03T10:00:00Z
run due --json
expect_json '[x["mentor_id"] for x in j["data"] if x["mentor_id"] == "m5"]' '[]' "the skipped 30-day reminder is not due later"

# --- renewal: a new expiry date starts afresh (and the 1-day reminder for Welding)
export CERTCRON_NOW=2026-04-06T10:00:00Z
printf 'mentor_id,name,email,certification,expires_at\nm7,Bob Seven,bob@example.org,CPR,2026-04-13\n' >"$SCRATCH/renew.csv"
run import "$SCRATCH/renew.csv" --json
expect_json '[j["certifications_updated"], j["certifications_inserted"]]' '[1, 0]' "renewal updates the certification"
run due --json
expect_json 'sorted([x["mentor_id"], x["threshold"], x["expires_on"]] for x in j["data"])' '[["m5", "1", "2026-04-07"], ["m7", "7", "2026-04-13"]]' "the renewed certification is due its 7-day reminder again"
run execute cron-001 --json
expect_json 'j["result"]["reminders_sent"]' '2' "renewal and 1-day reminders are sent"
use_messages "$outbox"
expect_json 'sorted(m["subject"] for m in j if "Welding" in m["subject"])' '["[1] Your Welding certification expires on 2026-04-07", "[7] Your Welding certification expires on 2026-04-07"]' "Welding got its 7- and 1-day reminders, never the 30-day one"
expect_json 'sorted(m["subject"] for m in j if "CPR" in m["subject"])' '["[1] Your CPR certification expires on 2026-04-02", "[7] Your CPR certification expires on 2026-04-02", "[7] Your CPR certification expires on 2026-04-13"]' "the renewed CPR got a new 7-day reminder, a separate message"
expect_json 'len(j) == len(set(m["message_id"] for m in j))' 'true' "every message has its own Message-ID"

# --- run history
run runs cron-001 --json
expect_json 'list(j.keys())' '["data", "pagination"]' "runs --json has data and pagination"
expect_json '[x["run_id"] for x in j["data"]]' '["run-0006", "run-0005", "run-0004", "run-0003", "run-0002", "run-0001"]' "runs are newest first"
expect_json 'sorted(set(x["trigger"] for x in j["data"]))' '["manual"]' "every run here was triggered manually"
expect_json 'j["pagination"]' '{"page": 1, "limit": 20, "total": 6}' "pagination counts the runs"
run runs cron-001 --status failed --json
expect_json '[j["data"], j["pagination"]["total"]]' '[[], 0]' "no failed runs here"
run runs cron-001 --limit 2 --page 2 --json
expect_json '[x["run_id"] for x in j["data"]]' '["run-0004", "run-0003"]' "runs pages newest first"
run runs cron-404
expect_status 3 "runs of an unknown job is not found"
run execute cron-404
expect_status 3 "execute of an unknown job is not found"

# --- command delivery, in a database and config of its own
capture="$SCRATCH/captured.txt"
cat >"$SCRATCH/command.toml" <<TOML
[crontab]
program = "$support/fake-crontab"
[reminders]
subject = "[{threshold}] {certification} for {name}"
[reminders.delivery]
kind = "command"
command = "sh '$support/exec-capture-sendmail' '$capture'"
timeout_seconds = 20
TOML
export CERTCRON_CONFIG="$SCRATCH/command.toml" CERTCRON_DB="$SCRATCH/command.db" CERTCRON_NOW=$t0
cat >"$SCRATCH/four.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
c1,Ida,ida@example.org,First Aid,2026-04-25
c2,Jo,jo@example.org,CPR,2026-04-02
c3,Kai,kai@example.org,Lifeguard,2026-03-27
c4,Lu,lu@example.org,Scuba,2026-03-20
CSV
run import "$SCRATCH/four.csv"
run create --name by_command --cron '0 2 * * *' --tz UTC
run due --json
cmd_ids=$(printf '%s' "$out" | python3 -c 'import json,sys; print(" ".join(sorted(x["message_id"] for x in json.load(sys.stdin)["data"])))')

EXEC_SENDMAIL_FAIL=1 run execute cron-001 --json
expect_status 1 "a failing delivery command fails the run: exit 1"
expect_json '[j["status"], j["result"]["reminders_sent"], j["result"]["errors"]]' '["failed", 0, 4]' "each failed delivery counts in errors"
expect_json '"could not be delivered" in j.get("error", "") and "550 mailbox unavailable" in j.get("error", "")' 'true' "the failed run says how many failed and why the first did"
[ -e "$capture" ] && not_ok "nothing is captured when the command fails" || ok
run due --json
expect_json 'len(j["data"])' '4' "failed deliveries are not in the ledger: still due"
run runs cron-001 --status failed --json
expect_json '[[x["run_id"], x["status"]] for x in j["data"]]' '[["run-0001", "failed"]]' "runs --status failed lists the failed run"
run show cron-001 --json
expect_json '[j["last_run_status"], j["latest_result"], j["latest_result_label_color"]]' '["failed", "pingFailed", "red"]' "show after a failed run: pingFailed"
EXEC_SENDMAIL_FAIL=1 run execute cron-001
expect_status 1 "human output: a failed run is exit 1"
expect_out 'failed: 4 mentors checked, 0 reminders sent, 4 errors' "human summary counts the errors"

run execute cron-001 --json
expect_status 0 "with a working command the next run succeeds"
expect_json '[j["status"], j["result"]["reminders_sent"], j["result"]["errors"]]' '["success", 4, 0]' "the next run delivers the 4 that failed"
use_messages "$capture"
expect_json '" ".join(sorted(m["message_id"] for m in j))' "\"$cmd_ids\"" "the command received each due message once, by Message-ID"
expect_json 'sorted([m["to"], m["subject"]] for m in j)' '[["Ida <ida@example.org>", "[30] First Aid for Ida"], ["Jo <jo@example.org>", "[7] CPR for Jo"], ["Kai <kai@example.org>", "[1] Lifeguard for Kai"], ["Lu <lu@example.org>", "[expired] Scuba for Lu"]]' "the command received complete messages on stdin"
run runs cron-001 --status success --json
expect_json '[x["run_id"] for x in j["data"]]' '["run-0003"]' "runs --status success leaves the failed runs out"
run execute cron-001 --json
expect_json 'j["result"]["reminders_sent"]' '0' "after the recovery nothing is sent twice"

# --- one running run at a time, and a run killed mid-delivery
export CERTCRON_DB="$SCRATCH/killed.db"
rm -f "$capture"
run import "$SCRATCH/four.csv"
run create --name killed --cron '0 2 * * *' --tz UTC
running_count() {
  local json
  json=$("$CERTCRON_BIN" runs cron-001 --status running --json 2>/dev/null) || return 1
  [ "$(printf '%s' "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pagination"]["total"])')" = 1 ]
}
captured_count() { grep -c '^Message-ID:' "$capture" 2>/dev/null || true; }
first_captured() { [ "$(captured_count)" -ge 1 ]; }

EXEC_SENDMAIL_DELAY=3 "$CERTCRON_BIN" execute cron-001 >"$SCRATCH/slow.out" 2>"$SCRATCH/slow.err" &
slow_pid=$!
if wait_for 15 running_count; then ok; else not_ok "the slow run shows in runs --status running"; fi
run execute cron-001
expect_status 4 "a second execute while one runs is refused with exit 4"
expect_err 'run-0001' "the refusal names the running run"
if wait_for 15 first_captured; then ok; else not_ok "the slow run delivers its first message"; fi
{ kill -9 "$slow_pid"; wait "$slow_pid"; } 2>/dev/null  # no "Killed" notice
# The command lingers 3 s after capturing, so the last captured message is the one in flight
# (delivered, not yet in the ledger) when the run died.
in_flight=$(grep '^Message-ID:' "$capture" | tail -n 1 | sed 's/^Message-ID: *//')
delivered=$(captured_count)
if [ "$delivered" -ge 1 ] && [ "$delivered" -lt 4 ]; then ok; else
  not_ok "killed mid-delivery: $delivered of 4 messages delivered"; fi

# `show` is the first command to see the dead run (`runs` below would mark it on its own).
run show cron-001 --json
expect_json 'j["last_run_status"]' '"abandoned"' "show, the first to see the killed run, does not report it as running"
run runs cron-001 --json
expect_json '[[x["run_id"], x["status"]] for x in j["data"]]' '[["run-0001", "abandoned"]]' "the killed run shows as abandoned"
expect_json '[j["data"][0]["completed_at"] is not None, "pid" in j["data"][0].get("error", "")]' '[true, true]' "the abandoned run is closed and says its process ended"
run execute cron-001 --json
expect_status 0 "a new run after the crash succeeds"
expect_json '[j["run_id"], j["status"], j["result"]["errors"]]' '["run-0002", "success", 0]' "the new run is the second run and succeeds"
use_messages "$capture"
expect_json 'sorted(set(m["message_id"] for m in j)) == sorted("'"$cmd_ids"'".split())' 'true' "every expected Message-ID was delivered at least once"
dups='[m for m in set(x["message_id"] for x in j) if [x["message_id"] for x in j].count(m) > 1]'
expect_json "$dups in ([], [\"$in_flight\"])" 'true' "at most the in-flight message was delivered twice, with the same Message-ID"
expect_json "len(j) - len($dups)" '4' "no message was delivered more than twice, none other than the in-flight one repeated"
run execute cron-001 --json
expect_json 'j["result"]["reminders_sent"]' '0' "after the recovery the ledger is complete"

finish
