#!/usr/bin/env bash
# Importing mentors and certifications from CSV: RFC 4180 quoting, byte order mark, CRLF,
# both date forms, optional issued_at, updates on re-import, all-or-nothing rejection with
# every error by file line number, missing files, and no progress output off a terminal.
source "$(dirname "$0")/lib.sh"

export CERTCRON_NOW=2026-03-26T10:00:00Z
db="$XDG_DATA_HOME/certcron/certcron.db"

# sql QUERY: one value from the database, read behind certcron's back.
sql() { sqlite3 "$db" "$1"; }

# fingerprint: the database file and its write-ahead log, if any, byte for byte.
fingerprint() {
  local file
  for file in "$db" "$db-wal"; do
    if [ -f "$file" ]; then
      printf '%s %s\n' "$(basename "$file")" "$(sha256sum <"$file" | cut -d' ' -f1)"
    fi
  done
}

run list
expect_status 0 "list creates the database on first use"
[ -f "$db" ] && ok || not_ok "the database file exists before any import"

# --- a good file: BOM, CRLF, a comma, doubled quotes and a line break inside quotes,
# date-only and RFC 3339 expiries, issued_at given for some rows only.
good="$SCRATCH/good.csv"
{
  printf '\xef\xbb\xbfmentor_id,name,email,certification,expires_at,issued_at\r\n'
  printf 'm1,"Doe, Jane",jane@example.org,"First Aid ""Basic""",2026-04-20,2024-04-20\r\n'
  printf 'm2,"Two\r\nLines",bob@example.org,CPR,2026-04-02T09:00:00Z,\r\n'
  printf 'm1,"Doe, Jane",jane@example.org,Lifeguard,2026-04-10T23:30:00-05:00,2025-04-10T08:00:00Z\r\n'
  printf 'm3,Cy,cy@example.org,Scuba,2026-03-30,\r\n'
} >"$good"

run import "$good" --json
expect_status 0 "a well-formed file with every quoting feature imports"
expect_json '[j["rows"], j["mentors_inserted"], j["mentors_updated"], j["certifications_inserted"], j["certifications_updated"]]' '[4, 3, 0, 4, 0]' "the summary counts 4 rows, 3 new mentors, 4 new certifications"
expect_eq "$(sql 'select count(*) from certifications')" "4" "four certifications are stored"
expect_eq "$(sql 'select count(*) from mentors')" "3" "three mentors are stored (m1 appears twice)"

run due --tz UTC --json
expect_status 0 "due reads the imported rows"
expect_json 'sorted([x["mentor_id"], x["name"], x["email"], x["certification"], x["expires_on"]] for x in j["data"])' '[["m1", "Doe, Jane", "jane@example.org", "First Aid \"Basic\"", "2026-04-20"], ["m1", "Doe, Jane", "jane@example.org", "Lifeguard", "2026-04-11"], ["m2", "Two Lines", "bob@example.org", "CPR", "2026-04-02"], ["m3", "Cy", "cy@example.org", "Scuba", "2026-03-30"]]' "quoted comma, doubled quotes, the broken name and both date forms come through (23:30 at -05:00 is the 11th in UTC)"
expect_eq "$(sql "select issued_at from certifications where certification = 'First Aid \"Basic\"'")" "2024-04-20" "issued_at is kept when given"
expect_eq "$(sql "select coalesce(issued_at, '') from certifications where certification = 'Scuba'")" "" "issued_at stays empty when the cell is empty"

run import "$good" --json
expect_json '[j["rows"], j["mentors_inserted"], j["mentors_updated"], j["certifications_inserted"], j["certifications_updated"]]' '[4, 0, 0, 0, 0]' "re-importing the same file changes nothing"

# --- a changed file (LF, no issued_at column, columns in another order) updates in place
changed="$SCRATCH/changed.csv"
cat >"$changed" <<'CSV'
certification,expires_at,mentor_id,name,email
"First Aid ""Basic""",2027-04-20,m1,"Doe, Jane",jane@example.org
CPR,2026-04-02T09:00:00Z,m2,Two Lines,bob@new.example.org
Scuba,2026-03-30,m3,Cy,cy@example.org
Forklift,2026-05-01,m4,Di,di@example.org
CSV
run import "$changed" --json
expect_status 0 "a file without issued_at, columns in another order, imports"
expect_json '[j["rows"], j["mentors_inserted"], j["mentors_updated"], j["certifications_inserted"], j["certifications_updated"]]' '[4, 1, 1, 1, 1]' "a changed expiry and a changed email count as updates, the new row as an insert"
expect_eq "$(sql "select expires_on from certifications where certification = 'First Aid \"Basic\"'")" "2027-04-20" "the changed expiry is stored"
expect_eq "$(sql "select email from mentors where mentor_id = 'm2'")" "bob@new.example.org" "the changed email is stored"
expect_eq "$(sql 'select count(*) from certifications')" "5" "rows update by (mentor_id, certification), not duplicate"

