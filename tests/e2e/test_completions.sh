#!/usr/bin/env bash
# The shell completions offer what the binary takes, in bash, zsh and fish alike: every
# subcommand of `certcron --help`, the global options, every option of each subcommand's
# --help, fixed option values, time zones, file names, and job ids and names read from the
# database the command line names. Each shell's own completion machinery runs the file as it
# is installed (zsh's inside a pseudo-terminal); a shell that is not installed fails the suite.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/support/help_text.sh"

COMPLETIONS=$CERTCRON_SOURCE_DIR/completions
SUPPORT=$CERTCRON_SOURCE_DIR/tests/e2e/support
out='' err='' status=0

# The completions ask `certcron` on PATH for jobs, as they would once installed.
mkdir -p "$SCRATCH/bin"
ln -s "$CERTCRON_BIN" "$SCRATCH/bin/certcron"
export PATH="$SCRATCH/bin:$PATH"

# The files where each shell looks for them once installed.
mkdir -p "$SCRATCH/zsh-functions" "$SCRATCH/fish-completions"
cp "$COMPLETIONS/certcron.zsh" "$SCRATCH/zsh-functions/_certcron"
cp "$COMPLETIONS/certcron.fish" "$SCRATCH/fish-completions/certcron.fish"
export ZSH_COMPLETE_DUMP=$SCRATCH/zcompdump

# complete_each SHELL LINE...: for each LINE (completed at its end), the candidates SHELL
# offers, sorted and without duplicates, one a line, then a line "@@END@@". What the
# completion writes on stderr goes to $SCRATCH/cstderr.
complete_each() {
  local shell=$1 line
  shift
  case $shell in
    bash)
      for line in "$@"; do
        local -a words=()
        read -r -a words <<<"$line"
        [[ $line == *' ' ]] && words+=('')
        bash -c 'source "$1" || exit 1; shift
          COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
          _certcron; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETIONS/certcron.bash" "${words[@]}" |
          sed '/^$/d' | LC_ALL=C sort -u
        echo @@END@@
      done 2>"$SCRATCH/cstderr"
      ;;
    zsh)
      "$SUPPORT/zsh-complete" "$SCRATCH/zsh-functions" "$@" 2>"$SCRATCH/cstderr" |
        awk '$0 == "@@END@@" { close(sort); print; next } { print | (sort = "LC_ALL=C sort -u") }'
      ;;
    fish)
      fish --no-config -c 'set -g fish_complete_path $argv[1] $fish_complete_path
        for line in $argv[2..-1]
          complete -C $line
          echo @@END@@
        end' "$SCRATCH/fish-completions" "$@" 2>"$SCRATCH/cstderr" |
        awk '$0 == "@@END@@" { close(sort); print; next }
          { sub(/\t.*/, ""); print | (sort = "LC_ALL=C sort -u") }'
      ;;
  esac
}

# complete_line SHELL LINE: the candidates for one line.
complete_line() { complete_each "$1" "$2" | sed '/^@@END@@$/d'; }
# The same on one line, as the shell shows them.
completions_of() { complete_line "$1" "$2" | tr '\n' ' '; }

run --help
commands=$(printf '%s\n' "$out" | help_block 'Subcommands:' | awk '{ print $1 }')
global_options=$(printf '%s\n' "$out" | help_all_options)
[ -n "$commands" ] && ok || not_ok "subcommands parsed from certcron --help"
[ -n "$global_options" ] && ok || not_ok "global options parsed from certcron --help"
declare -A command_options=()
for cmd in $commands; do
  run "$cmd" --help
  command_options[$cmd]=$(printf '%s\n' "$out" | help_options)
done

bash -n "$COMPLETIONS/certcron.bash" && ok || not_ok "completions/certcron.bash passes bash -n"
expect_eq "$(bash -c 'source "$1"; complete -p certcron' _ "$COMPLETIONS/certcron.bash")" \
  "complete -F _certcron certcron" "sourcing certcron.bash registers _certcron for certcron"

# Jobs in the default database, and one other job in a database of its own.
run create --name nightly_expiry_check --cron '0 2 * * *' --tz UTC
run create --name 'two words' --every 60 --tz UTC --disabled
run --db "$SCRATCH/other.db" create --name elsewhere --every 30 --tz UTC
expect_status 0 "create a job in a second database"
printf 'mentor_id\n' >"$SCRATCH/mentors.csv"

