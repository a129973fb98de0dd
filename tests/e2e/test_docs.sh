#!/usr/bin/env bash
# The user documentation stays true to the binary: a man page per command listing every option
# the command accepts, the exit codes and config keys the program has, pages groff renders
# without a warning, config examples certcron accepts, the cron.d example as certcron writes
# it, and shell completions that offer what the binary takes.
source "$(dirname "$0")/lib.sh"

MAN=$CERTCRON_SOURCE_DIR/man
COMPLETIONS=$CERTCRON_SOURCE_DIR/completions
PACKAGING=$CERTCRON_SOURCE_DIR/packaging
out='' err='' status=0

# check NAME PROBLEMS: passes when PROBLEMS is empty, else fails showing them.
check() {
  if [ -z "$2" ]; then ok; else status='-' out=$2 err=''; not_ok "$1"; fi
}

# Lines of the indented block after HEADING ("Subcommands:", "Options:") in help text.
help_block() { awk -v h="$1" '$0 == h { f = 1; next } f && /^$/ { exit } f'; }

# Options (-x and --long) of a help text's "Options:" block, without -h/--help.
help_options() {
  help_block 'Options:' | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,]*//' |
    grep -vxE -- '-h|--help' | sort -u
}

# The roff source of one section (".SH NAME" -> NAME) with \- turned into -.
man_section() {
  awk -v s=".SH $2" '/^\.SH / { f = ($0 == s); next } f' "$1" | sed 's/\\-/-/g'
}

# Options that head a .TP item of a page's OPTIONS section.
man_option_items() {
  man_section "$1" OPTIONS | awk 'p { print } { p = ($0 == ".TP") }' |
    grep -oE -- '(^|[ ])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^ //' | sort -u
}

# Words of $1 (one a line) missing from $2 (one a line).
missing_from() { comm -23 <(printf '%s\n' "$1" | sed '/^$/d' | sort -u) <(printf '%s\n' "$2" | sort -u); }

run --help
commands=$(printf '%s\n' "$out" | help_block 'Subcommands:' | awk '{ print $1 }')
global_help=$out
expect_out '^Subcommands:' "certcron --help lists subcommands"
[ -n "$commands" ] && ok || not_ok "subcommands parsed from certcron --help"

# --- one page per subcommand, every option the command takes in its OPTIONS section
for cmd in $commands; do
  page=$MAN/certcron-$cmd.1
  if [ ! -f "$page" ]; then
    check "$cmd has a man page" "man/certcron-$cmd.1 does not exist"
    continue
  fi
  ok
  run "$cmd" --help
  help_opts=$(printf '%s\n' "$out" | help_options)
  man_opts=$(man_option_items "$page")
  check "every option of \`certcron $cmd --help\` is an item of OPTIONS in certcron-$cmd.1" \
    "$(missing_from "$help_opts" "$man_opts")"
  check "every option in certcron-$cmd.1 is one \`certcron $cmd\` takes" \
    "$(missing_from "$man_opts" "$help_opts")"
  # Fixed value lists ({active,disabled}, {show,verify,repair}) are named in the page.
  values=$(printf '%s\n' "$out" | grep -oE '\{[a-z,]+\}' | tr -d '{}' | tr ',' '\n')
  page_text=$(sed 's/\\-/-/g' "$page")
  absent=''
  for value in $values; do
    printf '%s\n' "$page_text" | grep -qE "(^|[^a-z])$value([^a-z]|$)" || absent="$absent $value"
  done
  check "the values \`certcron $cmd --help\` lists appear in certcron-$cmd.1" "$absent"
done

global_opts=$(printf '%s\n' "$global_help" | help_block 'Options:' |
  grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,]*//' | sort -u)
man_globals=$(man_option_items "$MAN/certcron.1")
check "every global option is an item of OPTIONS in certcron.1" \
  "$(missing_from "$global_opts" "$man_globals")"
check "every option in certcron.1 is a global option" "$(missing_from "$man_globals" "$global_opts")"

# Every command has an entry in certcron(1).
listed=$(man_section "$MAN/certcron.1" COMMANDS | grep -oE '^\.BR certcron-[a-z]+' | sed 's/.*certcron-//')
check "certcron.1 lists every subcommand" "$(missing_from "$commands" "$listed")"
check "certcron.1 lists only subcommands that exist" "$(missing_from "$listed" "$commands")"

