#!/usr/bin/env bash
# `certcron sync`: every change kind (create, update in place, delete, unchanged) from a TOML
# file and from the seed's JSON; --dry-run and refused syncs leave the database and the crontab
# exactly as they were; --keep-missing; deletions need --yes off a terminal; file:line errors
# for the TOML file and cron_checks.N.field errors for entries; the crontab failing at the end
# rolls everything back; and POST /sync against a real server on 127.0.0.1 (support/sync_http.py,
# every answer validated against /openapi.json).
source "$(dirname "$0")/lib.sh"

support="$CERTCRON_SOURCE_DIR/tests/e2e/support"
export CERTCRON_NOW=2026-03-26T10:00:00Z
status=0 out="" err=""

# snapshot: the database's jobs (as list --json prints them) and the crontab, for comparing.
snapshot() {
  "$CERTCRON_BIN" list --json --limit 100 2>&1
  echo "--- crontab"
  cat "$FAKE_CRONTAB_FILE" 2>/dev/null || echo "(no crontab)"
}
# names_and_ids: "cron-001:name ..." of the current jobs.
names_and_ids() {
  "$CERTCRON_BIN" list --json --limit 100 |
    python3 -c 'import json,sys; print(" ".join(j["id"] + ":" + j["name"] for j in json.load(sys.stdin)["data"]))'
}

# --- the starting jobs, made the usual way
run create --name nightly_expiry_check --cron '0 2 * * *' --tz Europe/Brussels
expect_status 0 "create nightly_expiry_check"
run create --name weekly_review --cron '30 6 * * 1' --tz UTC --grace 30
expect_status 0 "create weekly_review"
run create --name obsolete --every 60 --tz UTC
expect_status 0 "create obsolete"
uuid_nightly=$("$CERTCRON_BIN" show nightly_expiry_check --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["uuid"])')

cat >"$SCRATCH/jobs.toml" <<'TOML'
# the whole truth
[[job]]
name = "nightly_expiry_check"
type = "cron"
cron_expression = "0 3 * * *"
server_timezone = "Europe/Brussels"
grace_time_in_minutes = 10
description = "Remind mentors before certifications expire"

[[job]]
name = "weekly_review"
cron_expression = "30 6 * * 1"
server_timezone = "UTC"
grace_time_in_minutes = 30

[[job]]
name = "quarter_hour"
type = "simple"
frequency_in_minutes = 15
server_timezone = "UTC"
enabled = false
TOML

# --- --dry-run: the plan, and nothing changed
before=$(snapshot)
run sync "$SCRATCH/jobs.toml" --dry-run
expect_status 0 "sync --dry-run exits 0"
expect_out '^ACTION +ID +NAME +CHANGES' "the plan is a table with ACTION, ID, NAME, CHANGES"
expect_out '^update +cron-001 +nightly_expiry_check +cron_expression, grace_time_in_minutes, description$' \
  "the update lists the changed fields"
expect_out '^unchanged +cron-002 +weekly_review +-$' "an equal job is unchanged"
expect_out '^create +- +quarter_hour +-$' "a new name is a create, without an id yet"
expect_out '^delete +cron-003 +obsolete +-$' "a job the file does not name is a delete"
expect_out 'Dry run: would create 1, update 1, delete 1; 1 unchanged\. Nothing was changed\.' "the dry-run summary"
expect_eq "$(snapshot)" "$before" "--dry-run changes neither the database nor the crontab"

run --json sync "$SCRATCH/jobs.toml" --dry-run
expect_status 0 "--json sync --dry-run exits 0"
expect_json '[j["dry_run"], j["applied"]]' '[true, false]' "--json: dry_run true, applied false"
expect_json '[[s["action"], s["id"], s["name"], s["changes"]] for s in j["plan"]]' \
  '[["update", "cron-001", "nightly_expiry_check", ["cron_expression", "grace_time_in_minutes", "description"]], ["unchanged", "cron-002", "weekly_review", []], ["create", null, "quarter_hour", []], ["delete", "cron-003", "obsolete", []]]' \
  "--json: the plan in file order, then the deletions"
expect_json '[d["name"] for d in j["data"]]' '["nightly_expiry_check", "weekly_review", "obsolete"]' \
  "--json: data holds the jobs as they are after a dry run"
expect_eq "$(snapshot)" "$before" "--json --dry-run changes nothing either"

