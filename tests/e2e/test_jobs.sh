#!/usr/bin/env bash
# Job lifecycle from the command line: create, list, show, update, delete, their JSON shapes,
# validation errors, pagination, ids, config errors and concurrent writers.
source "$(dirname "$0")/lib.sh"

# --- create
run create --name nightly_expiry_check --cron '0 2 * * *' --tz Europe/Brussels --json
expect_status 0 "create a cron job"
expect_json 'j["id"]' '"cron-001"' "first job gets cron-001"
expect_json 'j["status"]' '"active"' "new job is active"
expect_json 'j["grace_time_in_minutes"]' '5' "grace defaults to 5"
expect_json 'j["type"]' '"cron"' "type cron"
expect_json 'j["human_readable_cron_expression"]' '"At 02:00"' "description of 0 2 * * *"
expect_json 'list(j.keys())' '["id", "name", "description", "type", "cron_expression", "frequency_in_minutes", "grace_time_in_minutes", "max_runtime_in_minutes", "catch_up", "server_timezone", "status", "uuid", "ping_url", "human_readable_cron_expression", "last_run_at", "last_run_status", "last_run_result", "next_run_at", "schedule_error", "latest_result", "latest_result_label", "latest_result_label_color", "latest_ping_at", "active_snooze", "created_at", "updated_at"]' "job JSON has the contract and monitoring fields in order"
expect_json 'j["latest_result_label_color"]' '"grey"' "never-pinged job is grey"

CERTCRON_NOW=2026-03-26T10:00:00Z run create --name every15 --every 15 --grace 10 --tz UTC --json
expect_status 0 "create an every-N job"
expect_json '[j["id"], j["type"], j["frequency_in_minutes"], j["cron_expression"]]' '["cron-002", "simple", 15, null]' "simple job fields"
expect_json 'j["created_at"]' '"2026-03-26T10:00:00Z"' "created_at uses the pinned clock"
expect_json 'j["next_run_at"]' '"2026-03-26T10:15:00Z"' "next run of every 15 minutes"

run create --name paused --cron '@daily' --tz UTC --disabled --json
expect_json '[j["status"], j["next_run_at"]]' '["disabled", null]' "disabled job has no next run"

# --- validation: the seed's shape, exit 2, nothing created
run create --name nightly_expiry_check --cron '0 3 * * *' --tz UTC --json
expect_status 2 "duplicate name is a validation error"
expect_json 'j' '{"message": "The given data was invalid.", "errors": {"name": ["There already exist a cron check with this name."]}}' "duplicate name in the seed's shape"

run create --name bad --cron '60 2 * * *' --tz UTC
expect_status 2 "out-of-range minute is rejected"
expect_err 'cron_expression: .*minute' "message names the minute field"

run create --name bad --cron '0 2 * * *' --every 5 --tz UTC
expect_status 2 "both --cron and --every is rejected"
expect_err 'exactly one of --cron' "both/neither message"
run create --name bad --tz UTC
expect_status 2 "neither --cron nor --every is rejected"

run create --name bad --cron '0 2 * * *' --tz Mars/Olympus --json
expect_status 2 "unknown zone is rejected"
expect_json 'list(j["errors"].keys())' '["server_timezone"]' "unknown zone names server_timezone"

run create --name bad --cron '0 2 * * *' --tz UTC --grace 0 --json
expect_json 'list(j["errors"].keys())' '["grace_time_in_minutes"]' "grace 0 is out of range"
run create --name bad --every 0 --tz UTC --json
expect_json 'list(j["errors"].keys())' '["frequency_in_minutes"]' "frequency 0 is out of range"
run create --name bad --every 525601 --tz UTC --json
expect_json 'list(j["errors"].keys())' '["frequency_in_minutes"]' "frequency over a year is out of range"
run create --name '' --cron 'x' --tz Nowhere/Nope --grace 99999 --json
expect_json 'sorted(j["errors"].keys())' '["cron_expression", "grace_time_in_minutes", "name", "server_timezone"]' "every invalid field is reported at once"
run create --name cron-007 --cron '0 2 * * *' --tz UTC
expect_status 2 "a name that looks like an id is rejected"

run list --json
expect_json 'j["pagination"]["total"]' '3' "rejected creates left nothing behind"

# --- list and pagination
run list --json
expect_json 'list(j.keys())' '["data", "pagination"]' "list has data and pagination"
expect_json '[x["id"] for x in j["data"]]' '["cron-001", "cron-002", "cron-003"]' "list in id order"
run list --status disabled --json
expect_json '[x["name"] for x in j["data"]]' '["paused"]' "status filter"
run list --page 2 --limit 2 --json
expect_json '[[x["id"] for x in j["data"]], j["pagination"]]' '[["cron-003"], {"page": 2, "limit": 2, "total": 3}]' "second page"
run list --page 9 --json
expect_status 0 "a page past the end is not an error"
expect_json 'j["data"]' '[]' "a page past the end is empty"
run list --limit 0
expect_status 2 "limit 0 is rejected"
run list --limit 101 --json
expect_json 'list(j["errors"].keys())' '["limit"]' "limit over 100 is rejected"
run list --status sleeping
expect_status 2 "unknown status filter is a usage error"
run list
expect_out 'ID +NAME +SCHEDULE' "human list has a header"
expect_out 'cron-002 +every15 +every 15 min' "human list row aligned"

