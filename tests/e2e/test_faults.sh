#!/usr/bin/env bash
# Faults lose nothing. Each case is a real certcron process on real files, with the fault made
# for real: the database locked by another writer past the busy timeout (execute, update,
# delete and import; create is in test_promises.sh), a full disk under the database, the state
# folder and the outbox (execute and serve), a `crontab` program that fails or hangs, a
# delivery command and a webhook that hang, `certcron serve` killed with SIGKILL during
# requests and during a run, and the clock jumping backwards and forwards between runs.
# After each: a clear error and the documented exit status, the database intact, nothing
# half-written, and the next run delivering exactly what is missing.
source "$(dirname "$0")/lib.sh"

support="$CERTCRON_SOURCE_DIR/tests/e2e/support"
status=0 out="" err=""
t0=2026-03-26T10:00:00Z
export CERTCRON_NOW=$t0

# Background processes and a tmpfs mount, all undone at exit.
bg_pids="" mounted=""
cleanup() {
  local pid
  for pid in $bg_pids; do kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  [ -z "$mounted" ] || umount "$mounted" 2>/dev/null || umount -l "$mounted" 2>/dev/null
  rm -rf "$SCRATCH"
}
trap cleanup EXIT  # lib.sh's trap, plus the processes and the mount

command -v sqlite3 >/dev/null || cannot_run "the sqlite3 shell is missing (Debian: sqlite3)"
# The full-disk case needs a file system of its own to fill: a small tmpfs, mounted first so
# that a host that cannot mount one skips the suite before anything ran.
disk="$SCRATCH/disk"
mkdir -p "$disk"
if ! mount -t tmpfs -o size=4m tmpfs "$disk" 2>"$SCRATCH/mount.err"; then
  echo "  | $(cat "$SCRATCH/mount.err")" >&2
  cannot_run "cannot mount a tmpfs to fill (needs root and CAP_SYS_ADMIN)"
