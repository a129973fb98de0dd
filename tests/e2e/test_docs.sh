#!/usr/bin/env bash
# The user documentation stays true to the binary: a man page per command listing every option
# the command accepts, a --help per command with an example that uses only options the command
# takes, the exit codes and config keys the program has, pages groff renders without a warning,
# config examples certcron accepts, and the cron.d example as certcron writes it. The shell
# completions are test_completions.sh's.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/support/help_text.sh"

MAN=$CERTCRON_SOURCE_DIR/man
PACKAGING=$CERTCRON_SOURCE_DIR/packaging
out='' err='' status=0

# The roff source of one section (".SH NAME" -> NAME) with \- turned into -.
man_section() {
  awk -v s=".SH $2" '/^\.SH / { f = ($0 == s); next } f' "$1" | sed 's/\\-/-/g'
}

# Options that head a .TP item of a page's OPTIONS section.
man_option_items() {
  man_section "$1" OPTIONS | awk 'p { print } { p = ($0 == ".TP") }' |
    grep -oE -- '(^|[ ])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^ //' | sort -u
}

# The example lines of a help text: the indented lines after its "Example:" or "Examples:".
help_examples() { awk '/^Examples?:$/ { f = 1; next } f && /^  / { print; next } { f = 0 }'; }

# The options an example line gives `certcron CMD` (what follows "certcron CMD", up to a pipe).
example_options() {
  sed -n -E "s/.*(^|[ (=])certcron $1( |$)//p" | sed 's/|.*//' |
    grep -oE -- "(^| )--?[a-zA-Z][a-zA-Z-]*" | sed 's/^ //' | sort -u
}

run --help
commands=$(printf '%s\n' "$out" | help_block 'Subcommands:' | awk '{ print $1 }')
global_help=$out
global_options=$(printf '%s\n' "$out" | help_all_options)
expect_out '^Subcommands:' "certcron --help lists subcommands"
[ -n "$commands" ] && ok || not_ok "subcommands parsed from certcron --help"

# --- per subcommand: an example in --help, a page with every option the command takes
for cmd in $commands; do
  run "$cmd" --help
  help=$out
  help_opts=$(printf '%s\n' "$help" | help_options)

  # --help ends with an example of the command that uses only options the command takes.
  examples=$(printf '%s\n' "$help" | help_examples | grep -E "(^|[ (=])certcron $cmd( |$)")
  check "\`certcron $cmd --help\` has an Example(s): block running certcron $cmd" \
    "$([ -n "$examples" ] || printf 'no example; the help ends with:\n%s\n' "$(printf '%s\n' "$help" | tail -n 4)")"
  check "the examples of \`certcron $cmd --help\` use only options certcron $cmd takes" \
    "$(missing_from "$(printf '%s\n' "$examples" | example_options "$cmd")" \
      "$(printf '%s\n%s\n' "$help_opts" "$global_options")")"

  page=$MAN/certcron-$cmd.1
  if [ ! -f "$page" ]; then
    check "$cmd has a man page" "man/certcron-$cmd.1 does not exist"
    continue
  fi
  ok
  man_opts=$(man_option_items "$page")
  check "every option of \`certcron $cmd --help\` is an item of OPTIONS in certcron-$cmd.1" \
    "$(missing_from "$help_opts" "$man_opts")"
  check "every option in certcron-$cmd.1 is one \`certcron $cmd\` takes" \
    "$(missing_from "$man_opts" "$help_opts")"
  # Fixed value lists ({active,disabled}, {show,verify,repair}) are named in the page.
  values=$(printf '%s\n' "$help" | grep -oE '\{[a-z,]+\}' | tr -d '{}' | tr ',' '\n')
  page_text=$(sed 's/\\-/-/g' "$page")
  absent=''
  for value in $values; do
    printf '%s\n' "$page_text" | grep -qE "(^|[^a-z])$value([^a-z]|$)" || absent="$absent $value"
  done
  check "the values \`certcron $cmd --help\` lists appear in certcron-$cmd.1" "$absent"
done

man_globals=$(man_option_items "$MAN/certcron.1")
check "every global option is an item of OPTIONS in certcron.1" \
  "$(missing_from "$global_options" "$man_globals")"
check "every option in certcron.1 is a global option" "$(missing_from "$man_globals" "$global_options")"

# Every command has an entry in certcron(1).
listed=$(man_section "$MAN/certcron.1" COMMANDS | grep -oE '^\.BR certcron-[a-z0-9]+' | sed 's/.*certcron-//')
check "certcron.1 lists every subcommand" "$(missing_from "$commands" "$listed")"
check "certcron.1 lists only subcommands that exist" "$(missing_from "$listed" "$commands")"

# --- exit codes: the table in certcron(1) and the README's are the one the binary prints
help_codes=$(printf '%s\n' "$global_help" | sed -n '/^Exit codes:/,/^$/p' | grep -oE '(^|[:,] )[0-9]+ ' |
  grep -oE '[0-9]+' | sort -n | tr '\n' ' ')
man_codes=$(man_section "$MAN/certcron.1" 'EXIT STATUS' | awk 'p { print } { p = ($0 == ".TP") }' |
  sed -n 's/^\.B \([0-9]*\)$/\1/p' | sort -n | tr '\n' ' ')
readme_codes=$(sed -n '/^## Exit codes$/,/^## /p' "$CERTCRON_SOURCE_DIR/README.md" |
  sed -n 's/^| \([0-9][0-9]*\) |.*/\1/p' | sort -n | tr '\n' ' ')
# Two empty lists are equal: each must name codes, from 0 up with none missing.
for list in help man readme; do
  codes_var=${list}_codes
  expect_eq "${!codes_var}" "$(seq -s ' ' 0 $(($(wc -w <<<"${!codes_var}") - 1))) " \
    "the $list exit codes are 0 to N, each once"
done
[ -n "$help_codes" ] && ok || check "certcron --help lists exit codes" "none found after 'Exit codes:'"
expect_eq "$man_codes" "$help_codes" "certcron.1 EXIT STATUS has the exit codes of --help"
expect_eq "$readme_codes" "$help_codes" "the README's exit code table has the exit codes of --help"

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
  for ref in $(sed 's/\\-/-/g' "$page" | grep -oE 'certcron[-.a-z0-9]* \([0-9]\)' | tr -d ' )' | tr '(' '.'); do
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
  check "groff is installed for the rendering checks" "missing (Debian: groff-base; scripts/install-deps)"
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
  "$(missing_from "$(printf '%s\n' "$source_keys" | grep -vxE 'reminders|alerts|crontab|server|delivery|monitoring|cluster')" "$every_key")"
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

finish
