#!/usr/bin/env bash
# The run log: every run appends one line to cron.log in the state folder (time, job, run,
# trigger, slot, status, counts, duration), whoever started it; a scheduled run whose output
# goes to that log, as the crontab lines send it, is not summarised there a second time; a
# failed run logs its status and why; -v adds the counts per threshold and the failures;
# concurrent runs append whole lines; a log that cannot be written is a warning, not a failure.
source "$(dirname "$0")/lib.sh"

support="$CERTCRON_SOURCE_DIR/tests/e2e/support"
log="$XDG_STATE_HOME/certcron/cron.log"

# at INSTANT ARGS...: run certcron with the clock pinned to INSTANT.
at() {
  local instant=$1
  shift
  CERTCRON_NOW=$instant run "$@"
}
line_count() { if [ -f "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi; }
last_line() { tail -n 1 "$log"; }
# expect_line TEXT PATTERN NAME: grep -E, the whole line.
expect_line() {
  if printf '%s\n' "$1" | grep -Eqx -- "$2"; then ok; else
    failed=$((failed + 1)); echo "FAIL: $3" >&2; echo "  line: $1" >&2; echo "  want: $2" >&2; fi
}

cat >"$SCRATCH/certs.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
m30,Ann Thirty,ann@example.org,First Aid,2026-04-25
m7,Bob Seven,bob@example.org,CPR,2026-04-02
CSV
at 2026-03-25T12:00:00Z import "$SCRATCH/certs.csv"
at 2026-03-25T12:00:00Z create --name nightly --cron '0 2 * * *' --tz UTC
expect_status 0 "create the job"
[ ! -e "$log" ] && ok || not_ok "no run yet, no log"

# --- a scheduled run: one line with every field
at 2026-03-26T02:00:30Z execute nightly --scheduled
expect_status 0 "the scheduled run succeeds"
expect_out '^run-0001 cron-001 success' "run by hand, execute still prints its summary"
expect_eq "$(line_count "$log")" "1" "one run, one line"
expect_line "$(last_line)" '2026-03-26T02:00:30Z job=cron-001 name=nightly run=run-0001 trigger=schedule slot=2026-03-26T02:00:00Z status=success dry_run=false mentors_checked=2 reminders_sent=2 errors=0 duration_ms=[0-9]+' "the line: time, job id and name, run, trigger, slot, status, counts, duration"

# --- nothing due: no run, no line; a manual run and a dry run: a line each
at 2026-03-26T02:01:00Z execute nightly --scheduled
expect_eq "$(line_count "$log")" "1" "a scheduled execute with nothing due adds no line"
at 2026-03-26T09:15:00Z execute cron-001
expect_line "$(last_line)" '2026-03-26T09:15:00Z job=cron-001 name=nightly run=run-0002 trigger=manual slot=- status=success dry_run=false mentors_checked=2 reminders_sent=0 errors=0 duration_ms=[0-9]+' "a manual run is logged too, without a slot"
at 2026-03-26T09:16:00Z execute cron-001 --dry-run --json
expect_line "$(last_line)" '.* run=run-0003 trigger=manual slot=- status=success dry_run=true .*' "a dry run is logged as one"
expect_eq "$(line_count "$log")" "3" "three runs, three lines"

# --- as cron runs it: output appended to the log; the summary is not repeated there
CERTCRON_NOW=2026-03-27T02:00:10Z "$CERTCRON_BIN" --db "$XDG_DATA_HOME/certcron/certcron.db" \
  execute cron-001 --scheduled >>"$log" 2>&1
expect_eq "$(line_count "$log")" "4" "from a crontab-style line, one line for the run, not two"
expect_line "$(last_line)" '2026-03-27T02:00:10Z job=cron-001 name=nightly run=run-0004 trigger=schedule slot=2026-03-27T02:00:00Z status=success .*' "the crontab-style run's line"
grep -q '^run-0004 cron-001' "$log" && not_ok "the summary is not printed into the log" || ok

# --- a failed run: its status, counts and why; exit 1 as before
cat >>"$XDG_CONFIG_HOME/certcron/config.toml" <<TOML
[reminders.delivery]
kind = "command"
command = "sh '$support/exec-capture-sendmail' '$SCRATCH/captured.txt'"
TOML
cat >"$SCRATCH/more.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
m1,Cy One,cy@example.org,Lifeguard,2026-03-29
mx,Di Expired,di@example.org,Food Safety,2026-03-20
CSV
at 2026-03-28T10:00:00Z import "$SCRATCH/more.csv"
EXEC_SENDMAIL_FAIL=1 at 2026-03-28T10:00:00Z execute cron-001
expect_status 1 "a failing delivery fails the run"
expect_line "$(last_line)" '2026-03-28T10:00:00Z job=cron-001 name=nightly run=run-0005 trigger=manual slot=- status=failed dry_run=false mentors_checked=4 reminders_sent=0 errors=2 duration_ms=[0-9]+ error="2 reminder\(s\) could not be delivered; the next run retries them \(first: .*550 mailbox unavailable.*\)"' "a failed run logs status failed, its counts and why"

# --- -v: counts per threshold and the failures
EXEC_SENDMAIL_FAIL=1 at 2026-03-28T10:05:00Z -v execute cron-001
expect_line "$(last_line)" '.* run=run-0006 .* status=failed .* errors=2 duration_ms=[0-9]+ error="[^"]*" failed_1=1 failed_expired=1 failures="[^"]*"' "-v: failed per threshold, then the failures"
expect_line "$(last_line)" '.* failures=".*m1 Lifeguard \(1\): [^;]*550 mailbox unavailable.*"' "-v: a failure names the mentor, the certification, the threshold and why"
expect_line "$(last_line)" '.* failures=".*mx Food Safety \(expired\): [^;]*550 mailbox unavailable.*"' "-v: every failure is listed"
at 2026-03-28T10:10:00Z -v execute cron-001
expect_line "$(last_line)" '.* run=run-0007 .* status=success .* reminders_sent=2 errors=0 duration_ms=[0-9]+ sent_1=1 sent_expired=1' "-v: sent per threshold"
expect_eq "$(line_count "$log")" "7" "seven runs, seven lines"

# --- a catch-up run started by check is logged with its trigger and slot
at 2026-03-25T12:00:00Z create --name weekly --cron '0 3 * * 1' --tz UTC
at 2026-03-30T03:30:00Z update nightly --disable
at 2026-03-30T03:30:00Z check --quiet
expect_line "$(last_line)" '2026-03-30T03:30:00Z job=cron-002 name=weekly run=run-0008 trigger=catch_up slot=2026-03-30T03:00:00Z status=success .*' "a catch-up run's line"
expect_out 'cron-002: caught up the missed slot 2026-03-30T03:00:00Z with run-0008' "check run by hand still reports its catch-up on stdout"

# --- concurrent runs: every line whole. Six jobs at once, three times over, each line long
# (-v, every delivery failing, the failures listed).
for n in 1 2 3 4 5 6; do at 2026-03-25T12:00:00Z create --name "parallel_$n" --cron '0 2 * * *' --tz UTC; done
cat >"$SCRATCH/many.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
CSV
for n in $(seq 1 40); do echo "p$n,Person $n,p$n@example.org,Certification number $n,2026-03-29" >>"$SCRATCH/many.csv"; done
at 2026-03-28T10:00:00Z import "$SCRATCH/many.csv"
before=$(line_count "$log")
for round in 1 2 3; do
  pids=""
  for n in 1 2 3 4 5 6; do
    EXEC_SENDMAIL_FAIL=1 CERTCRON_NOW=2026-03-28T11:0$round:00Z "$CERTCRON_BIN" -v execute "parallel_$n" >/dev/null 2>&1 &
    pids="$pids $!"
  done
  for pid in $pids; do wait "$pid"; done
done
expect_eq "$(( $(line_count "$log") - before ))" "18" "18 concurrent runs, 18 lines"
bad=$(tail -n 18 "$log" | grep -Evxc '2026-03-28T11:0[123]:00Z job=cron-00[3-8] name=parallel_[1-6] run=run-[0-9]{4} trigger=manual slot=- status=(success|failed) dry_run=false mentors_checked=44 reminders_sent=0 errors=[0-9]+ duration_ms=[0-9]+( error="[^"]*")?( failed_[0-9a-z]+=[0-9]+)*( failures="[^"]*")?' || true)
expect_eq "$bad" "0" "every line of the concurrent runs is whole"
expect_eq "$(tail -n 18 "$log" | sed -E 's/.* run=(run-[0-9]+) .*/\1/' | sort -u | wc -l | tr -d ' ')" "18" "each concurrent run has its own line"

# --- a log that cannot be written: a warning; the run is recorded and its status unchanged
export XDG_STATE_HOME="$SCRATCH/state-blocked"
mkdir -p "$XDG_STATE_HOME/certcron/cron.log"  # a folder where the file should be
at 2026-03-28T12:00:00Z execute weekly --json
expect_status 0 "the run succeeds although its line cannot be written"
expect_err 'certcron: warning: the run.s line was not added to the run log: .*cron.log' "a warning names the log"
expect_json 'j["status"]' '"success"' "the run is recorded as it went"

finish
