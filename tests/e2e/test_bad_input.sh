#!/usr/bin/env bash
# Text that is not text: names and other text fields that are not valid UTF-8 (a stray byte,
# an overlong form, a surrogate), hold control characters, or are blank or too long are
# refused with the field named — exit 2 on the CLI, 422 from the API — and nothing is stored;
# a CSV import or a sync with one such value is refused whole, with its line; a malformed
# CERTCRON_NOW is an error, not the wall clock.
source "$(dirname "$0")/lib.sh"

export CERTCRON_NOW=2026-03-26T10:00:00Z
job_total() {
  "$CERTCRON_BIN" list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["pagination"]["total"])'
}

# --- create: each bad name exits 2, names the field and the problem, stores nothing
bad_name() {  # bad_name NAME EXPECTED-MESSAGE-PATTERN WHAT
  run create --name "$1" --cron '0 2 * * *' --tz UTC
  expect_status 2 "create with $3 exits 2"
  expect_err "^  name: $2\$" "create with $3: the error names the field and the problem"
}
bad_name ' ' 'The name may not be blank\.' "a blank name"
bad_name $' \xe3\x80\x80 ' 'The name may not be blank\.' "a name of spaces, an ideographic one included"
bad_name $'abc\x80def' 'The name is not valid UTF-8 \(byte 4\)\.' "a stray continuation byte"
bad_name $'caf\xe9' 'The name is not valid UTF-8 \(byte 4\)\.' "Latin-1 text"
bad_name $'\xc0\xafetc' 'The name is not valid UTF-8 \(byte 1\)\.' "an overlong '/'"
bad_name $'x\xed\xa0\x80' 'The name is not valid UTF-8 \(byte 2\)\.' "an encoded surrogate"
bad_name $'x\xf4\x90\x80\x80' 'The name is not valid UTF-8 \(byte 2\)\.' "a code point past U+10FFFF"
bad_name $'nightly\xe2\x98' 'The name is not valid UTF-8 \(byte 8\)\.' "a sequence cut short"
bad_name $'red\x1b[31m' 'The name may not contain control characters \(U\+001B at byte 4\)\.' "an escape character"
bad_name $'two\nlines' 'The name may not contain control characters \(U\+000A at byte 4\)\.' "a line break"
bad_name "$(printf 'n%.0s' $(seq 1 256))" 'The name may not be longer than 255 characters\.' "256 characters"
expect_eq "$(job_total)" "0" "no bad create stored a job"

run --json create --name $'abc\x80def' --cron '0 2 * * *' --tz UTC
expect_status 2 "--json create with a bad name exits 2"
expect_json 'j' '{"message": "The given data was invalid.", "errors": {"name": ["The name is not valid UTF-8 (byte 4)."]}}' "--json prints the seed's validation shape"

run create --name "$(printf '\xc3\xab%.0s' $(seq 1 255))" --cron '0 2 * * *' --tz UTC
expect_status 0 "255 characters of two bytes each are a valid name"
run create --name ' nightly ' --cron '0 2 * * *' --tz UTC --description $'Remind mentors:\n\t30, 7 and 1 days out'
expect_status 0 "a name with spaces around it, a description over lines with a tab: accepted"

run create --name other --cron '0 2 * * *' --tz UTC --description $'bell\x07'
expect_status 2 "a control character in the description exits 2"
expect_err '^  description: The description may not contain control characters \(U\+0007 at byte 5\)\.$' "the description is named"
run create --name other --cron '0 2 * * *' --tz $'Europe/Br\xfcssel'
expect_status 2 "a zone that is not UTF-8 exits 2"
expect_err '^  server_timezone: The server timezone is not valid UTF-8 \(byte 10\)\.$' "the zone is named"
expect_eq "$(job_total)" "2" "only the two good jobs are stored"

