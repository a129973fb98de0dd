#!/usr/bin/env bash
# `certcron --version` names certcron's version on its first line (scripts parse it), then the
# SQLite library it runs with and the release of the host's tz database; it opens no database.
source "$(dirname "$0")/lib.sh"

project_version=$(sed -n -E 's/^project\(certcron VERSION ([0-9.]+).*/\1/p' "$CERTCRON_SOURCE_DIR/CMakeLists.txt")
[ -n "$project_version" ] && ok || not_ok "the project version is read from CMakeLists.txt"

run --version
expect_status 0 "--version succeeds"
expect_eq "$(printf '%s\n' "$out" | wc -l)" 3 "--version prints three lines"
expect_eq "$(printf '%s\n' "$out" | sed -n 1p)" "certcron $project_version" \
  "the first line is certcron and the project's version"

# The library the binary loads: python3's sqlite3 module loads the same libsqlite3.so.0.
sqlite_version=$(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')
expect_eq "$(printf '%s\n' "$out" | sed -n 2p)" "SQLite $sqlite_version" \
  "the second line is the version of the SQLite library"

tzdata=$(sed -n '1s/^# version //p' /usr/share/zoneinfo/tzdata.zi 2>/dev/null)
[ -n "$tzdata" ] || tzdata=unknown
expect_eq "$(printf '%s\n' "$out" | sed -n 3p)" "tzdata $tzdata" \
  "the third line is the release in /usr/share/zoneinfo/tzdata.zi"
if [ -r /usr/share/zoneinfo/tzdata.zi ]; then
  expect_out '^tzdata [0-9]{4}[a-z]$' "the tz release is named as the tz project names it"
fi

# Wherever it stands on the line, and whatever the database: nothing is opened or created.
run --db "$SCRATCH/never.db" list --version
expect_status 0 "--version after a subcommand succeeds"
expect_eq "$(printf '%s\n' "$out" | sed -n 1p)" "certcron $project_version" "--version after a subcommand prints the version"
[ ! -e "$SCRATCH/never.db" ] && ok || not_ok "--version creates no database"

run --help
expect_out '--version +Print the versions of certcron, SQLite and the tz database' "--help describes --version"

finish