# --- exit codes: the table in certcron(1) is the one the binary prints
help_codes=$(printf '%s\n' "$global_help" | sed -n '/^Exit codes:/,/^$/p' | grep -oE '(^|[:,] )[0-9]+ ' |
  grep -oE '[0-9]+')
man_codes=$(man_section "$MAN/certcron.1" 'EXIT STATUS' | awk 'p { print } { p = ($0 == ".TP") }' |
  sed -n 's/^\.B \([0-9]*\)$/\1/p')
expect_eq "$(printf '%s\n' "$man_codes" | sort -n | tr '\n' ' ')" \
  "$(printf '%s\n' "$help_codes" | sort -n | tr '\n' ' ')" "certcron.1 EXIT STATUS has the exit codes of --help"

# --- every page: its title, the sections it needs, references that resolve, no groff warning
for page in "$MAN"/*.[15]; do
  file=$(basename "$page")
  name=${file%.*}
  section=${file##*.}
  title=$(sed -n '1s/^\.TH \([^ ]*\) \([0-9]\) .*/\1 \2/p' "$page" | sed 's/\\-/-/g')
  expect_eq "$title" "$(printf '%s' "$name" | tr 'a-z' 'A-Z') $section" "$file: .TH names the page"
  first_name_line=$(man_section "$page" NAME | head -1)
  case $first_name_line in
    "$name - "*) ok ;;
    *) check "$file: NAME starts with '$name -'" "$first_name_line" ;;
  esac
  if [ "$section" = 1 ]; then
    needed='NAME|SYNOPSIS|DESCRIPTION|OPTIONS|EXAMPLES|EXIT STATUS|SEE ALSO'
  else
    needed='NAME|SYNOPSIS|DESCRIPTION|EXAMPLES|SEE ALSO'
  fi
  lacking=''
  IFS='|' read -r -a sections <<<"$needed"
  for heading in "${sections[@]}"; do
    grep -qxF ".SH $heading" "$page" || lacking="$lacking [$heading]"
  done
  check "$file has the sections $needed" "$lacking"
  dangling=''
  for ref in $(sed 's/\\-/-/g' "$page" | grep -oE 'certcron[-.a-z]* \([0-9]\)' | tr -d ' )' | tr '(' '.'); do
    [ -f "$MAN/$ref" ] || dangling="$dangling $ref"
  done
  check "$file refers only to certcron pages that exist" "$dangling"
  if [ "$name" != certcron ]; then
    man_section "$MAN/certcron.1" 'SEE ALSO' | grep -qF ".BR $name ($section)" && ok ||
      check "certcron.1 SEE ALSO lists $file" "missing .BR $name ($section)"
  fi
done

if command -v groff >/dev/null; then
  for page in "$MAN"/*.[15]; do
    check "groff -man -ww renders $(basename "$page") without a warning" \
      "$(groff -man -Tutf8 -ww -z "$page" 2>&1)"
  done
else
  echo "skipping the groff checks: groff is not installed (Debian: groff-base)"
fi

# --- the schedule macros certcron(1) names are ones certcron accepts
for macro in $(grep -ohE '@[a-z]+' "$MAN/certcron.1" "$MAN/certcron-next.1" | sort -u); do
  run next "$macro" --tz UTC --count 1
  expect_status 0 "certcron next accepts $macro, named in the man pages"
done

# --- certcron.toml(5): every key the program reads is documented, examples are accepted
config_source=$CERTCRON_SOURCE_DIR/src/config/config_file.cpp
source_keys=$( {
  grep -oE 'reader\.[a-z_]+\("[a-z_]+"' "$config_source" | sed -E 's/.*\("//; s/"$//'
  grep -oE 'with_table\([a-z]+, "[a-z_]+"' "$config_source" | sed -E 's/.*, "//; s/"$//'
} | sort -u)
[ -n "$source_keys" ] && ok || not_ok "config keys found in src/config/config_file.cpp"
toml_page=$MAN/certcron.toml.5
page_keys=$( {
  sed -n -E 's/^\.BR ([a-z_]+) " \(.*/\1/p' "$toml_page"
  grep -oE '^\.(SH|B) \[[a-z_.]+\]' "$toml_page" | grep -oE '[a-z_]+' | grep -vx -E 'SH|B'
} | sort -u)
check "certcron.toml.5 documents every key the program reads" "$(missing_from "$source_keys" "$page_keys")"
check "certcron.toml.5 documents only keys the program reads" "$(missing_from "$page_keys" "$source_keys")"