# --- deletions need --yes off a terminal
run sync "$SCRATCH/jobs.toml" </dev/null
expect_status 2 "sync that deletes, without --yes and not on a terminal, exits 2"
expect_err 'would delete 1 job.*--yes' "the refusal says how many and names --yes"
expect_eq "$(snapshot)" "$before" "the refused sync changed nothing"

# --- the crontab failing at the end rolls everything back
out=$(FAKE_CRONTAB_FAIL="crontab: errors in crontab file, can't install" "$CERTCRON_BIN" sync "$SCRATCH/jobs.toml" --yes 2>"$SCRATCH/stderr") && status=0 || status=$?
err=$(cat "$SCRATCH/stderr")
expect_status 1 "a crontab that fails at the end fails the sync (exit 1)"
expect_err "can't install" "the crontab's message is shown"
expect_eq "$(snapshot)" "$before" "after the crontab failure the database and crontab are unchanged"

# --- applied with --yes
run sync "$SCRATCH/jobs.toml" --yes
expect_status 0 "sync --yes applies the plan"
expect_out '^delete +cron-003 +obsolete' "the applied plan lists the delete"
expect_out '^create +cron-004 +quarter_hour' "the applied plan gives the created job its id"
expect_out 'Synced: 1 created, 1 updated, 1 deleted, 1 unchanged\.' "the summary line"
expect_eq "$(names_and_ids)" "cron-001:nightly_expiry_check cron-002:weekly_review cron-004:quarter_hour" \
  "the jobs are the file's, updated in place (ids kept), the new one with a new id"
run show nightly_expiry_check --json
expect_json '[j["cron_expression"], j["grace_time_in_minutes"], j["description"], j["latest_result"], j["uuid"]]' \
  "[\"0 3 * * *\", 10, \"Remind mentors before certifications expire\", \"cronCheckChanged\", \"$uuid_nightly\"]" \
  "the updated job has the new fields, is marked cronCheckChanged and keeps its uuid"
run show quarter_hour --json
expect_json '[j["type"], j["frequency_in_minutes"], j["status"], j["grace_time_in_minutes"]]' '["simple", 15, "disabled", 5]' \
  "the created job is what the file says, with the default grace"
crontab_now=$(cat "$FAKE_CRONTAB_FILE")
if printf '%s\n' "$crontab_now" | grep -q 'execute cron-001 --scheduled' &&
   printf '%s\n' "$crontab_now" | grep -q 'execute cron-002 --scheduled' &&
   ! printf '%s\n' "$crontab_now" | grep -q 'cron-003' && ! printf '%s\n' "$crontab_now" | grep -q 'cron-004'; then
  ok
else
  status=- out=$crontab_now err=""; not_ok "the crontab has lines for cron-001 and cron-002, none for the deleted or the disabled job"
fi

run sync "$SCRATCH/jobs.toml"
expect_status 0 "syncing the same file again needs no --yes (nothing to delete)"
expect_out 'Synced: 0 created, 0 updated, 0 deleted, 3 unchanged\.' "the same file again changes nothing"

# --- --keep-missing
run create --name handmade --cron '15 4 * * *' --tz UTC
expect_status 0 "create a job outside the file"
cat >"$SCRATCH/one.toml" <<'TOML'
[[job]]
name = "extra_from_file"
cron_expression = "@hourly"
server_timezone = "UTC"
TOML
run sync "$SCRATCH/one.toml" --keep-missing </dev/null
expect_status 0 "sync --keep-missing needs no --yes: it deletes nothing"
expect_out '^unchanged +cron-005 +handmade' "--keep-missing lists the other jobs as unchanged"
expect_eq "$(names_and_ids)" \
  "cron-001:nightly_expiry_check cron-002:weekly_review cron-004:quarter_hour cron-005:handmade cron-006:extra_from_file" \
  "--keep-missing kept every job and added the file's"

# --- bad entries: every problem at once, keyed cron_checks.N.field, nothing changed
before=$(snapshot)
cat >"$SCRATCH/bad.toml" <<'TOML'
[[job]]
name = "fine"
cron_expression = "0 1 * * *"
server_timezone = "UTC"

[[job]]
name = "bad_cron"
cron_expression = "61 * * * *"
server_timezone = "UTC"

[[job]]
name = "bad_zone"
cron_expression = "0 1 * * *"
server_timezone = "Mars/Olympus_Mons"
grace_time_in_minutes = 0

