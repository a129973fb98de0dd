#!/usr/bin/env bash
# `execute --scheduled`, what the crontab lines run: it runs only when a slot of the job's own
# schedule is due (latest slot at or before now, within the grace time, not before the job
# existed) and has no run yet, so late, early, repeated and concurrent invocations, disabled
# jobs and superset lines never cause a second run.
source "$(dirname "$0")/lib.sh"

# at INSTANT ARGS...: run certcron with the clock pinned to INSTANT.
at() {
  local instant=$1
  shift
  CERTCRON_NOW=$instant run "$@"
}
# run_total JOB: how many runs JOB has.
run_total() {
  "$CERTCRON_BIN" runs "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["pagination"]["total"])'
}

# --- a nightly job created the day before
at 2026-03-25T12:00:00Z create --name nightly --cron '0 2 * * *' --tz UTC --json
expect_json '[j["id"], j["created_at"], j["grace_time_in_minutes"]]' '["cron-001", "2026-03-25T12:00:00Z", 5]' "create the nightly job with the default grace of 5"

at 2026-03-26T01:59:00Z execute cron-001 --scheduled
expect_status 0 "a minute before the slot: exit 0"
expect_eq "$out$err" "" "a minute before the slot: nothing printed"
expect_eq "$(run_total cron-001)" "0" "a minute before the slot: no run"

at 2026-03-26T02:00:30Z execute cron-001 --scheduled --json
expect_status 0 "30 seconds into the slot: the run succeeds"
expect_json '[j["run_id"], j["trigger"], j["scheduled_for"], j["started_at"], j["status"], j["dry_run"]]' '["run-0001", "schedule", "2026-03-26T02:00:00Z", "2026-03-26T02:00:30Z", "success", false]' "the run has trigger schedule and the slot as scheduled_for"

at 2026-03-26T02:01:00Z execute cron-001 --scheduled
expect_status 0 "again a minute into the slot: exit 0"
expect_eq "$out$err" "" "again a minute into the slot: quiet"
expect_eq "$(run_total cron-001)" "1" "the slot that already has a run does not run again"

at 2026-03-26T02:01:00Z execute cron-001 --scheduled --dry-run
expect_eq "$(run_total cron-001)" "1" "a scheduled dry run of a taken slot does not run either"

at 2026-03-27T02:10:00Z execute cron-001 --scheduled
expect_status 0 "10 minutes after a slot, grace 5: exit 0"
expect_eq "$(run_total cron-001)" "1" "10 minutes after a slot, grace 5: too late, no run"

at 2026-03-27T02:04:59Z execute cron-001 --scheduled --json
expect_json 'j["scheduled_for"]' '"2026-03-27T02:00:00Z"' "a slot 4:59 old is within the grace time and runs"

at 2026-03-28T02:00:30Z runs cron-001 --json
expect_json '[[x["trigger"], x["scheduled_for"]] for x in j["data"]]' '[["schedule", "2026-03-27T02:00:00Z"], ["schedule", "2026-03-26T02:00:00Z"]]' "runs lists the scheduled runs with their slots, newest first"

at 2026-03-29T02:00:30Z execute cron-001 --scheduled --json
expect_json '[j["trigger"], j["scheduled_for"]]' '["schedule", "2026-03-29T02:00:00Z"]' "a manual run does not take the slot"
at 2026-03-29T02:00:40Z execute cron-001 --json
expect_json '[j["trigger"], j["scheduled_for"]]' '["manual", null]' "a manual run has no slot"
at 2026-03-29T02:00:50Z execute cron-001 --scheduled
expect_eq "$(run_total cron-001)" "4" "a manual run does not open the slot for a second scheduled run"

# The spec: the latest slot "no older than the job's grace time" runs; 5:00 old is not older.
at 2026-03-25T12:00:00Z create --name boundary --cron '0 2 * * *' --tz UTC
at 2026-03-26T02:05:00Z execute boundary --scheduled --json
expect_out '"scheduled_for": "2026-03-26T02:00:00Z"' "a slot exactly grace minutes old is still due"
before=$(run_total boundary)
at 2026-03-27T02:05:01Z execute boundary --scheduled
expect_eq "$(run_total boundary)" "$before" "a slot one second past the grace time does not run"

# --- a job created after its slot does not run that slot
at 2026-03-26T02:01:00Z create --name latecomer --cron '0 2 * * *' --tz UTC
at 2026-03-26T02:02:00Z execute latecomer --scheduled
expect_status 0 "a job created after its slot: exit 0"
expect_eq "$(run_total latecomer)" "0" "a job created after its slot does not run that slot"
at 2026-03-27T02:00:30Z execute latecomer --scheduled --json
expect_json 'j["scheduled_for"]' '"2026-03-27T02:00:00Z"' "the latecomer runs its next slot"

at 2026-03-26T02:00:00Z create --name punctual --cron '0 2 * * *' --tz UTC
at 2026-03-26T02:00:30Z execute punctual --scheduled --json
expect_json 'j["scheduled_for"]' '"2026-03-26T02:00:00Z"' "a job created exactly at its slot runs that slot"

