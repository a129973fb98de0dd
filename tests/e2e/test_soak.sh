#!/usr/bin/env bash
# A bounded soak (SOAK_SECONDS, default 60): a real `certcron serve` on 127.0.0.1 answers API
# reads and writes from several threads (support/soak_client.py: updates, snoozes, creates and
# deletes, lists, pings, executes of one job) while, against the same database, the command
# line runs `execute` in a loop for each of two other jobs, `check` in a loop, updates of its
# own job, and imports of more certifications that become due. Reminders go to a command that
# appends one line per message to a file. At the end: no 5xx and no answer the API does not
# document (an execute is 202, or 409 while that job's run runs), every CLI command exited 0,
# no lost update (each writer's job holds its last write), every due (certification,
# threshold) delivered exactly once (the file, the ledger and what the imported dates make due
# agree, though three jobs' runs deliver at once), and the database passes integrity_check.
# The counts are printed.
source "$(dirname "$0")/lib.sh"

support="$CERTCRON_SOURCE_DIR/tests/e2e/support"
seconds=${SOAK_SECONDS:-60}
t0=2026-03-26T10:00:00Z
export CERTCRON_NOW=$t0
unset CERTCRON_TOKEN
status=0 out="" err=""
db="$SCRATCH/soak.db" cfg="$SCRATCH/soak.toml" delivered="$SCRATCH/delivered.txt"
: >"$delivered"
cat >"$cfg" <<TOML
default_timezone = "UTC"

[crontab]
program = "$support/fake-crontab"

[reminders.delivery]
kind = "command"
command = "sh '$support/append-message-id' '$delivered'"
timeout_seconds = 30
TOML
cc() { "$CERTCRON_BIN" --db "$db" --config "$cfg" "$@"; }

# Six batches of 16 certifications, days left 30, 7, 1, -3 (due: 30, 7, 1, expired), 12 (due:
# 30, a missed threshold), 31, 50 and -40 (not due); batch 0 before the soak, the others
# imported during it. expected.txt: "mentor_id threshold" of each reminder due (-1: expired).
"$py_real" - "$SCRATCH" <<'PY'
import datetime, sys
scratch = sys.argv[1]
day0 = datetime.date(2026, 3, 26)
due = {30: 30, 7: 7, 1: 1, -3: -1, 12: 30}
days = [30, 7, 1, -3, 12, 31, 50, -40]
with open(f"{scratch}/expected.txt", "w") as expected:
    for batch in range(6):
        with open(f"{scratch}/batch{batch}.csv", "w") as f:
            f.write("mentor_id,name,email,certification,expires_at\n")
            for i in range(16):
                left = days[i % len(days)]
                mentor = f"b{batch}m{i:02d}"
                f.write(f"{mentor},Mentor {mentor},{mentor}@example.org,Cert {batch},{day0 + datetime.timedelta(days=left)}\n")
                if left in due:
                    expected.write(f"{mentor} {due[left]}\n")
PY
run --db "$db" --config "$cfg" import "$SCRATCH/batch0.csv"
expect_status 0 "import the first batch of certifications"
run --db "$db" --config "$cfg" create --name soak_expiry --cron '0 2 * * *' --tz UTC
expect_status 0 "create the expiry job"
run --db "$db" --config "$cfg" create --name soak_expiry_too --cron '0 2 * * *' --tz UTC
expect_status 0 "create a second expiry job, whose runs share the ledger with the first's"
run --db "$db" --config "$cfg" create --name soak_expiry_api --cron '0 2 * * *' --tz UTC
expect_status 0 "create a third expiry job, which the API executes"
run --db "$db" --config "$cfg" create --name soak_cli --cron '0 3 * * *' --tz UTC
expect_status 0 "create the job the command line updates"

token=$("$py_real" -c 'import secrets; print(secrets.token_hex(16))')
server_pid="" loop_pids=""
trap 'for p in $loop_pids $server_pid; do kill -KILL "$p" 2>/dev/null; done; rm -rf "$SCRATCH"' EXIT
start_server serve CERTCRON_TOKEN=$token --db "$db" --config "$cfg" serve --listen 127.0.0.1:0 --threads 2
started_or_stop "serve --listen 127.0.0.1:0 starts within 15 s"