for shell in bash zsh fish; do
  if ! command -v "$shell" >/dev/null; then
    status='-' out='' err=''
    not_ok "$shell is installed: the $shell completion cannot be tested without it (run scripts/install-deps)"
    continue
  fi
  case $shell in
    zsh) zsh -n "$COMPLETIONS/certcron.zsh" && ok || not_ok "completions/certcron.zsh passes zsh -n" ;;
    fish) fish --no-execute "$COMPLETIONS/certcron.fish" && ok || not_ok "completions/certcron.fish passes fish -n" ;;
  esac

  expect_eq "$(complete_line "$shell" 'certcron li')" list "$shell completes \`certcron li\` to list"
  offered=$(complete_line "$shell" 'certcron ')
  check "$shell completes every subcommand of certcron --help" "$(missing_from "$commands" "$offered")"
  check "$shell completes only subcommands that exist" "$(missing_from "$offered" "$commands")"
  check "$shell completes every global option" \
    "$(missing_from "$global_options" "$(complete_line "$shell" 'certcron -')")"

  # Every option of every subcommand, in one run of the shell.
  lines=()
  for cmd in $commands; do lines+=("certcron $cmd -"); done
  complete_each "$shell" "${lines[@]}" >"$SCRATCH/options"
  index=0
  for cmd in $commands; do
    index=$((index + 1))
    offered=$(awk -v n="$index" '$0 == "@@END@@" { i++; next } i == n - 1' "$SCRATCH/options")
    check "$shell completes every option of certcron $cmd" \
      "$(missing_from "${command_options[$cmd]}" "$offered")"
  done
  expect_eq "$(grep -c '^@@END@@$' "$SCRATCH/options")" "$index" "$shell answered for every subcommand"
  expect_eq "$(cat "$SCRATCH/cstderr")" '' "completing the options in $shell writes nothing on stderr"

  expect_eq "$(completions_of "$shell" 'certcron list --status ')" "active disabled " \
    "$shell completes list --status values"
  expect_eq "$(completions_of "$shell" 'certcron runs cron-001 --status ')" \
    "abandoned failed running success " "$shell completes runs --status values"
  expect_eq "$(completions_of "$shell" 'certcron crontab ')" "repair show verify " \
    "$shell completes crontab actions"
  expect_eq "$(completions_of "$shell" 'certcron k8s ')" "manifests " \
    "$shell completes the k8s action"
  expect_eq "$(completions_of "$shell" 'certcron db ')" "migrate-to " \
    "$shell completes the db action"
  expect_eq "$(complete_line "$shell" 'certcron create --tz Europe/Bruss')" Europe/Brussels \
    "$shell completes time zones for create --tz"
  expect_eq "$(complete_line "$shell" 'certcron next @daily --tz America/New_')" America/New_York \
    "$shell completes time zones for next --tz"
  expect_eq "$(complete_line "$shell" 'certcron ping cron-001 fin')" finished \
    "$shell completes the kind of a ping"
  (cd "$SCRATCH" && complete_line "$shell" 'certcron import ment') >"$SCRATCH/files"
  expect_eq "$(cat "$SCRATCH/files")" mentors.csv "$shell completes file names for import"

  # Job ids and names, from `certcron list --json` of the database the line names. bash
  # quotes what it inserts; zsh and fish quote when inserting, after offering the plain name.
  two_words='two words'
  [ "$shell" = bash ] && two_words='two\ words'
  expect_eq "$(complete_line "$shell" 'certcron show ' | tr '\n' '|')" \
    "cron-001|cron-002|nightly_expiry_check|$two_words|" "$shell completes job ids and names"
  expect_eq "$(complete_line "$shell" 'certcron execute --dry-run nig')" nightly_expiry_check \
    "$shell completes the job after an option"
  expect_eq "$(completions_of "$shell" 'certcron due --job c')" 'cron-001 cron-002 ' \
    "$shell completes due --job"
  expect_eq "$(completions_of "$shell" "certcron --db $SCRATCH/other.db snooze ")" \
    'cron-001 elsewhere ' "$shell completes the jobs of the database --db names"
  # (zsh offers the options then, as it does wherever no argument can follow.)
  expect_eq "$(complete_line "$shell" 'certcron show cron-001 ' | grep -v '^-')" '' \
    "$shell offers no second job after the job"
  expect_eq "$(complete_line "$shell" "certcron --db $SCRATCH/none.db show ")" '' \
    "$shell offers no job for a database that does not exist"
  [ ! -e "$SCRATCH/none.db" ] && ok || not_ok "completing in $shell does not create the database"
  expect_eq "$(complete_line "$shell" "certcron --config $SCRATCH/missing.toml show "; cat "$SCRATCH/cstderr")" '' \
    "a failing certcron makes the $shell completion offer nothing, quietly"
done

finish