fi
mounted=$disk
# sql DB QUERY: the rows of QUERY, one per line, columns separated by '|'.
sql() { sqlite3 -batch -readonly "$1" "$2"; }
expect_intact() {
  local got
  got=$(sqlite3 -batch "$1" 'PRAGMA integrity_check' 2>&1)
  expect_eq "$got" "ok" "$2: PRAGMA integrity_check is ok"
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# certs FILE N DAYS_OUT: a CSV of N mentors whose certifications expire DAYS_OUT days after t0.
certs() {
  python3 - "$1" "$2" "$3" <<'PY'
import datetime, sys
path, n, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
day = datetime.date(2026, 3, 26) + datetime.timedelta(days=days)
with open(path, "w") as f:
    f.write("mentor_id,name,email,certification,expires_at\n")
    for i in range(n):
        f.write(f"f{i:04d},Mentor {i},m{i}@example.org,First Aid,{day}\n")
PY
}

# ======================================================================================
# 1. the database locked by another writer past the busy timeout
# ======================================================================================
busy_db="$SCRATCH/busy.db"
export CERTCRON_DB=$busy_db
certs "$SCRATCH/busy.csv" 3 30
run import "$SCRATCH/busy.csv"
expect_status 0 "busy: import three due certifications"
run create --name locked_job --cron '0 2 * * *' --tz UTC
run create --name doomed_job --cron '0 3 * * *' --tz UTC
expect_status 0 "busy: create the jobs"
certs "$SCRATCH/busy-more.csv" 5 7
jobs_before=$(sql "$busy_db" 'SELECT * FROM jobs ORDER BY seq')
crontab_before=$(cat "$FAKE_CRONTAB_FILE")
rows_before=$(sql "$busy_db" 'SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM reminder_ledger),
  (SELECT count(*) FROM certifications), (SELECT count(*) FROM mentors)')

rm -f "$SCRATCH/locked"
"$py_real" - "$busy_db" "$SCRATCH/locked" <<'PY' &
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
open(sys.argv[2], "w").close()
time.sleep(60)
PY
holder=$!
bg_pids="$bg_pids $holder"
if wait_for 10 test -f "$SCRATCH/locked"; then ok; else not_ok "busy: python holds the write lock"; fi
# The four writers wait out the busy timeout side by side.
started=$(date +%s%N)
busy_pids=""
busy_cmd() {
  local name=$1
  shift
  "$CERTCRON_BIN" "$@" >"$SCRATCH/busy-$name.out" 2>"$SCRATCH/busy-$name.err" &
  busy_pids="$busy_pids $name:$!"
}
busy_cmd execute execute locked_job
busy_cmd update update locked_job --cron '30 4 * * *' --description changed
busy_cmd delete delete doomed_job --yes
busy_cmd import import "$SCRATCH/busy-more.csv"
for entry in $busy_pids; do
  name=${entry%%:*}
  wait "${entry#*:}" && status=0 || status=$?
  out=$(cat "$SCRATCH/busy-$name.out") err=$(cat "$SCRATCH/busy-$name.err")
  expect_status 5 "busy: $name under another writer's lock exits 5"
  expect_err '^certcron: error: the database is busy \(.*\); another certcron process holds it, try again$' \
    "busy: $name says the database is busy and to try again"
done
waited_ms=$(ms_since "$started")
[ "$waited_ms" -ge 4900 ] && [ "$waited_ms" -lt 30000 ] && ok ||
  not_ok "busy: the writers waited the busy timeout (5 s), and not much longer (${waited_ms} ms)"
# Still under the lock: readers see what was there before.
expect_eq "$(sql "$busy_db" 'SELECT * FROM jobs ORDER BY seq')" "$jobs_before" \
  "busy: the jobs are unchanged (no update, no delete)"
expect_eq "$(cat "$FAKE_CRONTAB_FILE")" "$crontab_before" "busy: the crontab is unchanged"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
expect_eq "$(sql "$busy_db" 'SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM reminder_ledger),
  (SELECT count(*) FROM certifications), (SELECT count(*) FROM mentors)')" "$rows_before" \
  "busy: no run row, no ledger row, no imported row was written"
expect_eq "$(find "$XDG_STATE_HOME/certcron/outbox" -type f 2>/dev/null | wc -l | tr -d ' ')" "0" \
  "busy: the execute that gave up sent nothing"
expect_intact "$busy_db" "busy"
run execute locked_job --json
expect_json '[j["run_id"], j["status"], j["result"]["reminders_sent"]]' '["run-0001", "success", 3]' \
  "busy: once the lock is gone, execute is the first run and sends the three reminders"
run update locked_job --cron '30 4 * * *'
expect_status 0 "busy: the update succeeds once the lock is gone"
grep -q '^30 4 \* \* \* .*# certcron:cron-001$' "$FAKE_CRONTAB_FILE" && ok ||
  not_ok "busy: the update's line is in the crontab"
unset CERTCRON_DB

# ======================================================================================
# 3. the crontab program fails or hangs (before the disk case: it needs no mount)
# ======================================================================================
cron_db="$SCRATCH/cron.db"
export CERTCRON_DB=$cron_db
cat >"$SCRATCH/crontab-fails" <<'SH'
#!/bin/sh
# Reads like the fake crontab; refuses every write.
case "$1" in
  -l) if [ -f "$FAKE_CRONTAB_FILE" ]; then cat "$FAKE_CRONTAB_FILE"; else echo "no crontab for root" >&2; exit 1; fi ;;
  -) cat >/dev/null; echo "crontab: write error: the spool is read-only" >&2; exit 1 ;;
esac
SH
cat >"$SCRATCH/crontab-hangs" <<SH
#!/bin/sh
# Reads like the fake crontab; a write never ends. Its pid goes to a file, to see it killed.
case "\$1" in
  -l) if [ -f "\$FAKE_CRONTAB_FILE" ]; then cat "\$FAKE_CRONTAB_FILE"; else echo "no crontab for root" >&2; exit 1; fi ;;
  -) echo \$\$ >"$SCRATCH/hang.pid"; cat >/dev/null; sleep 1000 ;;