# --- the slot is in the job's own time zone (the crontab line may be a superset)
at 2026-03-25T12:00:00Z create --name brussels --cron '0 2 * * *' --tz Europe/Brussels
at 2026-03-26T02:00:30Z execute brussels --scheduled
expect_eq "$(run_total brussels)" "0" "02:00 UTC is not a slot of a 02:00 Brussels job"
at 2026-03-26T01:00:30Z execute brussels --scheduled --json
expect_json 'j["scheduled_for"]' '"2026-03-26T01:00:00Z"' "02:00 in Brussels (UTC+1 in March) is 01:00 UTC"
at 2026-03-30T00:00:30Z execute brussels --scheduled --json
expect_json 'j["scheduled_for"]' '"2026-03-30T00:00:00Z"' "after the switch to summer time 02:00 in Brussels is 00:00 UTC"

# --- a disabled job never runs with --scheduled
at 2026-03-25T12:00:00Z create --name paused --cron '0 2 * * *' --tz UTC --disabled
at 2026-03-26T02:00:30Z execute paused --scheduled
expect_status 0 "a disabled job at its slot: exit 0"
expect_eq "$out$err" "" "a disabled job at its slot: quiet"
expect_eq "$(run_total paused)" "0" "a disabled job never runs with --scheduled"

# --- 16 concurrent invocations for one slot: one run, reminders sent once
cat >"$SCRATCH/certs.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
m1,Ann,ann@example.org,First Aid,2026-04-29
m2,Bob,bob@example.org,CPR,2026-04-06
m3,Cy,cy@example.org,Lifeguard,2026-03-31
CSV
at 2026-03-30T10:00:00Z import "$SCRATCH/certs.csv"
at 2026-03-25T12:00:00Z create --name crowd --cron '0 2 * * *' --tz UTC --json
crowd=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for i in $(seq 1 16); do
  CERTCRON_NOW=2026-03-30T02:00:10Z "$CERTCRON_BIN" execute "$crowd" --scheduled \
    >"$SCRATCH/crowd$i.out" 2>"$SCRATCH/crowd$i.err" &
  pids="${pids:-} $!"
done
codes=""
for pid in $pids; do
  wait "$pid" && codes="$codes 0" || codes="$codes $?"
done
expect_eq "$codes" "$(printf ' 0%.0s' $(seq 1 16))" "all 16 concurrent invocations exit 0"
expect_eq "$(cat "$SCRATCH"/crowd*.out | grep -c 'success')" "1" "exactly one invocation reports a run"
expect_eq "$(cat "$SCRATCH"/crowd*.err)" "" "the 15 others stay quiet"
out=$("$CERTCRON_BIN" runs "$crowd" --json)
expect_json '[j["pagination"]["total"], j["data"][0]["scheduled_for"], j["data"][0]["status"]]' '[1, "2026-03-30T02:00:00Z", "success"]' "exactly one run is recorded for the slot"
expect_eq "$(find "$XDG_STATE_HOME/certcron/outbox" -name '*.eml' 2>/dev/null | wc -l | tr -d ' ')" "3" "the 3 due reminders were sent once"

# --- every 7 minutes: slots are the Unix epoch plus multiples of 7 minutes
at 2026-03-26T09:00:00Z create --name seven --every 7 --tz UTC
read -r slot slot_before slot_late next_slot next_late <<<"$(python3 - <<'PY'
from datetime import datetime, timezone
t = int(datetime(2026, 3, 26, 10, 0, tzinfo=timezone.utc).timestamp())
slot = -(-t // 420) * 420          # the first slot at or after 10:00
fmt = lambda s: datetime.fromtimestamp(s, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
print(fmt(slot), fmt(slot - 60), fmt(slot + 120), fmt(slot + 420), fmt(slot + 420 + 360))
PY
)"
expect_eq "$slot" "2026-03-26T10:02:00Z" "the slot arithmetic of this test (epoch + k*7 min)"
at "$slot_before" execute seven --scheduled
expect_eq "$(run_total seven)" "0" "a minute before a 7-minute slot (6 after the last): no run"
at "$slot" execute seven --scheduled --json
expect_json '[j["trigger"], j["scheduled_for"]]' "[\"schedule\", \"$slot\"]" "at a 7-minute slot: one run for that slot"
at "$slot_late" execute seven --scheduled
expect_eq "$(run_total seven)" "1" "two minutes later the slot is taken: no second run"
at "$next_late" execute seven --scheduled
expect_eq "$(run_total seven)" "1" "6 minutes after the next slot (grace 5): no run"
at "$next_slot" execute seven --scheduled --json
expect_json 'j["scheduled_for"]' "\"$next_slot\"" "the next slot, 7 minutes later, runs"
at 2026-03-26T10:05:00Z execute seven --scheduled
expect_eq "$(run_total seven)" "2" "10:05 is no 7-minute slot and the last one has a run"

finish