# The EXAMPLES blocks, unescaped, as files.
awk -v dir="$SCRATCH" '/^\.SH / { ex = ($0 == ".SH EXAMPLES") }
  ex && /^\.nf$/ { n++; inside = 1; next } ex && /^\.fi$/ { inside = 0; next }
  inside { print > (dir "/example" n ".toml") }' "$toml_page"
examples=("$SCRATCH"/example*.toml)
[ -f "${examples[0]}" ] && ok || not_ok "certcron.toml.5 has example files"
for example in "${examples[@]}"; do
  sed -i -e 's/\\(ti/~/g' -e 's/\\-/-/g' -e 's/\\e/\\/g' -e "s/\\\\(aq/'/g" "$example"
  run --config "$example" next @daily --tz UTC --count 1
  expect_status 0 "certcron accepts the config example $(basename "$example") of certcron.toml.5"
  sed -E 's/^# ([a-z_]+ = )/\1/' "$example" >"$example.all"
  run --config "$example.all" next @daily --tz UTC --count 1
  expect_status 0 "certcron accepts $(basename "$example") with its commented keys set too"
done
every_key=$(grep -oE '^#? ?[a-z_]+ =' "${examples[0]}" | grep -oE '[a-z_]+' | sort -u)
check "the first example of certcron.toml.5 shows every key" \
  "$(missing_from "$(printf '%s\n' "$source_keys" | grep -vxE 'reminders|alerts|crontab|server|delivery|monitoring')" "$every_key")"
printf '[reminders]\nthreshold_days = [3]\n' >"$SCRATCH/misspelt.toml"
run --config "$SCRATCH/misspelt.toml" next @daily --tz UTC --count 1
expect_status 2 "a config key the page does not document is refused (the example checks can fail)"

