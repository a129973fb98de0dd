# Reading certcron's --help output, for the suites that compare it with the man pages and the
# shell completions. Sourced after lib.sh.

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

# Every option of a help text's "Options:" block, -h/--help included.
help_all_options() {
  help_block 'Options:' | grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,]*//' | sort -u
}

# Words of $1 (one a line) missing from $2 (one a line).
missing_from() { comm -23 <(printf '%s\n' "$1" | sed '/^$/d' | sort -u) <(printf '%s\n' "$2" | sort -u); }