esac
SH
chmod +x "$SCRATCH/crontab-fails" "$SCRATCH/crontab-hangs"
crontab_config() {
  printf '[crontab]\nprogram = "%s"\ntimeout_seconds = 2\n' "$1" >"$SCRATCH/$2.toml"
}
crontab_config "$SCRATCH/crontab-fails" fails
crontab_config "$SCRATCH/crontab-hangs" hangs
run create --name kept --cron '0 2 * * *' --tz UTC
run create --name to_delete --cron '0 3 * * *' --tz UTC
expect_status 0 "crontab: create two jobs with the working crontab"
jobs_before=$(sql "$cron_db" 'SELECT * FROM jobs ORDER BY seq')
crontab_before=$(cat "$FAKE_CRONTAB_FILE")
for variant in fails hangs; do
  for change in create update delete; do
    case $change in
      create) args=(create --name "new_$variant" --cron '0 5 * * *' --tz UTC) ;;
      update) args=(update kept --cron '15 6 * * *') ;;
      delete) args=(delete to_delete --yes) ;;
    esac
    rm -f "$SCRATCH/hang.pid"
    started=$(date +%s%N)
    CERTCRON_CONFIG="$SCRATCH/$variant.toml" run "${args[@]}"
    took=$(ms_since "$started")
    echo "  | crontab $variant: $change took $took ms" >&2
    expect_status 1 "crontab $variant: $change exits 1"
    expect_eq "$(sql "$cron_db" 'SELECT * FROM jobs ORDER BY seq')" "$jobs_before" \
      "crontab $variant: $change left the job table unchanged"
    expect_eq "$(cat "$FAKE_CRONTAB_FILE")" "$crontab_before" "crontab $variant: $change left the crontab unchanged"
    expect_err 'not changed|rolled back|nothing was changed' "crontab $variant: $change says the change was not made"
    if [ "$variant" = fails ]; then
      expect_err 'the spool is read-only' "crontab fails: $change gives the crontab program's message"
    else
      expect_err 'timed out' "crontab hangs: $change says the crontab program timed out"
      [ "$took" -ge 1900 ] && [ "$took" -lt 8000 ] && ok ||
        not_ok "crontab hangs: $change is cut off after timeout_seconds = 2 (took ${took} ms)"
      hung=$(cat "$SCRATCH/hang.pid" 2>/dev/null || echo 0)
      [ "$hung" -gt 0 ] && wait_for 2 gone "$hung" && ok ||
        not_ok "crontab hangs: the hung crontab program ($hung) was killed"
    fi
  done
done
run create --name after_faults --cron '0 7 * * *' --tz UTC
expect_status 0 "crontab: with the working crontab again, a change succeeds"
grep -q '# certcron:cron-003$' "$FAKE_CRONTAB_FILE" && ok || not_ok "crontab: its line is installed"
expect_intact "$cron_db" "crontab"
unset CERTCRON_DB

# ======================================================================================
# 4. a delivery command and a webhook that hang
# ======================================================================================
hang_db="$SCRATCH/hang.db"
export CERTCRON_DB=$hang_db
certs "$SCRATCH/hang.csv" 2 7
run import "$SCRATCH/hang.csv"
run create --name hanging --cron '0 2 * * *' --tz UTC
expect_status 0 "hang: a job with two due reminders"
cat >"$SCRATCH/deliver-hangs" <<SH
#!/bin/sh
echo \$\$ >>"$SCRATCH/deliver.pids"
cat >/dev/null
sleep 1000
SH
chmod +x "$SCRATCH/deliver-hangs"
capture="$SCRATCH/hang-captured.txt"
delivery_config() {  # NAME KIND KEY=VALUE: a config whose reminders go through KIND
  printf '[crontab]\nprogram = "%s"\n[reminders.delivery]\nkind = "%s"\n%s\ntimeout_seconds = 2\n' \
    "$support/fake-crontab" "$2" "$3" >"$SCRATCH/$1.toml"
}
delivery_config cmd-hangs command "command = \"$SCRATCH/deliver-hangs\""
delivery_config cmd-works command "command = \"sh '$support/exec-capture-sendmail' '$capture'\""
started=$(date +%s%N)
CERTCRON_CONFIG="$SCRATCH/cmd-hangs.toml" run execute hanging --json
took=$(ms_since "$started")
expect_status 1 "hang: a run whose delivery command hangs exits 1 (the run failed)"
expect_json '[j["status"], j["result"]["reminders_sent"], j["result"]["errors"]]' '["failed", 0, 2]' \
  "hang: each hung delivery counts as an error"
expect_json '"timed out" in j.get("error", "")' 'true' "hang: the run's error says the command timed out"
[ "$took" -ge 3800 ] && [ "$took" -lt 12000 ] && ok ||
  not_ok "hang: two deliveries are cut off after timeout_seconds = 2 each (took ${took} ms)"