# tally FILE CODE: one line per command, its exit status.
tally() { echo "$2" >>"$1"; }
deadline=$(($(date +%s) + seconds))
# A loop per job (and the API executes a third one): their runs find the same reminders due.
for loop in 1 2; do
  job=soak_expiry
  [ "$loop" = 2 ] && job=soak_expiry_too
  (
    while [ "$(date +%s)" -lt "$deadline" ]; do
      cc execute "$job" >/dev/null 2>>"$SCRATCH/execute$loop.err" && rc=0 || rc=$?
      tally "$SCRATCH/execute$loop.codes" "$rc"
    done
  ) &
  loop_pids="$loop_pids $!"
done
(
  while [ "$(date +%s)" -lt "$deadline" ]; do
    cc --quiet check >/dev/null 2>>"$SCRATCH/check.err" && rc=0 || rc=$?
    tally "$SCRATCH/check.codes" "$rc"
    sleep 0.2
  done
) &
loop_pids="$loop_pids $!"
(
  n=0
  while [ "$(date +%s)" -lt "$deadline" ]; do
    n=$((n + 1))
    if cc update soak_cli --description "cli-$n" >/dev/null 2>>"$SCRATCH/cli_update.err"; then
      echo "cli-$n" >"$SCRATCH/cli_last"
      tally "$SCRATCH/cli_update.codes" 0
    else
      tally "$SCRATCH/cli_update.codes" "$?"
    fi
  done
) &
loop_pids="$loop_pids $!"
(
  for batch in 1 2 3 4 5; do
    sleep "$(awk -v s="$seconds" 'BEGIN { print s / 6 }')"
    cc import "$SCRATCH/batch$batch.csv" >/dev/null 2>>"$SCRATCH/import.err" && rc=0 || rc=$?
    tally "$SCRATCH/import.codes" "$rc"
  done
) &
loop_pids="$loop_pids $!"

rc=0
timeout $((seconds + 120)) "$py_real" "$support/soak_client.py" --port "$port" --token "$token" \
  --seconds "$seconds" --job soak_expiry_api --out "$SCRATCH/client.json" >"$SCRATCH/client.log" 2>&1 || rc=$?
count_checks "$SCRATCH/client.log" "$rc" soak_client.py
for p in $loop_pids; do wait "$p"; done
loop_pids=""

# count_of FILE: the commands a loop ran; bad_of FILE CODE: how many did not exit CODE.
count_of() { cat "$1" 2>/dev/null | grep -c . || true; }
bad_of() { cat "$1" 2>/dev/null | grep -cvx "$2" || true; }
executes=$(($(count_of "$SCRATCH/execute1.codes") + $(count_of "$SCRATCH/execute2.codes")))
executes_ok=$(cat "$SCRATCH"/execute[12].codes 2>/dev/null | grep -cx 0 || true)
executes_bad=$((executes - executes_ok))
checks=$(count_of "$SCRATCH/check.codes") checks_bad=$(bad_of "$SCRATCH/check.codes" 0)
updates=$(count_of "$SCRATCH/cli_update.codes") updates_bad=$(bad_of "$SCRATCH/cli_update.codes" 0)
imports=$(count_of "$SCRATCH/import.codes") imports_bad=$(bad_of "$SCRATCH/import.codes" 0)

status=$executes_bad out="" err=$(cat "$SCRATCH"/execute[12].err 2>/dev/null | head -c 2000)
if [ "$executes_bad" -eq 0 ] && [ "$executes_ok" -ge 1 ]; then ok; else
  not_ok "every execute exits 0 ($executes_bad did not)"; fi
status=$checks_bad err=$(head -c 2000 "$SCRATCH/check.err" 2>/dev/null)
if [ "$checks_bad" -eq 0 ] && [ "$checks" -ge 1 ]; then ok; else not_ok "every check exits 0 ($checks_bad did not)"; fi
status=$updates_bad err=$(head -c 2000 "$SCRATCH/cli_update.err" 2>/dev/null)
if [ "$updates_bad" -eq 0 ] && [ "$updates" -ge 1 ]; then ok; else not_ok "every CLI update exits 0 ($updates_bad did not)"; fi
status=$imports_bad err=$(head -c 2000 "$SCRATCH/import.err" 2>/dev/null)
if [ "$imports_bad" -eq 0 ] && [ "$imports" -eq 5 ]; then ok; else not_ok "the five imports during the soak exit 0 ($imports done, $imports_bad failed)"; fi

