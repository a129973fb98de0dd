#!/usr/bin/env bash
# Builds the next-fire benchmark in Release against the project's libraries, runs it and
# croner (node) on the same cases (cases.json), and prints per-occurrence times and ratios.
#   bench/next_fire/run.sh            (build folder: build-bench, or $BUILD_DIR)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-bench}
cases=$here/cases.json

mkdir -p "$build"
if ! { cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCERTCRON_WERROR=OFF &&
       cmake --build "$build" -j2 --target next_fire_bench; } >"$build/run.log" 2>&1; then
  cat "$build/run.log" >&2
  exit 1
fi
if [[ ! -d $root/tools/cron-vectors/node_modules ]]; then
  (cd "$root/tools/cron-vectors" && npm ci --silent)
fi

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$build/next_fire_bench" "$cases" >"$scratch/certcron.tsv"
node "$here/croner_bench.mjs" "$cases" >"$scratch/croner.tsv"

echo "next fire time, per occurrence (certcron: best of 5 runs; croner $(node -p "require('$root/tools/cron-vectors/node_modules/croner/package.json').version"): best of 3)"
echo "machine: $(nproc) cores, $(uname -m), $(g++ -dumpfullversion 2>/dev/null | sed 's/^/g++ /'), node $(node --version)"
echo
paste "$scratch/certcron.tsv" "$scratch/croner.tsv" | awk -F'\t' '
  BEGIN {
    printf "%-24s %-20s %12s %12s %12s %10s  %s\n", "expression", "zone", "chained ns", "batch ns",
           "croner ns", "ratio", "same Nth fire"
  }
  {
    if ($1 != $6 || $2 != $7) { print "case mismatch: " $1 " / " $6 > "/dev/stderr"; exit 1 }
    printf "%-24s %-20s %12.1f %12.1f %12.1f %9.0fx  %s\n", $1, $2, $3, $4, $8, $8 / $3,
           ($5 == $9 ? "yes" : "no (" $5 " vs " $9 ")")
  }'
echo
echo "ratio = croner ns / certcron chained ns (one next_fire_after call per occurrence)"