[[job]]
name = "fine"
frequency_in_minutes = 5
TOML
run sync "$SCRATCH/bad.toml" --yes
expect_status 2 "a file with bad entries exits 2"
expect_err 'cron_checks\.1\.cron_expression: ' "the bad cron is keyed cron_checks.1.cron_expression"
expect_err 'cron_checks\.2\.server_timezone: ' "the bad zone is keyed cron_checks.2.server_timezone"
expect_err 'cron_checks\.2\.grace_time_in_minutes: ' "the bad grace is keyed cron_checks.2.grace_time_in_minutes"
expect_err 'cron_checks\.3\.name: .*cron_checks\.0' "a name given twice is an error on the later entry, naming the first"
expect_err 'cron_checks\.1 is the \[\[job\]\] at .*bad\.toml:6' "the message says where each bad entry starts"
expect_eq "$(snapshot)" "$before" "a file with a bad entry changes neither the database nor the crontab"
run --json sync "$SCRATCH/bad.toml" --yes
expect_json 'sorted(j["errors"])' '["cron_checks.1.cron_expression", "cron_checks.2.grace_time_in_minutes", "cron_checks.2.server_timezone", "cron_checks.3.name"]' \
  "--json: the seed's validation shape with cron_checks.N.field keys"

# --- TOML errors: file:line, types, unknown keys with a suggestion
printf '[[job]]\nname = "x"\ncron_expresion = "0 2 * * *"\n' >"$SCRATCH/typo.toml"
run sync "$SCRATCH/typo.toml" --yes
expect_status 2 "an unknown key exits 2"
expect_err "typo\.toml:3: unknown key 'job\[0\]\.cron_expresion' \(did you mean 'cron_expression'\?\)" \
  "the unknown key is named with its line and a suggestion"
printf '[[job]]\nname = "x"\ncron_expression = "0 2 * * *"\nenabled = "yes"\n' >"$SCRATCH/type.toml"
run sync "$SCRATCH/type.toml" --yes
expect_status 2 "a wrong type exits 2"
expect_err "type\.toml:4: 'job\[0\]\.enabled' must be true or false" "the wrong type is named with its line"
printf '[[job]\nname = "x"\n' >"$SCRATCH/syntax.toml"
run sync "$SCRATCH/syntax.toml" --yes
expect_status 2 "a TOML syntax error exits 2"
expect_err 'syntax\.toml:1:' "the syntax error names its line"
run sync "$SCRATCH/missing.toml" --yes
expect_status 3 "a missing file exits 3"
expect_eq "$(snapshot)" "$before" "files that cannot be read change nothing"

# --- the seed's JSON: every change kind again
cat >"$SCRATCH/checks.json" <<'JSON'
{"cron_checks": [
  {"name": "nightly_expiry_check", "type": "cron", "cron_expression": "0 3 * * *", "grace_time_in_minutes": 10,
   "server_timezone": "Europe/Brussels", "description": "Remind mentors before certifications expire"},
  {"name": "weekly_review", "type": "cron", "cron_expression": "0 7 * * 1", "grace_time_in_minutes": 30,
   "server_timezone": "UTC"},
  {"name": "cron job #1", "type": "cron", "cron_expression": "* * * * *", "grace_time_in_minutes": 10,
   "server_timezone": "UTC"}
]}
JSON
run --json sync "$SCRATCH/checks.json" --yes
expect_status 0 "sync of the seed's JSON file exits 0"
expect_json '[[s["action"], s["id"], s["changes"]] for s in j["plan"]]' \
  '[["unchanged", "cron-001", []], ["update", "cron-002", ["cron_expression"]], ["create", "cron-007", []], ["delete", "cron-004", []], ["delete", "cron-005", []], ["delete", "cron-006", []]]' \
  "JSON file: unchanged, update, create and the deletions"
expect_json '[j["dry_run"], j["applied"], [d["id"] for d in j["data"]]]' '[false, true, ["cron-001", "cron-002", "cron-007"]]' \
  "--json: applied, and data holds the jobs after the sync"