# Runs the API started finish in the server; then one last execute delivers what the last
# import made due, if no run did.
no_running() { [ "$(sqlite3 "$db" "select count(*) from runs where status = 'running'")" = 0 ]; }
wait_for 60 no_running && ok || { status=1 out="" err=""; not_ok "every run has finished within 60 s of the soak"; }
run --db "$db" --config "$cfg" execute soak_expiry
expect_status 0 "a last execute after the soak succeeds"

# No lost update: each writer's job holds its last write.
"$py_real" - "$SCRATCH/client.json" "$port" "$token" >"$SCRATCH/final.log" 2>&1 <<'PY' || true
import http.client, json, sys
result, port, token = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3]
def get(path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    r = c.getresponse()
    return r.status, json.loads(r.read())
for w in result["writers"]:
    status, job = get(f"/api/v1/certification-cron/{w['id']}")
    good = status == 200 and job.get("description") == w.get("description") and job.get("grace_time_in_minutes") == w.get("grace")
    print(("PASS" if good else "FAIL") + f" {w['id']} holds its writer's last description and grace"
          + ("" if good else f" :: {w} vs {job.get('description')} {job.get('grace_time_in_minutes')}"))
PY
count_checks "$SCRATCH/final.log" 0 "the final state check"
expect_eq "$(sqlite3 "$db" "select description from jobs where name = 'soak_cli'")" \
  "$(cat "$SCRATCH/cli_last" 2>/dev/null || echo none)" "soak_cli holds the command line's last description"

stop_server "$server_pid" TERM
server_pid=""
expect_eq "$stop_status" 0 "the server stops on SIGTERM with exit 0"
err=$(cat "$SCRATCH/serve.err") out="" status=0
if printf '%s' "$err" | grep -Eq 'handler failed|handler answered|terminate called|Sanitizer|runtime error'; then
  not_ok "the server's log has no handler failure or crash"
else ok; fi

# Exactly once: the file has each reminder once, the ledger has the same messages, and they are
# the (certification, threshold) pairs the imported dates make due.
sqlite3 "$db" "select c.mentor_id || ' ' || l.threshold from reminder_ledger l join certifications c on c.id = l.certification_id where l.outcome = 'sent' order by 1" >"$SCRATCH/ledger.txt"
sqlite3 "$db" "select message_id from reminder_ledger where outcome = 'sent' order by 1" >"$SCRATCH/ledger_ids.txt"
cut -d' ' -f1 "$delivered" | sort >"$SCRATCH/delivered_ids.txt"
sort "$SCRATCH/expected.txt" >"$SCRATCH/expected_sorted.txt"
expected=$(grep -c . "$SCRATCH/expected.txt")
lines=$(grep -c . "$delivered")
unique=$(sort -u "$SCRATCH/delivered_ids.txt" | grep -c .)
status=0 out="" err=""
expect_eq "$(sort "$SCRATCH/delivered_ids.txt" | uniq -d | head -n 3 | tr '\n' ' ')" "" "no reminder was delivered twice"
expect_eq "$lines" "$expected" "the delivery file has one line per due reminder ($expected)"
expect_eq "$(diff "$SCRATCH/ledger_ids.txt" <(sort -u "$SCRATCH/delivered_ids.txt") | head -n 5)" "" \
  "the ledger records exactly the messages delivered"
expect_eq "$(diff "$SCRATCH/ledger.txt" "$SCRATCH/expected_sorted.txt" | head -n 5)" "" \
  "the ledger holds each due (certification, threshold) and nothing else"
sent_by_runs=$(sqlite3 "$db" "select coalesce(sum(reminders_sent), 0) from runs")
expect_eq "$sent_by_runs" "$expected" "the runs' reminders_sent add up to the reminders delivered"
integrity=$(sqlite3 "$db" 'pragma integrity_check' 2>&1)
expect_eq "$integrity" ok "the database passes integrity_check"

runs_total=$(sqlite3 "$db" "select count(*) from runs")
"$py_real" - "$SCRATCH/client.json" <<PY
import json, sys
r = json.load(open(sys.argv[1]))
print("soak: $seconds s; API requests %d, errors %d" % (r["requests"], r["errors"]))
print("soak: API answers by kind: " + ", ".join(f"{k}={v}" for k, v in r["counts"].items()))
PY
echo "soak: CLI executes $executes (failed $executes_bad)," \
  "checks $checks (failed $checks_bad), updates $updates (failed $updates_bad), imports $imports"
echo "soak: runs recorded $runs_total, reminders due $expected, delivered $lines ($unique distinct)"

finish
