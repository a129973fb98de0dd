# Sourced by the benchmarks' run.sh scripts: what each needs before it measures anything.
# Expects $root (the checkout) and $build (the benchmark's build folder) to be set.

# bench_build TOOLS_SOURCE [TARGET...]: builds the benchmark's own programs (Release, into
# $build/tools) and, unless CERTCRON_BIN names one, certcron itself (Release, warnings not
# fatal, into $build/certcron), setting CERTCRON_BIN. Prints the build log only on failure.
bench_build() {
  local source=$1
  shift
  local targets=()
  for target in "$@"; do targets+=(--target "$target"); done
  mkdir -p "$build"
  if ! { cmake -S "$source" -B "$build/tools" -G Ninja -DCMAKE_BUILD_TYPE=Release &&
         cmake --build "$build/tools" -j2 "${targets[@]}"; } >"$build/run.log" 2>&1; then
    cat "$build/run.log" >&2
    exit 1
  fi
  if [[ -z ${CERTCRON_BIN:-} ]]; then
    if ! { cmake -S "$root" -B "$build/certcron" -G Ninja -DCMAKE_BUILD_TYPE=Release \
             -DCERTCRON_WERROR=OFF &&
           cmake --build "$build/certcron" -j2 --target certcron; } >>"$build/run.log" 2>&1; then
      cat "$build/run.log" >&2
      exit 1
    fi
    CERTCRON_BIN=$build/certcron/src/certcron
  fi
}

# bench_need_time_and_sqlite3: what bench_time and the databases' checks run.
bench_need_time_and_sqlite3() {
  [[ -x /usr/bin/time ]] || { echo "run.sh needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
  command -v sqlite3 >/dev/null ||
    { echo "run.sh needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
}

# bench_home SCRATCH: a home of certcron's own in SCRATCH (config, data and state folders,
# the fake crontab program), so that nothing of the user's is read or touched. Sets $db.
bench_home() {
  export HOME=$1/home NO_COLOR=1 TZ=UTC
  export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
  export XDG_STATE_HOME=$HOME/.local/state FAKE_CRONTAB_FILE=$1/crontab.txt
  unset CERTCRON_DB CERTCRON_CONFIG CERTCRON_NOW
  mkdir -p "$XDG_CONFIG_HOME/certcron"
  printf '[crontab]\nprogram = "%s"\n' "$root/tests/e2e/support/fake-crontab" \
    >"$XDG_CONFIG_HOME/certcron/config.toml"
  db=$XDG_DATA_HOME/certcron/certcron.db
}

# bench_time OUT ERR COMMAND...: runs COMMAND under /usr/bin/time -v with its output in OUT
# and ERR; sets $bench_wall and $bench_cpu (seconds, CPU = user + system) and $bench_rss
# (peak MiB). Exits, showing the output, when the command fails.
bench_time() {
  local out=$1 err=$2
  shift 2
  if ! /usr/bin/time -v -o "$err.time" "$@" >"$out" 2>"$err"; then
    echo "failed: $*" >&2
    cat "$err" "$out" >&2
    exit 1
  fi
  bench_wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
                 n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' \
               "$err.time")
  bench_cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ { s += $2 } END { print s }' "$err.time")
  bench_rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$err.time")
}