# --- update: refused whole, the job unchanged
run update ' nightly ' --name $'abc\x80def' --grace 9
expect_status 2 "update with a bad name exits 2"
expect_err '^  name: The name is not valid UTF-8 \(byte 4\)\.$' "update names the field"
run update ' nightly ' --name ' '
expect_status 2 "update to a blank name exits 2"
run show ' nightly ' --json
expect_json '[j["name"], j["grace_time_in_minutes"]]' '[" nightly ", 5]' "the refused updates changed nothing"

# --- CSV import: all or nothing, with the line
cat >"$SCRATCH/good.csv" <<'CSV'
mentor_id,name,email,certification,expires_at
m1,Ann,ann@example.org,CPR,2026-04-02
CSV
printf 'mentor_id,name,email,certification,expires_at\nm2,Bo,bo@example.org,CPR,2026-04-02\nm3,Caf\xe9,c@example.org,CPR,2026-04-02\nm4,Di,di@example.org,Life\x01guard,2026-04-02\n' >"$SCRATCH/bad.csv"
run import "$SCRATCH/bad.csv"
expect_status 2 "a CSV with bad bytes exits 2"
expect_err 'line 3: name: not valid UTF-8 \(byte 4\)' "the import names the line, the column and the byte"
expect_err 'line 4: certification: contains a control character \(U\+0001\) at byte 5' "and a control character on another line"
run due --json
expect_json 'len(j["data"])' '0' "nothing of the refused file was imported"
run import "$SCRATCH/good.csv"
expect_status 0 "a good file imports"

# --- sync: a JSON document with one bad entry is refused whole
printf '{"cron_checks": [{"name": "fine", "cron_expression": "0 3 * * *", "server_timezone": "UTC"}, {"name": "b\xffd", "cron_expression": "0 4 * * *", "server_timezone": "UTC"}]}' >"$SCRATCH/bad.json"
run sync "$SCRATCH/bad.json" --keep-missing
expect_status 2 "a sync document with a bad name exits 2"
expect_err 'cron_checks.1.name: The name is not valid UTF-8 \(byte 2\)\.' "the sync names the entry and the field"
printf '[[job]]\nname = "fine"\ncron_expression = "0 3 * * *"\nserver_timezone = "UTC"\n\n[[job]]\nname = "b\\u0007d"\ncron_expression = "0 4 * * *"\nserver_timezone = "UTC"\n' >"$SCRATCH/bad.toml"
run sync "$SCRATCH/bad.toml" --keep-missing
expect_status 2 "a TOML jobs file with a control character in a name exits 2"
expect_err 'The name may not contain control characters \(U\+0007 at byte 2\)\.' "the TOML sync says what is wrong"
printf '[[job]]\nname = "b\xffd"\ncron_expression = "0 4 * * *"\n' >"$SCRATCH/bytes.toml"
run sync "$SCRATCH/bytes.toml" --keep-missing
expect_status 2 "a TOML jobs file that is not UTF-8 exits 2"
expect_err 'bytes.toml:2' "the TOML error gives the line"
expect_eq "$(job_total)" "2" "no refused sync stored a job"