# --- samples: every sync file is one certcron accepts
for sample in "$CERTCRON_SOURCE_DIR"/samples/*.sync.toml; do
  run --db "$SCRATCH/samples.db" sync "$sample" --dry-run
  expect_status 0 "certcron sync --dry-run accepts samples/$(basename "$sample")"
done
[ -n "$(compgen -G "$CERTCRON_SOURCE_DIR/samples/*.sync.toml")" ] && ok || not_ok "samples/ has a sync file"

# --- packaging: the cron.d example is what certcron writes for that configuration
daemon_zone=$(head -n1 /etc/timezone 2>/dev/null)
if [ -z "$daemon_zone" ]; then
  daemon_zone=$(readlink /etc/localtime 2>/dev/null | sed 's#.*zoneinfo/##')
fi
[ -n "$daemon_zone" ] || daemon_zone=UTC
root=$SCRATCH/root
mkdir -p "$root/etc/cron.d" "$root/var/lib/certcron"
mkdir -p "$root/etc/certcron"
cat >"$root/etc/certcron/config.toml" <<TOML
db = "$root/var/lib/certcron/certcron.db"
state_dir = "$root/var/lib/certcron"

[crontab]
file = "$root/etc/cron.d/certcron"
binary = "/usr/bin/certcron"
TOML
run --config "$root/etc/certcron/config.toml" create --name nightly_expiry_check --cron '0 2 * * *' --tz "$daemon_zone"
expect_status 0 "create a job in a cron.d setup"
run --config "$root/etc/certcron/config.toml" create --name weekly_review --cron '30 6 * * 1' --tz "$daemon_zone" --grace 30
expect_status 0 "create a second job in a cron.d setup"
normalise() { sed -E -e "s#$root##g" -e 's/certcron [0-9a-f]{12}/certcron IDENTITY/g' "$1"; }
expect_eq "$(normalise "$root/etc/cron.d/certcron")" "$(normalise "$PACKAGING/certcron.cron.d.example")" \
  "packaging/certcron.cron.d.example is the file certcron writes (identity aside)"
expect_eq "$(stat -c %a "$root/etc/cron.d/certcron")" 644 "the cron.d file is written 0644, as packaging/README.md says"

# --- bash completion
bash_completion=$COMPLETIONS/certcron.bash
bash -n "$bash_completion" && ok || not_ok "completions/certcron.bash passes bash -n"

# complete WORDS...: runs the completion for the words (the last one being completed) in a
# fresh bash, printing one candidate a line; stderr of the completion goes to $SCRATCH/cstderr.
complete_words() {
  bash -c 'source "$1" || exit 1; shift
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=()
    _certcron; printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_completion" "$@" 2>"$SCRATCH/cstderr"
}
# The same, sorted on one line, as the shell shows them.
completions_of() { complete_words "$@" | LC_ALL=C sort | tr '\n' ' '; }

expect_eq "$(complete_words certcron li)" list "bash completes \`certcron li<TAB>\` to list"
expect_eq "$(bash -c 'source "$1"; complete -p certcron' _ "$bash_completion")" \
  "complete -F _certcron certcron" "sourcing the file registers _certcron for certcron"
check "bash completes every subcommand of certcron --help" \
  "$(missing_from "$commands" "$(complete_words certcron '')")"
check "bash completes only subcommands that exist" \
  "$(missing_from "$(complete_words certcron '')" "$commands")"
for cmd in $commands; do
  run "$cmd" --help
  offered=$(complete_words certcron "$cmd" -)
  check "bash completes every option of certcron $cmd" \
    "$(missing_from "$(printf '%s\n' "$out" | help_options)" "$offered")"
done
expect_eq "$(completions_of certcron list --status '')" "active disabled " \
  "bash completes list --status values"
expect_eq "$(completions_of certcron runs cron-001 --status '')" \
  "abandoned failed running success " "bash completes runs --status values"
expect_eq "$(completions_of certcron crontab '')" "repair show verify " \
  "bash completes crontab actions"
expect_eq "$(complete_words certcron create --tz Europe/Bruss)" Europe/Brussels \
  "bash completes time zones"

printf 'mentor_id\n' >"$SCRATCH/mentors.csv"
(cd "$SCRATCH" && complete_words certcron import ment) >"$SCRATCH/files"
expect_eq "$(cat "$SCRATCH/files")" mentors.csv "bash completes file names for import"

run create --name nightly_expiry_check --cron '0 2 * * *' --tz UTC
run create --name 'two words' --every 60 --tz UTC --disabled
expect_eq "$(completions_of "$CERTCRON_BIN" show '')" \
  'cron-001 cron-002 nightly_expiry_check two\ words ' "bash completes job ids and names from certcron list --json"
expect_eq "$(complete_words "$CERTCRON_BIN" execute --dry-run nig)" nightly_expiry_check \
  "bash completes the job after an option"
expect_eq "$(complete_words "$CERTCRON_BIN" show cron-001 '')" '' "bash offers nothing after the job"
expect_eq "$(completions_of "$CERTCRON_BIN" due --job c)" 'cron-001 cron-002 ' \
  "bash completes due --job"
expect_eq "$(complete_words "$CERTCRON_BIN" --db "$SCRATCH/none.db" show '')" '' \
  "no job is offered for a database that does not exist"
[ ! -e "$SCRATCH/none.db" ] && ok || not_ok "completing does not create the database"
expect_eq "$(complete_words "$CERTCRON_BIN" --config "$SCRATCH/missing.toml" show ''; cat "$SCRATCH/cstderr")" '' \
  "a failing certcron makes the completion offer nothing, quietly"

# --- zsh completion
if command -v zsh >/dev/null; then
  zsh -n "$COMPLETIONS/certcron.zsh" && ok || not_ok "completions/certcron.zsh passes zsh -n"
  zsh_commands=$(sed -n -E "s/^ +'([a-z]+):.*/\1/p" "$COMPLETIONS/certcron.zsh")
  check "the zsh completion names every subcommand" "$(missing_from "$commands" "$zsh_commands")"
else
  echo "skipping the zsh checks: zsh is not installed"
fi

finish
