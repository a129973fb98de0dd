#!/usr/bin/env bash
# Promises of the README that no other suite holds the binary to: exit 5 when the database
# stays locked past the busy timeout, colour only on a terminal and never with NO_COLOR,
# default_timezone for new jobs, `--every` slots that an edit does not move, and the expiry
# check counting days by calendar date in a job zone that is not UTC, end to end.
source "$(dirname "$0")/lib.sh"

out='' err='' status=0
# at INSTANT ARGS...: certcron ARGS... with "now" pinned to INSTANT.
at() { local when=$1; shift; CERTCRON_NOW=$when run "$@"; }

# --- exit 5: another connection holds the write lock past the 5-second busy timeout
busy_db="$SCRATCH/busy.db"
run --db "$busy_db" create --name before_lock --cron '0 2 * * *' --tz UTC
expect_status 0 "create a job before the lock is taken"
rm -f "$SCRATCH/locked"
"$py_real" - "$busy_db" "$SCRATCH/locked" <<'PY' &
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(30)
PY
holder=$!
trap 'kill "$holder" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
if wait_for 10 test -f "$SCRATCH/locked"; then ok; else not_ok "python holds the database's write lock"; fi
started=$(date +%s%N)
run --db "$busy_db" create --name under_lock --cron '0 3 * * *' --tz UTC
waited_ms=$((($(date +%s%N) - started) / 1000000))
expect_status 5 "a write while another process holds the lock exits 5"
expect_err '^certcron: error: the database is busy \(.*\); another certcron process holds it, try again$' \
  "the message says the database is busy and to try again"
if [ "$waited_ms" -ge 4900 ]; then ok; else
  not_ok "certcron waited the busy timeout (5 s) before giving up (it waited ${waited_ms} ms)"; fi
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
run --db "$busy_db" create --name after_lock --cron '0 3 * * *' --tz UTC
expect_status 0 "once the lock is released the same write succeeds"
run --db "$busy_db" show under_lock
expect_status 3 "the write that gave up as busy left no job"

# --- colour: on a terminal unless NO_COLOR is set; never into a pipe
run create --name coloured --cron '0 2 * * *' --tz UTC
# on_tty ENV...: `certcron list` on a pseudo-terminal (script(1)), with the environment ENV.
on_tty() {
  out=$(script -qec "env $(printf '%q ' "$@") $(printf '%q' "$CERTCRON_BIN") list" /dev/null 2>&1 \
    </dev/null) && status=0 || status=$?
  err=''
}
green_active=$'\e[32mactive\e[0m'
on_tty -u NO_COLOR TERM=xterm
expect_status 0 "list on a terminal succeeds"
case $out in *"$green_active"*) ok ;; *) not_ok "on a terminal, list paints the status green" ;; esac
on_tty NO_COLOR=1 TERM=xterm
expect_out 'coloured' "list on a terminal with NO_COLOR lists the job"
case $out in *$'\e['*) not_ok "with NO_COLOR, no colour even on a terminal" ;; *) ok ;; esac
out=$(env -u NO_COLOR TERM=xterm "$CERTCRON_BIN" list | cat) && status=0 || status=$?
expect_out 'coloured' "list into a pipe lists the job"
case $out in *$'\e['*) not_ok "into a pipe, no colour without NO_COLOR" ;; *) ok ;; esac

# --- default_timezone: the zone of a job created without --tz
zone_config="$SCRATCH/zone.toml"
cat >"$zone_config" <<TOML
default_timezone = "Europe/Brussels"

[crontab]
program = "$CERTCRON_SOURCE_DIR/tests/e2e/support/fake-crontab"
TOML
zone_db="$SCRATCH/zone.db"
at 2026-03-26T10:00:00Z --config "$zone_config" --db "$zone_db" create --name zoned --cron '0 2 * * *' --json
expect_status 0 "create without --tz"
expect_json '[j["server_timezone"], j["next_run_at"]]' '["Europe/Brussels", "2026-03-27T01:00:00Z"]' \
  "a job created without --tz is in default_timezone, and runs at 02:00 there"
at 2026-03-26T10:00:00Z --config "$zone_config" --db "$zone_db" create --name flagged --cron '0 2 * * *' --tz UTC --json
expect_json 'j["server_timezone"]' '"UTC"' "--tz wins over default_timezone"
TZ=America/New_York at 2026-03-26T10:00:00Z --db "$zone_db" create --name hosted --cron '0 2 * * *' --json
expect_json 'j["server_timezone"]' '"America/New_York"' "without default_timezone a new job is in the host's zone"