# --- the API: 422 naming the field, nothing stored
"$CERTCRON_BIN" serve --listen 127.0.0.1:0 >"$SCRATCH/serve.out" 2>"$SCRATCH/serve.err" &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$SCRATCH"' EXIT
listening() { grep -q '^certcron: listening on http://' "$SCRATCH/serve.err"; }
if wait_for 15 listening; then ok; else not_ok "the server starts"; fi
port=$(sed -En 's|^certcron: listening on http://[^ ]*:([0-9]+)( .*)?$|\1|p' "$SCRATCH/serve.err" | head -n 1)
# request METHOD PATH BODY-AS-PYTHON-BYTES: $status is the HTTP status, $out the body.
request() {
  out=$(python3 - "$port" "$1" "$2" "$3" <<'PY'
import http.client, sys, ast
port, method, path, body = sys.argv[1:5]
conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=10)
conn.request(method, path, body=ast.literal_eval(body), headers={"Content-Type": "application/json"})
response = conn.getresponse()
print(response.status)
print(response.read().decode("utf-8", "replace"))
PY
)
  status=$(printf '%s' "$out" | head -n 1)
  out=$(printf '%s' "$out" | tail -n +2)
  err=""
}
api=/api/v1/certification-cron
request POST $api "b'{\"name\": \"abc\\x80def\", \"cron_expression\": \"0 2 * * *\", \"server_timezone\": \"UTC\"}'"
expect_eq "$status" "422" "POST with a raw byte that is not UTF-8 in the name: 422"
expect_json 'j' '{"message": "The given data was invalid.", "errors": {"name": ["The name is not valid UTF-8 (byte 4)."]}}' "the 422 names the field in the seed's shape"
request POST $api "b'{\"name\": \"ab\\\\ud800\", \"cron_expression\": \"0 2 * * *\", \"server_timezone\": \"UTC\"}'"
expect_eq "$status" "422" "POST with an unpaired surrogate escape: 422"
expect_json 'j["errors"]' '{"name": ["The name is not valid UTF-8 (byte 3)."]}' "the surrogate's field is named"
request POST $api "b'{\"name\": \"a\\\\u001bb\", \"cron_expression\": \"0 2 * * *\", \"server_timezone\": \"UTC\"}'"
expect_eq "$status" "422" "POST with an escaped control character: 422"
expect_json 'j["errors"]' '{"name": ["The name may not contain control characters (U+001B at byte 2)."]}' "the control character's field is named"
request POST $api "b'{\"name\": \"   \", \"cron_expression\": \"0 2 * * *\", \"server_timezone\": \"UTC\"}'"
expect_eq "$status" "422" "POST with a blank name: 422"
request PUT $api/cron-001 "b'{\"description\": \"caf\\xe9\"}'"
expect_eq "$status" "422" "PUT with a description that is not UTF-8: 422"
expect_json 'j["errors"]' '{"description": ["The description is not valid UTF-8 (byte 4)."]}' "PUT names the field"
request POST $api/sync "b'{\"cron_checks\": [{\"name\": \"n\\xc0\\xaf\", \"cron_expression\": \"0 2 * * *\", \"server_timezone\": \"UTC\"}]}'"
expect_eq "$status" "422" "POST /sync with an overlong form in a name: 422"
expect_json 'j["errors"]' '{"cron_checks.0.name": ["The name is not valid UTF-8 (byte 2)."]}' "POST /sync names the entry"
request POST $api "b'{\"name\": \"abc\", \"cron_expression\": '"
expect_eq "$status" "400" "a body that is not JSON is still 400"
expect_eq "$(job_total)" "2" "no refused request stored a job"
run show cron-001 --json
expect_json 'j["description"]' '""' "the refused PUT changed nothing"
kill "$server_pid" 2>/dev/null
wait "$server_pid" 2>/dev/null

# --- CERTCRON_NOW: a malformed value is an error naming the variable and the format
CERTCRON_NOW=yesterday run list
expect_status 2 "a malformed CERTCRON_NOW exits 2"
expect_err "certcron: error: CERTCRON_NOW is 'yesterday', not an RFC 3339 instant; give one such as 2026-03-25T02:03:00Z" "the error names the variable, the value and the format"
expect_eq "$out" "" "nothing is printed as if the wall clock were meant"
CERTCRON_NOW=2026-03-26 run execute cron-001
expect_status 2 "a date without a time is refused too, before any run"
CERTCRON_NOW= run list
expect_status 0 "an empty CERTCRON_NOW counts as unset"
CERTCRON_NOW=yesterday run --version
expect_status 0 "--version needs no clock"
CERTCRON_NOW=yesterday run next '0 2 * * *' --tz UTC
expect_status 2 "next from now refuses a malformed CERTCRON_NOW as well"
CERTCRON_NOW=yesterday run next '0 2 * * *' --tz UTC --from 2026-03-26T00:00:00Z
expect_status 0 "next --from does not read the clock, so does not mind it"
run runs cron-001 --json
expect_json 'j["pagination"]["total"]' '0' "the refused execute started no run"

finish