# --- show by id or name
run show cron-001 --json
expect_json 'j["name"]' '"nightly_expiry_check"' "show by id"
run show nightly_expiry_check --json
expect_json 'j["id"]' '"cron-001"' "show by name"
run show cron-1 --json
expect_json 'j["id"]' '"cron-001"' "show by short id"
run show cron-999
expect_status 3 "unknown id is not found"
expect_err "no job 'cron-999'" "not-found message names the job"
run show
expect_status 2 "show without an id is a usage error"
run show cron-001
expect_out '^schedule: +0 2 \* \* \* \(At 02:00\)' "human show is a key/value block"

# --- update
CERTCRON_NOW=2026-03-26T10:00:00Z run update cron-001 --cron '0 3 * * *' --json
expect_status 0 "update the expression"
expect_json '[j["cron_expression"], j["updated_at"], j["latest_result"], j["human_readable_cron_expression"]]' '["0 3 * * *", "2026-03-26T10:00:00Z", "cronCheckChanged", "At 03:00"]' "update changes the expression, updated_at and latest_result"
expect_json 'j["next_run_at"]' '"2026-03-27T02:00:00Z"' "next run follows the new expression in Brussels (UTC+1)"
run update nightly_expiry_check --disable --json
expect_json 'j["status"]' '"disabled"' "disable by name"
run update cron-001 --enable --description 'Remind mentors' --json
expect_json '[j["status"], j["description"], j["cron_expression"]]' '["active", "Remind mentors", "0 3 * * *"]' "update changes only what is given"
run update cron-001 --every 30 --json
expect_json '[j["type"], j["frequency_in_minutes"], j["cron_expression"]]' '["simple", 30, null]' "switch to every-N"
run update cron-001 --cron '0 2 * * *' --json
expect_json '[j["type"], j["frequency_in_minutes"], j["cron_expression"]]' '["cron", null, "0 2 * * *"]' "switch back to cron"
run update cron-001 --name every15 --json
expect_status 2 "rename onto an existing name is rejected"
expect_json 'list(j["errors"].keys())' '["name"]' "rename clash names the name field"
run update cron-001 --cron '0 2 * * *' --every 5
expect_status 2 "update with both --cron and --every is rejected"
run update cron-001 --enable --disable
expect_status 2 "--enable with --disable is rejected"
run update cron-404 --enable
expect_status 3 "update of an unknown job is not found"

# --- delete
run delete cron-003 </dev/null
expect_status 2 "delete off a terminal needs --yes"
expect_err -- '--yes' "the message says to pass --yes"
run show cron-003
expect_status 0 "refused delete changed nothing"
run delete cron-003 --yes --json
expect_json 'j' '{"deleted": true, "id": "cron-003"}' "delete prints the contract shape"
run show cron-003
expect_status 3 "deleted job is gone"
run create --name after_delete --cron '@hourly' --tz UTC --json
expect_json 'j["id"]' '"cron-004"' "ids of deleted jobs are never reused"

# --- database location: flag > env > config > default
run --db "$SCRATCH/other.db" list --json
expect_json 'j["pagination"]["total"]' '0' "--db selects another database"
CERTCRON_DB="$SCRATCH/other.db" run create --name in_other --cron '@daily' --tz UTC
CERTCRON_DB="$SCRATCH/other.db" run --db "$SCRATCH/third.db" list --json
expect_json 'j["pagination"]["total"]' '0' "the flag wins over CERTCRON_DB"
CERTCRON_DB="$SCRATCH/other.db" run list --json
expect_json 'j["pagination"]["total"]' '1' "CERTCRON_DB is used without the flag"
[ -f "$XDG_DATA_HOME/certcron/certcron.db" ] && ok || not_ok "default database lives under XDG_DATA_HOME"

# --- a config file with a bad key
printf '[reminders]\ntreshold_days = [30]\n' > "$SCRATCH/bad.toml"
run --config "$SCRATCH/bad.toml" list
expect_status 2 "a bad config key is a usage error"
expect_err "bad.toml:2.*treshold_days" "the error names the file, line and key"
run --config "$SCRATCH/missing.toml" list
expect_status 2 "a missing explicit config file is an error"

# --- two processes creating jobs at the same time both succeed with distinct ids
db="$SCRATCH/concurrent.db"
"$CERTCRON_BIN" --db "$db" list >/dev/null
for i in $(seq 1 8); do
  "$CERTCRON_BIN" --db "$db" create --name "job$i" --cron '@daily' --tz UTC --json >"$SCRATCH/c$i.json" 2>"$SCRATCH/c$i.err" &
done
wait
ids=$(cat "$SCRATCH"/c*.json | python3 -c 'import sys,json; d=sys.stdin.read().replace("}\n{","}\x00{").split("\x00"); print(" ".join(sorted(json.loads(x)["id"] for x in d if x.strip())))')
expect_eq "$ids" "cron-001 cron-002 cron-003 cron-004 cron-005 cron-006 cron-007 cron-008" "8 concurrent creates all succeed with distinct ids"

# --- usage errors map to exit 2, with a suggestion for typos
run lst
expect_status 2 "an unknown command is a usage error"
expect_err 'did you mean `list`' "a typo gets a suggestion"
run --help
expect_status 0 "--help succeeds"
expect_out 'Exit codes' "--help shows the exit code table"

finish