# --- --every N: slots are the Unix epoch plus multiples of N minutes, and an edit keeps them
every_db="$SCRATCH/every.db"
at 2026-03-26T09:00:00Z --db "$every_db" create --name seven --every 7 --tz UTC --json
# 2026-03-26T10:02:00Z is a multiple of 7 minutes since the epoch; so is 09:06, not 09:07.
expect_json 'j["next_run_at"]' '"2026-03-26T09:06:00Z"' "an every-7 job created at 09:00 next runs at 09:06 (epoch-aligned)"
at 2026-03-26T09:02:00Z --db "$every_db" update seven --grace 3 --description 'edited' --json
expect_json 'j["next_run_at"]' '"2026-03-26T09:06:00Z"' "editing grace and description keeps the slot"
at 2026-03-26T09:03:00Z --db "$every_db" update seven --name renamed_seven --json
expect_json 'j["next_run_at"]' '"2026-03-26T09:06:00Z"' "renaming keeps the slot"
at 2026-03-26T09:04:00Z --db "$every_db" update renamed_seven --every 7 --json
expect_json 'j["next_run_at"]' '"2026-03-26T09:06:00Z"' "setting --every 7 again keeps the slot"
at 2026-03-26T09:05:00Z --db "$every_db" update renamed_seven --disable
at 2026-03-26T09:05:00Z --db "$every_db" update renamed_seven --enable --json
expect_json 'j["next_run_at"]' '"2026-03-26T09:06:00Z"' "disabling and enabling keeps the slot"
at 2026-03-26T09:06:30Z --db "$every_db" execute renamed_seven --scheduled --json
expect_json '[j["trigger"], j["scheduled_for"]]' '["schedule", "2026-03-26T09:06:00Z"]' \
  "the edited job runs its 09:06 slot"
at 2026-03-26T09:08:00Z --db "$every_db" update renamed_seven --cron '0 2 * * *'
at 2026-03-26T09:09:00Z --db "$every_db" update renamed_seven --every 7 --json
expect_json 'j["next_run_at"]' '"2026-03-26T09:13:00Z"' "back to every 7 from a cron expression: the epoch slots again"

# --- the expiry check counts days by calendar date in the job's zone
# At 2026-03-26T12:00:00Z it is already 2026-03-27 01:00 in Auckland (UTC+13): every
# certification below is a day closer there than in UTC, which would pick another reminder.
nz_config="$SCRATCH/nz.toml"
cat >"$nz_config" <<TOML
[crontab]
program = "$CERTCRON_SOURCE_DIR/tests/e2e/support/fake-crontab"

[reminders]
subject = "[{threshold}] {certification} expires on {expires_on}"
TOML
nz_db="$SCRATCH/nz.db"
cat >"$SCRATCH/nz.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
n7,Ana Seven,ana@example.org,First Aid,2026-04-03
n1,Ben One,ben@example.org,CPR,2026-03-28
nx,Cat Expired,cat@example.org,Lifeguard,2026-03-26
ni,Dan Instant,dan@example.org,Diving,2026-04-02T12:00:00Z
CSV
nz() { at 2026-03-26T12:00:00Z --config "$nz_config" --db "$nz_db" "$@"; }
nz import "$SCRATCH/nz.csv"
expect_status 0 "import the certifications"
nz create --name auckland --cron '0 2 * * *' --tz Pacific/Auckland
expect_status 0 "create a job in Pacific/Auckland"
nz due --job auckland --json
expect_json 'sorted([x["mentor_id"], x["threshold"], x["days_left"], x["expires_on"]] for x in j["data"])' \
  '[["n1", "1", 1, "2026-03-28"], ["n7", "7", 7, "2026-04-03"], ["ni", "7", 7, "2026-04-03"], ["nx", "expired", -1, "2026-03-26"]]' \
  "due --job counts days from the job zone's date (an instant's expiry date is its date there)"
nz due --tz UTC --json
expect_json 'sorted([x["mentor_id"], x["threshold"], x["days_left"]] for x in j["data"])' \
  '[["n1", "7", 2], ["n7", "30", 8], ["ni", "7", 7], ["nx", "1", 0]]' \
  "the same certifications counted in UTC pick other reminders (so the check above can fail)"
nz execute auckland --json
expect_json '[j["status"], j["result"]["reminders_sent"], j["result"]["errors"]]' '["success", 4, 0]' \
  "the run in Auckland sends four reminders"
subjects=$(python3 - "$XDG_STATE_HOME/certcron/outbox" <<'PY'
import email, os, sys
folder = sys.argv[1]
for name in sorted(os.listdir(folder)):
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        print(email.message_from_file(f)["Subject"])
PY
)
expect_eq "$(printf '%s\n' "$subjects" | LC_ALL=C sort | tr '\n' '|')" \
  "[1] CPR expires on 2026-03-28|[7] Diving expires on 2026-04-03|[7] First Aid expires on 2026-04-03|[expired] Lifeguard expires on 2026-03-26|" \
  "the messages carry the thresholds and dates of the job's zone"

finish
