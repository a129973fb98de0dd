#!/usr/bin/env bash
# `certcron check`: late jobs and abandoned runs, as the crontab's monitor line runs it.
source "$(dirname "$0")/lib.sh"

CERTCRON_NOW=2026-03-25T12:00:00Z run create --name nightly --cron '0 2 * * *' --tz UTC --grace 10 --no-catch-up
CERTCRON_NOW=2026-03-25T12:00:00Z run create --name paused --cron '0 2 * * *' --tz UTC --disabled

CERTCRON_NOW=2026-03-26T02:05:00Z run check --json
expect_json '[j["jobs_checked"], j["late"]]' '[1, []]' "a slot still within its grace time is not late"

CERTCRON_NOW=2026-03-26T02:11:00Z run check --json
expect_json '[[x["id"], x["slot"], x["newly_late"]] for x in j["late"]]' '[["cron-001", "2026-03-26T02:00:00Z", true]]' "a slot past its grace time without a run is late"
run show cron-001 --json
expect_json '[j["latest_result"], j["latest_result_label"], j["latest_result_label_color"]]' '["sentCronNotExutedOnTimeNotification", "notified", "orange"]' "the late job is labelled notified/orange once its alert went out"
alert_file=$(grep -l 'did not run on time' "$XDG_STATE_HOME"/certcron/outbox/*.eml 2>/dev/null | head -1)
expect_eq "$(grep -c '^Subject: \[certcron\] nightly (cron-001) did not run on time' "${alert_file:-/dev/null}")" 1 \
  "by default the late alert is a message in the outbox"
expect_eq "$(grep -c "^To: $(id -un)" "${alert_file:-/dev/null}")" 1 "addressed to the local user"

CERTCRON_NOW=2026-03-26T02:16:00Z run check --quiet
expect_status 0 "check --quiet succeeds"
expect_eq "$out" "" "a late slot already reported is not logged again by --quiet"

# --quiet (the monitor line) logs a slot the first time it is found late, and only then.
quiet_db="$SCRATCH/quiet.db"
CERTCRON_NOW=2026-03-25T12:00:00Z run --db "$quiet_db" create --name quiet_nightly --cron '0 2 * * *' --tz UTC --grace 10 --no-catch-up
CERTCRON_NOW=2026-03-26T02:11:00Z run --db "$quiet_db" check --quiet
expect_status 0 "check --quiet with a newly late slot succeeds"
expect_eq "$out" "cron-001 (quiet_nightly): late: no run started for the slot 2026-03-26T02:00:00Z within its grace time of 10 min" \
  "check --quiet logs a slot newly found late"
CERTCRON_NOW=2026-03-26T02:16:00Z run --db "$quiet_db" check --quiet
expect_eq "$out" "" "the next check --quiet does not log that slot again"

CERTCRON_NOW=2026-03-26T02:20:00Z run execute cron-001 --json
expect_json 'j["status"]' '"success"' "a manual run after the slot"
CERTCRON_NOW=2026-03-26T02:25:00Z run check --json
expect_json 'j["late"]' '[]' "a run started since the slot clears the late state"

CERTCRON_NOW=2026-03-27T02:00:30Z run execute cron-001 --scheduled --json
expect_json '[j["trigger"], j["scheduled_for"]]' '["schedule", "2026-03-27T02:00:00Z"]' "the scheduled run of the next slot"
CERTCRON_NOW=2026-03-27T02:30:00Z run check --json
expect_json 'j["late"]' '[]' "a slot with its scheduled run is not late"

# A run whose process was killed is marked abandoned by the first check that sees it.
db="$XDG_DATA_HOME/certcron/certcron.db"
python3 - "$db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("INSERT INTO runs (job_seq, trigger, started_at, status, dry_run, pid) VALUES (1, 'manual', 1774580000, 'running', 0, 2147480000)")
con.commit()
PY
CERTCRON_NOW=2026-03-27T03:00:00Z run check --json
expect_json '[x["status"] for x in j["abandoned"]]' '["abandoned"]' "a running run of a dead process is marked abandoned"
run show cron-001 --json
expect_json '[j["last_run_status"], j["latest_result"]]' '["abandoned", "sentPingFailedNotification"]' "the job shows the abandoned run, and that its failure was alerted"

run check
expect_status 0 "check prints a human summary"

# A run is tied to its process by pid and start time: a live process with the run's pid but
# another start time (the pid was reused) does not keep the run alive; the right one does.
sleep 60 &
holder=$!
start_ticks=$(python3 -c 'import sys; s=open(f"/proc/{sys.argv[1]}/stat").read(); print(s[s.rindex(")") + 2:].split()[19])' "$holder")
# insert_running PID START: a running run of cron-001 as another process would have recorded it.
insert_running() {
  python3 - "$db" "$1" "$2" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("INSERT INTO runs (job_seq, trigger, started_at, status, dry_run, pid, pid_start) "
            "VALUES (1, 'manual', 1774590000, 'running', 0, ?, ?)", (int(sys.argv[2]), int(sys.argv[3])))
con.commit()
PY
}
insert_running "$holder" "$((start_ticks + 1))"
CERTCRON_NOW=2026-03-27T04:00:00Z run check --json
expect_json '[x["status"] for x in j["abandoned"]]' '["abandoned"]' "a reused pid (same pid, later start) does not keep the run alive"
insert_running "$holder" "$start_ticks"
CERTCRON_NOW=2026-03-27T04:05:00Z run check --json
expect_json 'j["abandoned"]' '[]' "the run's own live process (same pid and start) keeps it running"
run show cron-001 --json
expect_json 'j["last_run_status"]' '"running"' "the job shows the run as running"
kill "$holder"
wait "$holder" 2>/dev/null
CERTCRON_NOW=2026-03-27T04:10:00Z run check --json
expect_json '[x["status"] for x in j["abandoned"]]' '["abandoned"]' "once that process ends, the run is abandoned"

finish