cp "$SCRATCH/checks.json" "$SCRATCH/checks.txt"
run sync "$SCRATCH/checks.txt" --dry-run
expect_status 0 "a file starting with '{' is read as JSON whatever its name"
expect_out '3 unchanged' "the JSON content is recognised"
printf '{"cron_checks": [{"name": "x", "cron_expression": "0 2 * * *", "enabled": "yes"}]}' >"$SCRATCH/wrong.json"
run sync "$SCRATCH/wrong.json" --yes
expect_status 2 "a wrong JSON type exits 2"
expect_err "cron_checks\.0\.enabled' must be true or false" "the wrong JSON type names cron_checks.0.enabled"
printf '{"cron_checks": [' >"$SCRATCH/broken.json"
run sync "$SCRATCH/broken.json" --yes
expect_status 2 "malformed JSON exits 2"
expect_err 'broken\.json: .*not valid JSON' "malformed JSON is named"

# --- on a terminal, deletions are asked for: "n" changes nothing, "y" applies
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["cron_checks"].pop(); json.dump(d, open(sys.argv[2], "w"))' \
  "$SCRATCH/checks.json" "$SCRATCH/two.json"
# on_tty ANSWER ARGS...: runs certcron ARGS... on a pseudo-terminal (script(1)), typing ANSWER.
on_tty() {
  local answer=$1
  shift
  out=$(printf '%s\n' "$answer" | timeout 60 script -qec "$(printf '%q ' "$CERTCRON_BIN" "$@")" /dev/null 2>&1) &&
    status=0 || status=$?
  err=$out
}
if ! command -v script >/dev/null; then
  status='-' out='' err=''
  not_ok "script(1) is installed: the terminal checks need it (Debian: bsdutils; scripts/install-deps)"
else
  before=$(snapshot)
  on_tty n sync "$SCRATCH/two.json"
  expect_status 2 "on a terminal, answering n refuses the sync (exit 2)"
  expect_out 'Delete 1 job.*cron-007 \(cron job #1\).*\[y/N\]' "the question names the job to delete"
  expect_out '^delete +cron-007' "the plan is shown before the question"
  expect_eq "$(snapshot)" "$before" "answering n changes nothing"
  on_tty y sync "$SCRATCH/two.json"
  expect_status 0 "on a terminal, answering y applies the sync"
  expect_eq "$(names_and_ids)" "cron-001:nightly_expiry_check cron-002:weekly_review" "answering y deleted the job"
fi

# --- the sample file is accepted
run --db "$SCRATCH/sample.db" sync "$CERTCRON_SOURCE_DIR/samples/jobs.sync.toml" --dry-run
expect_status 0 "samples/jobs.sync.toml is a valid sync file"
expect_out 'would create 3' "the sample defines three jobs"

# --- --help names the options
run sync --help
expect_out '--dry-run' "sync --help documents --dry-run"
expect_out '--keep-missing' "sync --help documents --keep-missing"
expect_out '--yes' "sync --help documents --yes"

# --- POST /sync on a real server
server_pid=""
trap '[ -n "$server_pid" ] && kill -KILL "$server_pid" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
FAKE_CRONTAB_FILE="$SCRATCH/http-crontab.txt" "$CERTCRON_BIN" --db "$SCRATCH/http.db" serve --listen 127.0.0.1:0 \
  >"$SCRATCH/serve.out" 2>"$SCRATCH/serve.err" &
server_pid=$!
listening() { grep -q '^certcron: listening on http://' "$SCRATCH/serve.err" || ! kill -0 "$server_pid" 2>/dev/null; }
wait_for 15 listening || true
port=$(sed -En 's|^certcron: listening on http://[^ ]*:([0-9]+)( .*)?$|\1|p' "$SCRATCH/serve.err" | head -n 1)
if [ -n "$port" ]; then ok; else
  status=- out="" err=$(cat "$SCRATCH/serve.err"); not_ok "serve --listen 127.0.0.1:0 starts within 15 s"
fi
if [ -n "$port" ]; then
  rc=0
  timeout 120 "$py_real" "$support/sync_http.py" --port "$port" --doc "$CERTCRON_SOURCE_DIR/src/http/openapi.json" \
    --crontab-file "$SCRATCH/http-crontab.txt" >"$SCRATCH/sync_http.log" 2>&1 || rc=$?
  count_checks "$SCRATCH/sync_http.log" "$rc" sync_http.py
  kill -TERM "$server_pid" 2>/dev/null
  wait_for 40 eval '! kill -0 '"$server_pid"' 2>/dev/null' || kill -KILL "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
fi

finish
