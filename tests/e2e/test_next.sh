#!/usr/bin/env bash
# `certcron next`: the schedule preview, its JSON shape, DST behaviour and its errors.
source "$(dirname "$0")/lib.sh"

run next '0 2 * * *' --tz Europe/Brussels --from 2026-03-27T00:00:00Z --count 3 --json
expect_status 0 "next prints fire times"
expect_json 'list(j.keys())' '["expression", "timezone", "description", "next"]' "the JSON has exactly the four documented keys"
expect_json 'j' '{"expression": "0 2 * * *", "timezone": "Europe/Brussels", "description": "At 02:00", "next": ["2026-03-27T01:00:00Z", "2026-03-28T01:00:00Z", "2026-03-29T01:00:00Z"]}' "02:00 in the spring-forward gap runs once right after it (03:00 CEST = 01:00Z)"

# The JSON is written directly, not through a JSON library: its exact text, indentation included.
expected_json='{
  "expression": "0 2 * * *",
  "timezone": "Europe/Brussels",
  "description": "At 02:00",
  "next": [
    "2026-03-27T01:00:00Z",
    "2026-03-28T01:00:00Z",
    "2026-03-29T01:00:00Z"
  ]
}'
expect_eq "$out" "$expected_json" "the JSON text is pretty-printed with two-space indents, one instant per line"
run --json next '0 0 1 1 *' --tz UTC --from 1999-12-31T23:59:59Z --count 1000
expect_status 0 "1000 fire times print"
expect_json '[len(j["next"]), j["next"][0], j["next"][1], j["next"][999]]' '[1000, "2000-01-01T00:00:00Z", "2001-01-01T00:00:00Z", "2999-01-01T00:00:00Z"]' "a yearly job lists 1000 years of new years, as far as 2999"

run next '30 2 * * *' --tz Europe/Brussels --from 2026-10-24T12:00:00Z --count 2 --json
expect_json 'j["next"]' '["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]' "a fixed-time job in the repeated hour runs once, at the first 02:30"
run next '*/30 2 * * *' --tz Europe/Brussels --from 2026-10-24T12:00:00Z --count 4 --json
expect_json 'j["next"]' '["2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:30:00Z"]' "a wildcard job runs in both passes of the repeated hour"

run next '0 0 29 2 *' --tz UTC --from 2026-01-01T00:00:00Z --count 1 --json
expect_json 'j["next"]' '["2028-02-29T00:00:00Z"]' "a leap-day job waits for the next leap year"
run next '0 9 1-7 * mon' --tz UTC --from 2026-06-01T00:00:00Z --count 3 --json
expect_json 'j["next"]' '["2026-06-01T09:00:00Z", "2026-06-02T09:00:00Z", "2026-06-03T09:00:00Z"]' "restricted day-of-month and day-of-week match when either does"
expect_json 'j["description"]' '"At 09:00, between day 1 and 7 of the month, and on Monday"' "the description reads like cronstrue"
run next '@hourly' --tz Asia/Kathmandu --from 2026-01-01T00:00:00Z --count 1 --json
expect_json 'j["next"]' '["2026-01-01T00:15:00Z"]' "hourly in a +05:45 zone fires at :15 UTC"

run next '0 2 * * *' --tz Europe/Brussels --from 2026-03-27T00:00:00Z --count 2
expect_out '2026-03-27 02:00 \+01:00 +2026-03-27T01:00:00Z' "human output shows local and UTC times"

run next '60 2 * * *' --tz UTC
expect_status 2 "an out-of-range minute is a validation error"
expect_err 'minute field' "the message names the field"
expect_eq "$out" "" "nothing is printed on stdout for an invalid expression"
run next '5/10 * * * *' --tz UTC
expect_status 2 "a step after a single number is rejected"
run next '* * * *' --tz UTC
expect_status 2 "four fields are rejected"
expect_err '5 fields' "the message says five fields are expected"
run next '@reboot' --tz UTC
expect_status 2 "@reboot cannot be scheduled"
run next '0 2 * * *' --tz Mars/Olympus_Mons
expect_status 2 "an unknown time zone is rejected"
expect_err "Mars/Olympus_Mons" "the message names the zone"
run next '0 2 * * *' --tz UTC --from yesterday
expect_status 2 "a malformed --from is rejected"
run next '0 2 * * *' --tz UTC --count 0
expect_status 2 "a count of 0 is rejected"

finish
