#!/usr/bin/env bash
# Times `certcron import` of a generated CSV against the sqlite3 shell doing the same upserts
# (floor.sql), for a first import, a re-import of the same file (nothing changes) and a file
# with about 10% of its rows changed; checks certcron's counts and that both databases end up
# holding the same rows; reports wall, CPU and peak memory (/usr/bin/time -v).
#   bench/import/run.sh                 1,000,000 rows
#   ROWS=100000 bench/import/run.sh     a quicker run
# CERTCRON_BIN names the certcron binary to measure; without it a Release build is made.
# Build folder: build-bench-import, or $BUILD_DIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench-import}
rows=${ROWS:-1000000}

source "$root/bench/lib.sh"
bench_build "$root/bench/expiry" expiry_generate
bench_need_time_and_sqlite3

scratch=$(mktemp -d "${TMPDIR:-/tmp}/certcron-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
bench_home "$scratch"

results=()
# measure LABEL COMMAND...: runs it under /usr/bin/time -v, keeps its stdout in $scratch/out.
measure() {
  local label=$1
  shift
  bench_time "$scratch/out" "$scratch/err" "$@"
  results+=("$(printf '%-34s %8.2f s %8.2f s %8s MiB   %s' "$label" "$bench_wall" "$bench_cpu" \
    "$bench_rss" "$(counts)")")
}
# counts: certcron's JSON summary in $scratch/out as "rows, mentors inserted/updated,
# certifications inserted/updated"; nothing for the sqlite3 shell.
counts() {
  [[ -s $scratch/out ]] || return 0
  python3 -c 'import json, sys; j = json.load(sys.stdin); print(j["rows"], j["mentors_inserted"], j["mentors_updated"], j["certifications_inserted"], j["certifications_updated"])' <"$scratch/out"
}
# import FILE LABEL EXPECTED: certcron imports FILE; its JSON counts must be EXPECTED.
import() {
  measure "certcron: $2" "$CERTCRON_BIN" --json import "$1"
  local got
  got=$(counts)
  if [[ $got != "$3" ]]; then
    echo "certcron: $2: counts (rows, mentors inserted/updated, certifications inserted/updated) are '$got', expected '$3'" >&2
    exit 1
  fi
}
# floor LABEL FILE [DB [PRAGMA]]: the sqlite3 shell runs floor.sql on FILE (into floor.db).
floor() {
  cp "$2" "$scratch/certifications.csv"
  { [[ -n ${4:-} ]] && echo "$4"; cat "$here/floor.sql"; } >"$scratch/floor.sql"
  measure "sqlite3 shell: $1" bash -c "cd '$scratch' && sqlite3 '${3:-floor.db}' <floor.sql"
}
# contents DB: the rows both programs wrote, as one checksum.
contents() {
  sqlite3 "$1" "SELECT mentor_id, name, email FROM mentors ORDER BY mentor_id;
                SELECT mentor_id, certification, expires_on, expires_at, issued_at
                FROM certifications ORDER BY mentor_id, certification;" | sha256sum | cut -c1-16
}
same_contents() {
  local a b
  a=$(contents "$db")
  b=$(contents "$scratch/floor.db")
  if [[ $a != "$b" ]]; then
    echo "after $1, certcron's and the sqlite3 shell's databases differ ($a vs $b)" >&2
    exit 1
  fi
}

echo "generating $rows rows..."
"$build/tools/expiry_generate" "$rows" 2026-03-01 >"$scratch/first.csv"
# About 10% changed: every 10th row a new issued_at, and every 20th mentor a new email (in all
# four of its rows).
awk -F, 'NR > 1 && NR % 10 == 0 { sub(/,[0-9-]*$/, ",2020-01-01") }
         { if (match($0, /m[0-9]+@example\.org/)) {
             id = substr($0, RSTART + 1, RLENGTH - 13) + 0
             if (id % 20 == 0) { $0 = substr($0, 1, RSTART + RLENGTH - 4) "net" substr($0, RSTART + RLENGTH) }
           } print }' "$scratch/first.csv" >"$scratch/changed.csv"
mentors=$(((rows + 3) / 4))
changed_mentors=$(((mentors + 19) / 20))
changed_rows=$(((rows + 1) / 10))

"$CERTCRON_BIN" list >/dev/null  # creates the database
cp "$db" "$scratch/floor.db"
cp "$db" "$scratch/empty.db"

import "$scratch/first.csv" "first import" "$rows $mentors 0 $rows 0"
floor "first import" "$scratch/first.csv"
# The same with the page cache certcron gives its import's transaction.
cp "$scratch/empty.db" "$scratch/floor-cache.db"
floor "first, 16 MiB cache" "$scratch/first.csv" floor-cache.db "PRAGMA cache_size = -16384;"
rm -f "$scratch/floor-cache.db"*
same_contents "the first import"
import "$scratch/first.csv" "same file again" "$rows 0 0 0 0"
floor "same file again" "$scratch/first.csv"
import "$scratch/changed.csv" "~10% of rows changed" "$rows 0 $changed_mentors 0 $changed_rows"
floor "~10% of rows changed" "$scratch/changed.csv"
same_contents "the changed import"

echo
echo "import: $rows rows ($(du -h "$scratch/first.csv" | cut -f1)), $mentors mentors, four certifications each"
echo "machine: $(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg); sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
echo "binary: $CERTCRON_BIN"
echo
printf '%-34s %10s %10s %12s   %s\n' "step" "wall" "cpu" "peak RSS" "rows, mentors ins/upd, certifications ins/upd"
printf '%s\n' "${results[@]}"
echo
echo "The sqlite3 shell loads the file into a staging table and upserts with INSERT ... SELECT"
echo "(floor.sql): no validation, no counts. Both databases held the same rows after each step."
