#!/usr/bin/env bash
# The managed crontab block through the CLI: lines follow job changes, bytes outside the
# block are kept, a failing crontab program rolls the change back, damaged markers are refused,
# and show/verify/repair.
source "$(dirname "$0")/lib.sh"

printf 'MAILTO=admin@example.org\r\n# my own job, keep me\n15 4 * * * /usr/local/bin/backup --all\n\n# trailing comment without newline' > "$FAKE_CRONTAB_FILE"
cp "$FAKE_CRONTAB_FILE" "$SCRATCH/original"

run create --name nightly --cron '0 2 * * *' --tz UTC
expect_status 0 "create installs the job"
grep -q "execute cron-001 --scheduled" "$FAKE_CRONTAB_FILE" && ok || not_ok "the job's line is in the crontab"
grep -q "check --quiet .*# certcron:monitor" "$FAKE_CRONTAB_FILE" && ok || not_ok "the monitor line is there while a job is enabled"
head -c "$(stat -c %s "$SCRATCH/original")" "$FAKE_CRONTAB_FILE" | cmp -s - "$SCRATCH/original" && ok || not_ok "every byte before the block is kept"

run update nightly --disable
grep -q "cron-001" "$FAKE_CRONTAB_FILE" && not_ok "a disabled job has no line" || ok
grep -q "BEGIN certcron" "$FAKE_CRONTAB_FILE" && not_ok "with no enabled job the block goes" || ok
# The table ended without a newline, so the block was appended after one (cron ignores an
# unterminated last line); that newline is the only byte added, and it stays.
{ cat "$SCRATCH/original"; printf '\n'; } | cmp -s - "$FAKE_CRONTAB_FILE" && ok || not_ok "removing the block restores the original bytes plus the one separating newline"
printf 'MAILTO=x\n# ends with a newline\n' > "$FAKE_CRONTAB_FILE"
cp "$FAKE_CRONTAB_FILE" "$SCRATCH/original2"
run update nightly --enable
run update nightly --disable
cmp -s "$FAKE_CRONTAB_FILE" "$SCRATCH/original2" && ok || not_ok "adding then removing the block restores a newline-terminated table exactly"

run update nightly --enable
run create --name hourly --cron '@hourly' --tz UTC
expect_eq "$(grep -c '# certcron:' "$FAKE_CRONTAB_FILE")" "3" "two jobs and the monitor line"

# A crontab program that refuses the table: the change fails with exit 1 and the program's
# message, and the database change is rolled back.
# refused MESSAGE: the error line (as a pattern) for the stand-in crontab refusing with MESSAGE.
refused() {
  local program
  program=$(printf '%s' "$CERTCRON_SOURCE_DIR/tests/e2e/support/fake-crontab" | sed 's/[][\.*^$+?(){}|]/\\&/g')
  printf '^certcron: error: the crontab program refused the new table \\(`%s -` exited with status 1\\): %s; nothing was changed$' \
    "$program" "$1"
}
before=$(cat "$FAKE_CRONTAB_FILE")
FAKE_CRONTAB_FAIL='"-":3: bad minute' run create --name refused --cron '0 3 * * *' --tz UTC
expect_status 1 "a refused crontab fails the create"
expect_err "$(refused '"-":3: bad minute')" "the crontab program's message is shown"
run show refused
expect_status 3 "the refused job was not created"
expect_eq "$(cat "$FAKE_CRONTAB_FILE")" "$before" "the crontab is unchanged"
FAKE_CRONTAB_FAIL='"-":2: bad hour' run update nightly --cron '0 4 * * *'
expect_status 1 "a refused crontab fails the update"
expect_err "$(refused '"-":2: bad hour')" "the refused update shows the program's message"
run show nightly --json
expect_json 'j["cron_expression"]' '"0 2 * * *"' "a refused update leaves the job as it was"
FAKE_CRONTAB_FAIL='"-":1: premature EOF' run delete hourly --yes
expect_status 1 "a refused crontab fails the delete"
expect_err "$(refused '"-":1: premature EOF')" "the refused delete shows the program's message"
run show hourly
expect_status 0 "a refused delete leaves the job"
expect_eq "$(cat "$FAKE_CRONTAB_FILE")" "$before" "the refused update and delete left the crontab unchanged"

# verify / repair
run crontab verify
expect_status 0 "verify passes when the block is as it should be"
sed -i 's/^0 2 \* \* \*/0 5 * * */' "$FAKE_CRONTAB_FILE"
run crontab verify
expect_status 1 "verify fails on drift"
expect_out '^-0 5 \* \* \*' "the diff shows the installed line"
expect_out '^\+0 2 \* \* \*' "the diff shows the expected line"
run crontab repair
expect_status 0 "repair rewrites the block"
run crontab verify
expect_status 0 "after repair the block verifies"
ls "$XDG_STATE_HOME"/certcron/crontab.backup.* >/dev/null 2>&1 && ok || not_ok "the previous table is kept as a backup"
run crontab show
expect_out '^# BEGIN certcron ' "show prints the block"

# Damaged markers are refused, nothing is written.
begin_line=$(grep -n '^# BEGIN certcron' "$FAKE_CRONTAB_FILE" | cut -d: -f1)
sed -i '/^# END certcron/d' "$FAKE_CRONTAB_FILE"
damaged=$(cat "$FAKE_CRONTAB_FILE")
run create --name after_damage --cron '0 6 * * *' --tz UTC
expect_status 1 "a crontab with a damaged block is refused"
expect_err "^certcron: error: in the crontab of the current user, the certcron markers for database [0-9a-f]{12} are damaged: BEGIN marker on line ${begin_line:-?} has no END marker\. Nothing was changed\." \
  "the refusal gives the line of the marker left without its pair"
expect_eq "$(cat "$FAKE_CRONTAB_FILE")" "$damaged" "nothing was written to the damaged crontab"
run show after_damage
expect_status 3 "the refused create left no job"

# Two databases of one user keep separate blocks.
printf 'MAILTO=x\n' > "$FAKE_CRONTAB_FILE"
run crontab repair
run --db "$SCRATCH/second.db" create --name other --cron '0 1 * * *' --tz UTC
expect_eq "$(grep -c '^# BEGIN certcron' "$FAKE_CRONTAB_FILE")" "2" "a second database gets its own block"
run crontab verify
expect_status 0 "the first database's block is untouched by the second"

finish