left=0
for pid in $(cat "$SCRATCH/deliver.pids" 2>/dev/null); do gone "$pid" || left=$((left + 1)); done
expect_eq "$(wc -l <"$SCRATCH/deliver.pids" | tr -d ' ')/$left" "2/0" "hang: both hung commands were started and killed"
run runs hanging --json
expect_json '[[x["status"], x["completed_at"] is not None] for x in j["data"]]' '[["failed", true]]' \
  "hang: the run is recorded, completed and failed"
expect_eq "$(sql "$hang_db" 'SELECT count(*) FROM reminder_ledger')" "0" "hang: nothing hung is in the ledger"
CERTCRON_CONFIG="$SCRATCH/cmd-works.toml" run execute hanging --json
expect_json '[j["status"], j["result"]["reminders_sent"], j["result"]["errors"]]' '["success", 2, 0]' \
  "hang: the next run with a working command delivers both"
expect_eq "$(grep -c '^Message-ID:' "$capture")" "2" "hang: each reminder was delivered once"

# A webhook server that reads the request and never answers.
cat >"$SCRATCH/silent_http.py" <<'PY'
import http.server, sys, threading, time
class Silent(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "a") as f:
            f.write(self.headers.get("Idempotency-Key", "") + "\n")
        time.sleep(1000)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Silent)