# --- a bad file: all or nothing, every error with its line number
bad="$SCRATCH/bad.csv"
{
  printf 'mentor_id,name,email,certification,expires_at\r\n'                 # line 1
  printf 'm10,Good Row,good@example.org,First Aid,2026-05-01\r\n'            # line 2
  printf 'm11,Short Row,short@example.org,CPR\r\n'                           # line 3
  printf 'm12,"Three\r\nLine\r\nName",three@example.org,Scuba,2026-05-01\r\n' # lines 4-6
  printf 'm13,Bad Date,date@example.org,Forklift,2026-02-30\r\n'             # line 7
  printf 'm14,Bad Email,not-an-email,Lifeguard,2026-05-01\r\n'               # line 8
  printf 'm15,"Quoted, Two",q@example.org,"Multi\nline",2026-02-30\r\n'      # lines 9-10
  printf 'm16,No Email,,CPR,2026-05-01\r\n'                                  # line 11
} >"$bad"
# Row counts first: the fingerprint is taken last before, and first after, each import.
counts_before=$(sql 'select (select count(*) from mentors) || "/" || (select count(*) from certifications)')
before=$(fingerprint)
run import "$bad"
expect_status 2 "a file with bad rows is a validation error"
expect_err 'not imported: 5 errors' "the message counts every error"
expect_err 'line 3: .*expected 5 fields, found 4' "the short row is reported on line 3"
expect_err 'line 7: .*2026-02-30' "the impossible date 2026-02-30 is reported on line 7, after a three-line quoted field"
expect_err 'line 8: .*not-an-email' "the bad email is reported on line 8"
expect_err 'line 9: .*2026-02-30' "a bad record is reported on the line where it starts"
expect_err 'line 11: .*email' "the empty email is reported on line 11, after a two-line quoted field"
expect_eq "$(fingerprint)" "$before" "a rejected import leaves the database file (and its WAL) byte-identical"
expect_eq "$(sql 'select (select count(*) from mentors) || "/" || (select count(*) from certifications)')" "$counts_before" "a rejected import leaves the row counts unchanged"
expect_eq "$(sql "select count(*) from mentors where mentor_id in ('m10', 'm12')")" "0" "the good rows of a rejected file are not imported"

before=$(fingerprint)
run import "$bad" --json
expect_status 2 "--json: a bad file is still exit 2"
expect_json '[x.split(":")[0] for x in j["errors"]["file"]]' '["line 3", "line 7", "line 8", "line 9", "line 11"]' "--json lists every error with its line, in file order"
expect_json 'j["message"]' '"The file was not imported: 5 errors (nothing was changed)."' "--json message says nothing was changed"
expect_eq "$(fingerprint)" "$before" "a second rejected import still changed nothing"

# --- a bad header names the columns
printf 'mentor,name,email,certification,expires_at\nm1,A,a@example.org,X,2026-05-01\n' >"$SCRATCH/header.csv"
run import "$SCRATCH/header.csv"
expect_status 2 "an unknown header column is a validation error"
expect_err "line 1: unknown column 'mentor'" "the header error is on line 1 and names the column"
expect_err "missing column 'mentor_id'" "the missing required column is named"

# --- missing file
before=$(fingerprint)
run import "$SCRATCH/nope.csv"
if [ "$status" -eq 3 ] || [ "$status" -eq 2 ]; then ok; else not_ok "a missing file exits 3 (or 2)"; fi
expect_err "nope\.csv" "the message names the missing file"
expect_eq "$(fingerprint)" "$before" "a missing file changes nothing"

# --- progress: only on a terminal
big="$SCRATCH/big.csv"
python3 - "$big" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("mentor_id,name,email,certification,expires_at\n")
    for i in range(20001):
        f.write(f"b{i},Mentor {i},b{i}@example.org,First Aid,2026-06-01\n")
PY
run import "$big"
expect_status 0 "a 20001-row file imports"
expect_eq "$err" "" "no progress output when stderr is not a terminal"
expect_out 'Imported 20001 rows' "the human summary counts the rows"
# The same command on a pseudo-terminal (script(1), util-linux) does show progress, so the
# check above can fail.
tty_out=$(script -qec "'$CERTCRON_BIN' import '$big'" /dev/null 2>&1 </dev/null) || true
if printf '%s' "$tty_out" | grep -q 'checking 10000 rows'; then ok; else
  status=0 out=$tty_out err=""; not_ok "progress does show on a terminal (script(1) runs it on a pseudo-terminal; Debian: bsdutils)"; fi

finish