server.daemon_threads = True
with open(sys.argv[1], "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
PY
"$py_real" "$SCRATCH/silent_http.py" "$SCRATCH/silent.port" "$SCRATCH/silent.keys" &
bg_pids="$bg_pids $!"
if wait_for 5 test -s "$SCRATCH/silent.port"; then ok; else not_ok "hang: the silent webhook server starts"; fi
certs "$SCRATCH/hook.csv" 1 1
sed -i 's/^f0000,Mentor 0,m0@/h0000,Hook Zero,h0@/' "$SCRATCH/hook.csv"
run import "$SCRATCH/hook.csv"
delivery_config hook-hangs webhook "url = \"http://127.0.0.1:$(cat "$SCRATCH/silent.port")/hook\""
started=$(date +%s%N)
CERTCRON_CONFIG="$SCRATCH/hook-hangs.toml" run execute hanging --json
took=$(ms_since "$started")
expect_status 1 "hang: a run whose webhook never answers exits 1"
expect_json '[j["status"], j["result"]["reminders_sent"], j["result"]["errors"]]' '["failed", 0, 1]' \
  "hang: the unanswered POST counts as an error"
[ "$took" -ge 1900 ] && [ "$took" -lt 8000 ] && ok ||
  not_ok "hang: the POST is given up after timeout_seconds = 2 (took ${took} ms)"
expect_eq "$(wc -l <"$SCRATCH/silent.keys" | tr -d ' ')" "1" "hang: the server received the POST"
CERTCRON_CONFIG="$SCRATCH/cmd-works.toml" run execute hanging --json
expect_json '[j["status"], j["result"]["reminders_sent"]]' '["success", 1]' \
  "hang: the reminder the webhook did not take is delivered by the next run"
expect_eq "$(grep -c '^Message-ID:' "$capture")" "3" "hang: no reminder was delivered twice"
unset CERTCRON_DB

# ======================================================================================
# 6. the clock jumps backwards and forwards between runs
# ======================================================================================
clock_db="$SCRATCH/clock.db"
export CERTCRON_DB=$clock_db
clock_outbox="$SCRATCH/clock-state/outbox"
printf 'state_dir = "%s"\n[crontab]\nprogram = "%s"\n[reminders]\nsubject = "[{threshold}] {certification}"\n' \
  "$SCRATCH/clock-state" "$support/fake-crontab" >"$SCRATCH/clock.toml"
export CERTCRON_CONFIG="$SCRATCH/clock.toml"
# 9 days out at 03-26: the 30-day reminder is due now, the 7-day one on 03-28.
printf 'mentor_id,name,email,certification,expires_at\nk1,Kit,kit@example.org,CPR,2026-04-04\n' >"$SCRATCH/clock.csv"
at() { local when=$1; shift; CERTCRON_NOW=$when run "$@"; }
at 2026-03-26T01:00:00Z import "$SCRATCH/clock.csv"
at 2026-03-26T01:00:00Z create --name nightly --cron '0 2 * * *' --tz UTC --grace 30
expect_status 0 "clock: create a nightly job at 01:00"
at 2026-03-26T02:01:00Z execute nightly --scheduled --json
expect_json '[j["scheduled_for"], j["result"]["reminders_sent"]]' '["2026-03-26T02:00:00Z", 1]' \
  "clock: the 03-26 slot runs and sends the 30-day reminder"
at 2026-03-28T02:01:00Z execute nightly --scheduled --json
expect_json '[j["scheduled_for"], j["result"]["reminders_sent"]]' '["2026-03-28T02:00:00Z", 1]' \
  "clock: two days on, the 03-28 slot runs and sends the 7-day reminder"
# Back two days, into the first slot's grace time: it has a run already.
run_count() { sql "$clock_db" 'SELECT count(*) FROM runs'; }
# scheduled_skips WHEN WHAT: `execute --scheduled` at WHEN exits 0 and starts no run.
scheduled_skips() {
  local before
  before=$(run_count)
  at "$1" execute nightly --scheduled
  expect_status 0 "clock: $2: the scheduled run exits 0"
  expect_eq "$(run_count)" "$before" "clock: $2: no run is started"
}
scheduled_skips 2026-03-26T02:05:00Z "back to 03-26 02:05, the slot that ran"
at 2026-03-26T02:05:00Z execute nightly --json
expect_json '[j["trigger"], j["result"]["reminders_sent"]]' '["manual", 0]' \
  "clock: a run by hand back on 03-26 sends nothing (the 30-day reminder is not repeated)"
at 2026-03-26T03:00:00Z check --json
expect_status 0 "clock: check back on 03-26 03:00 succeeds"
expect_json 'len(j.get("late", []))' '0' "clock: check back on 03-26 reports nothing late"
scheduled_skips 2026-03-28T02:10:00Z "forward again to 03-28 02:10, the slot that ran"
# Forward past two missed slots: late, told once, caught up once.
at 2026-03-31T03:00:00Z check --json
expect_json '[[x["name"], x["slot"], x["newly_late"]] for x in j["late"]]' \
  '[["nightly", "2026-03-31T02:00:00Z", true]]' "clock: forward to 03-31 03:00, check reports the job late for the 03-31 slot"
at 2026-03-31T03:05:00Z check --json
expect_json 'len(j.get("late", []))' '0' "clock: the next pass does not report it again"
# Back again, to before the caught-up run: nothing is late or run twice.
at 2026-03-30T03:00:00Z check --json
expect_json 'len(j.get("late", []))' '0' "clock: back to 03-30, check does not report the 03-30 slot late after a newer run"
scheduled_skips 2026-03-31T02:20:00Z "a late cron line for the caught-up 03-31 slot"
expect_eq "$(sql "$clock_db" 'SELECT count(*) FROM runs WHERE scheduled_for IS NOT NULL GROUP BY scheduled_for HAVING count(*) > 1')" "" \
  "clock: no slot has two runs"
expect_eq "$(sql "$clock_db" "SELECT group_concat(trigger || '@' || datetime(scheduled_for, 'unixepoch'), ' ') FROM (SELECT * FROM runs WHERE scheduled_for IS NOT NULL ORDER BY seq)")" \
  "schedule@2026-03-26 02:00:00 schedule@2026-03-28 02:00:00 catch_up@2026-03-31 02:00:00" \
  "clock: the runs with a slot are the two scheduled ones and one catch-up"
alerts=$(grep -h '^Subject: \[certcron\]' "$clock_outbox"/*.eml 2>/dev/null | tr -d '\r' | sed 's/^Subject: //' | sort | tr '\n' '|')
expect_eq "$alerts" "[certcron] nightly (cron-001) did not run on time|[certcron] nightly (cron-001) recovered|" \
  "clock: the late job was alerted once, and its recovery once"
subjects=$(grep -h '^Subject: \[' "$clock_outbox"/*.eml 2>/dev/null | grep -v '\[certcron\]' | sort | tr -d '\r' | tr '\n' '|')
expect_eq "$subjects" "Subject: [30] CPR|Subject: [7] CPR|" \
  "clock: each reminder went out once (30 on 03-26, 7 on 03-28), whatever the clock did"
unset CERTCRON_DB CERTCRON_CONFIG

# ======================================================================================
# 5. SIGKILL of `certcron serve` during requests and during a run
# ======================================================================================
kill_db="$SCRATCH/kill.db" kill_capture="$SCRATCH/kill-sent.txt"
printf 'default_timezone = "UTC"\n[crontab]\nprogram = "%s"\n[reminders.delivery]\nkind = "command"\ncommand = "sh '"'"'%s'"'"' '"'"'%s'"'"'"\ntimeout_seconds = 30\n' \
  "$support/fake-crontab" "$support/exec-capture-sendmail" "$kill_capture" >"$SCRATCH/kill.toml"
export CERTCRON_DB=$kill_db CERTCRON_CONFIG="$SCRATCH/kill.toml"
certs "$SCRATCH/kill.csv" 4 7
run import "$SCRATCH/kill.csv"
run create --name killed_run --cron '0 2 * * *' --tz UTC
expect_status 0 "kill: a job with four due reminders"
kill_ids=$("$CERTCRON_BIN" due --json | python3 -c 'import json,sys; print(" ".join(sorted(x["message_id"] for x in json.load(sys.stdin)["data"])))')
# serve_start NAME: a server on an ephemeral port; leaves $server_pid and $port.
serve_start() {
  EXEC_SENDMAIL_DELAY=2 "$CERTCRON_BIN" serve --listen 127.0.0.1:0 >"$SCRATCH/$1.out" 2>"$SCRATCH/$1.err" &
  server_pid=$!
  bg_pids="$bg_pids $server_pid"
  wait_for 15 grep -q '^certcron: listening on' "$SCRATCH/$1.err" || true
  port=$(sed -En 's|^certcron: listening on http://[^ ]*:([0-9]+)( .*)?$|\1|p' "$SCRATCH/$1.err" | head -n 1)
  if [ -n "$port" ]; then ok; else not_ok "kill: serve ($1) starts"; fi
}
api() {  # METHOD PATH [BODY]: the answer's status and body in $status and $out
  local answer
  answer=$(python3 - "$port" "$@" <<'PY'
import http.client, sys
port, method, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
body = sys.argv[4] if len(sys.argv) > 4 else None
c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
c.request(method, "/api/v1/certification-cron" + path, body=body, headers={"Content-Type": "application/json"})
r = c.getresponse()
print(r.status)
print(r.read().decode())
PY
  ) || true
  status=$(printf '%s\n' "$answer" | head -n 1) out=$(printf '%s\n' "$answer" | tail -n +2) err=""
}
serve_start first
first_pid=$server_pid
api POST /killed_run/execute '{"dry_run": false}'
expect_eq "$status" "202" "kill: the API starts a run (202)"
killed_run_id=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run_id"])' 2>/dev/null)
first_captured() { [ "$(grep -c '^Message-ID:' "$kill_capture" 2>/dev/null || echo 0)" -ge 1 ]; }
wait_for 20 first_captured && ok || not_ok "kill: the run delivers its first message"
# Creates in a stream, with the server killed among them: every 201 must survive.
"$py_real" - "$port" "$SCRATCH/created.txt" <<'PY' &
import http.client, json, sys
port, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as log:
    for i in range(100000):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("POST", "/api/v1/certification-cron", body=json.dumps(
                {"name": f"stream_{i}", "cron_expression": "0 2 * * *", "server_timezone": "UTC"}),
                headers={"Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
        except Exception:
            break
        if r.status == 201:
            log.write(f"stream_{i}\n")
            log.flush()
PY
stream_pid=$!
bg_pids="$bg_pids $stream_pid"
created_some() { [ "$(cat "$SCRATCH/created.txt" 2>/dev/null | wc -l)" -ge 5 ]; }
wait_for 20 created_some && ok || not_ok "kill: the stream of creates is under way"
{ kill -KILL "$first_pid"; wait "$first_pid"; } 2>/dev/null
wait "$stream_pid" 2>/dev/null
created=$(wc -l <"$SCRATCH/created.txt" | tr -d ' ')
expect_intact "$kill_db" "kill"
run runs killed_run --json
expect_json "[[x[\"run_id\"], x[\"status\"]] for x in j[\"data\"]]" "[[\"$killed_run_id\", \"abandoned\"]]" \
  "kill: the run of the killed server is marked abandoned, not left running"
missing=$(sql "$kill_db" "SELECT name FROM jobs" | sort | comm -13 - <(sort "$SCRATCH/created.txt") | head -n 5)
expect_eq "$missing" "" "kill: every create answered 201 before the kill is in the database ($created of them)"
# The block is written just before the commit: a kill in between leaves a line for a job that
# is not there, which `crontab repair` removes; a job without its line would be a lost write.
no_line=$(sql "$kill_db" "SELECT 'cron-' || printf('%03d', seq) FROM jobs" | while read -r id; do
  grep -q "# certcron:$id\$" "$FAKE_CRONTAB_FILE" || echo "$id"; done | head -n 3)
expect_eq "$no_line" "" "kill: every job in the database has its crontab line"
run crontab repair
run crontab verify
expect_status 0 "kill: after crontab repair, the block matches the database"
serve_start second
api GET /killed_run/runs
expect_json '[x["status"] for x in j["data"]]' '["abandoned"]' "kill: the restarted server shows the run abandoned"
api POST /killed_run/execute '{"dry_run": false}'
expect_eq "$status" "202" "kill: the restarted server starts a new run for the job"
run_done() { [ "$(sql "$kill_db" "SELECT count(*) FROM runs WHERE status = 'success'")" = 1 ]; }
wait_for 30 run_done && ok || not_ok "kill: the new run succeeds within 30 s"
api GET /killed_run/runs
expect_json '[[x["status"], x["result"]["errors"] if x.get("result") else None] for x in j["data"]]' \
  '[["success", 0], ["abandoned", null]]' "kill: the new run succeeded after the abandoned one"
kill -TERM "$server_pid"; wait "$server_pid" 2>/dev/null
# The killed server's delivery may have finished on its own; at most that one message repeats.
wait_for 5 true
out=$(python3 - "$kill_capture" <<'PY'
import email, json, sys
parts = [p for p in open(sys.argv[1], encoding="utf-8").read().split("\n--- end\n") if p.strip()]
print(json.dumps([email.message_from_string(p)["Message-ID"] for p in parts]))
PY
) err="" status=0
expect_json '" ".join(sorted(set(j)))' "\"$kill_ids\"" "kill: every due reminder was delivered"
expect_json 'len(j) - len(set(j)) <= 1' 'true' "kill: at most the message in flight was delivered twice"
expect_eq "$(sql "$kill_db" "SELECT count(*) FROM reminder_ledger WHERE outcome = 'sent'")" "4" \
  "kill: the ledger holds the four reminders once each"
unset CERTCRON_DB CERTCRON_CONFIG

# ======================================================================================
# 2. a full disk under the database, the state folder and the outbox
# ======================================================================================
full_db="$disk/certcron.db"
printf 'state_dir = "%s"\n[crontab]\nprogram = "%s"\n' "$disk/state" "$support/fake-crontab" >"$SCRATCH/disk.toml"
export CERTCRON_DB=$full_db CERTCRON_CONFIG="$SCRATCH/disk.toml"
full_outbox="$disk/state/outbox"
certs "$SCRATCH/disk.csv" 600 30
run import "$SCRATCH/disk.csv"
expect_status 0 "disk: import 600 due certifications onto the tmpfs"
run create --name on_full_disk --cron '0 2 * * *' --tz UTC
expect_status 0 "disk: create the job"
disk_ids=$("$CERTCRON_BIN" due --json | python3 -c 'import json,sys; print(" ".join(sorted(x["message_id"].strip("<>") for x in json.load(sys.stdin)["data"])))')
# fill KIB: fills the tmpfs, then frees KIB KiB of the filler.
fill() {
  dd if=/dev/zero of="$disk/filler" bs=64k 2>/dev/null || true
  local size
  size=$(stat -c %s "$disk/filler")
  truncate -s $((size - $1 * 1024)) "$disk/filler"
}
fill 256
crontab_before=$(cat "$FAKE_CRONTAB_FILE")
run execute on_full_disk --json
expect_status 1 "disk: execute on a full disk exits 1"
printf '%s %s' "$out" "$err" | grep -q 'No space left on device\|disk is full' && ok ||
  not_ok "disk: the error says the disk is full"
expect_json 'j["message"].startswith("delivered ") and "but could not record it in the ledger" in j["message"]' 'true' \
  "disk: the error says reminders went out that the ledger could not record"
expect_intact "$full_db" "disk (after the execute)"
# What went out and what the ledger says: a message without its ledger row is allowed only
# for the outbox's last batch (256), and is replaced, not doubled, by the next run.
files_now=$(find "$full_outbox" -name '*.eml' 2>/dev/null | wc -l | tr -d ' ')
ledger_now=$(sql "$full_db" "SELECT count(*) FROM reminder_ledger WHERE outcome = 'sent'")
unrecorded=$(comm -23 <(find "$full_outbox" -name '*.eml' -printf '%f\n' 2>/dev/null | sed 's/\.eml$//' | sort) \
  <(sql "$full_db" "SELECT message_id FROM reminder_ledger WHERE outcome = 'sent'" | tr -d '<>' | sort) | wc -l | tr -d ' ')
unfiled=$(comm -13 <(find "$full_outbox" -name '*.eml' -printf '%f\n' 2>/dev/null | sed 's/\.eml$//' | sort) \
  <(sql "$full_db" "SELECT message_id FROM reminder_ledger WHERE outcome = 'sent'" | tr -d '<>' | sort) | wc -l | tr -d ' ')
echo "  | disk full: $files_now messages in the outbox, $ledger_now in the ledger, $unrecorded not recorded" >&2
[ "$files_now" -lt 600 ] && ok || not_ok "disk: the full disk stopped some deliveries ($files_now of 600 written)"
expect_eq "$unfiled" "0" "disk: no reminder is in the ledger without its message"
[ "$unrecorded" -le 256 ] && ok || not_ok "disk: at most one batch delivered but not recorded ($unrecorded)"
leftovers=$(find "$full_outbox" -type f ! -name '*.eml' 2>/dev/null | wc -l | tr -d ' ')
expect_eq "$leftovers" "0" "disk: no partial file is left in the outbox"

# serve handling a create on the full disk. Which write meets the full disk first depends on
# the bytes the execute left free: the crontab's backup (refused before anything changed), or
# the commit after the crontab was written (the block is written back from the jobs as they
# stayed; the state folder, where the backups go, is on the full disk too, so even that
# fails, and the error says how to repair; job_service_test covers that path on its own).
serve_start disk
api POST '' '{"name": "created_on_full_disk", "cron_expression": "0 4 * * *", "server_timezone": "UTC"}'
echo "  | disk full: serve answered $status to a create: $out" >&2
expect_eq "$status" "500" "disk: a create the server could not store is answered 500"
expect_json '(j["message"].startswith("database error: database or disk is full") and "run `certcron crontab repair`" in j["message"]) or ("No space left on device" in j["message"] and j["message"].endswith("nothing was changed"))' 'true' \
  "disk: the answer says the disk is full, and either that nothing changed or to run crontab repair"
expect_eq "$(sql "$full_db" "SELECT count(*) FROM jobs WHERE name = 'created_on_full_disk'")" "0" \
  "disk: a create that failed left no job"
kill -TERM "$server_pid"
wait_for 40 gone "$server_pid" && ok || not_ok "disk: the server on a full disk stops on SIGTERM"
wait "$server_pid" 2>/dev/null
expect_intact "$full_db" "disk (after serve)"

# Space again: the run that could not be recorded is closed, and the next run delivers
# exactly what is missing.
rm -f "$disk/filler"
run crontab repair
expect_status 0 "disk: with space again, crontab repair succeeds"
expect_eq "$(cat "$FAKE_CRONTAB_FILE")" "$crontab_before" "disk: crontab repair removed the line of the create that failed"
run runs on_full_disk --json
expect_json '[x["status"] in ("failed", "abandoned") for x in j["data"]]' '[true]' \
  "disk: the run on the full disk is closed (failed, or abandoned if even that could not be written)"
echo "  | disk full: the run on the full disk shows as $(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"][0]["status"])' 2>/dev/null)" >&2
run execute on_full_disk --json
expect_status 0 "disk: with space again, execute succeeds"
expect_json '[j["status"], j["result"]["reminders_sent"] + '"$ledger_now"']' '["success", 600]' \
  "disk: the new run sends what the ledger lacked, no more"
expect_eq "$(find "$full_outbox" -name '*.eml' -printf '%f\n' | sed 's/\.eml$//' | sort | tr '\n' ' ' | sed 's/ $//')" \
  "$disk_ids" "disk: the outbox holds each due message exactly once"
expect_eq "$(sql "$full_db" "SELECT count(*), count(DISTINCT message_id) FROM reminder_ledger WHERE outcome = 'sent'")" \
  "600|600" "disk: the ledger holds each reminder once"
run runs on_full_disk --json
expect_json '[x["status"] for x in j["data"]][0]' '"success"' "disk: the new run succeeded"
expect_intact "$full_db" "disk (after recovery)"
unset CERTCRON_DB CERTCRON_CONFIG

finish
