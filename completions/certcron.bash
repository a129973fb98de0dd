# bash completion for certcron                              -*- shell-script -*-
#
# Install as /usr/share/bash-completion/completions/certcron, or source it from ~/.bashrc.
# Completes subcommands, their options, option values (statuses, time zones, files) and job
# ids and names, read from `certcron list --json` of the database the command line names.

_certcron_global_options='--db --config --json -q --quiet -v --verbose --version -h --help'
_certcron_commands='list show create update delete sync execute runs import due check snooze unsnooze ping next crontab k8s db serve'

# Options that take a value, whose value must not be read as the subcommand or the job.
_certcron_takes_value() {
  case $1 in
    --db | --config | --status | --page | --limit | --name | --cron | --every | --tz | \
      --grace | --description | --days | --job | --from | --count | --listen | --threads | \
      --minutes | --exit-code | --runtime | --message | --max-runtime | --image | --secret | \
      --namespace) return 0 ;;
  esac
  return 1
}

_certcron_command_options() {
  case $1 in
    list) echo '--status --page --limit' ;;
    show) echo '' ;;
    create) echo '--name --cron --every --tz --grace --description --disabled --max-runtime --no-catch-up' ;;
    update) echo '--name --cron --every --tz --grace --description --enable --disable --max-runtime --no-max-runtime --catch-up --no-catch-up' ;;
    delete) echo '-y --yes' ;;
    sync) echo '--dry-run --keep-missing -y --yes' ;;
    execute) echo '--dry-run --scheduled' ;;
    snooze) echo '--minutes' ;;
    unsnooze) echo '' ;;
    ping) echo '--exit-code --runtime --message' ;;
    runs) echo '--status --page --limit' ;;
    import) echo '' ;;
    due) echo '--days --job --tz' ;;
    next) echo '--tz --from --count' ;;
    crontab) echo '' ;;
    k8s) echo '--image --secret --namespace' ;;
    db) echo '' ;;
    serve) echo '--listen --threads --allow-unauthenticated' ;;
  esac
}

# The value of a global option (--db, --config) given on the line being completed.
_certcron_option_value() {
  local want=$1 i word
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ $word == "$want" ]]; then
      if [[ ${COMP_WORDS[i + 1]-} == = ]]; then
        printf '%s' "${COMP_WORDS[i + 2]-}"
      else
        printf '%s' "${COMP_WORDS[i + 1]-}"
      fi
      return 0
    fi
  done
  return 1
}

_certcron_expand_tilde() {
  # shellcheck disable=SC2088
  case $1 in
    '~') printf '%s' "$HOME" ;;
    '~/'*) printf '%s' "$HOME/${1#'~/'}" ;;
    *) printf '%s' "$1" ;;
  esac
}

# True when asking certcron for its jobs cannot create a database as a side effect: the
# database named by --db or CERTCRON_DB exists, or a config file may name one, or the
# default database exists.
_certcron_database_exists() {
  local db config base
  db=$(_certcron_option_value --db) || db=${CERTCRON_DB-}
  if [[ -n $db ]]; then
    [[ -e $(_certcron_expand_tilde "$db") ]]
    return
  fi
  config=$(_certcron_option_value --config) || config=${CERTCRON_CONFIG-}
  if [[ -z $config ]]; then
    base=${XDG_CONFIG_HOME-}
    [[ $base == /* ]] || base=$HOME/.config
    config=$base/certcron/config.toml
  fi
  config=$(_certcron_expand_tilde "$config")
  if [[ -r $config ]] && grep -Eq '^[[:space:]]*db[[:space:]]*=' "$config" 2>/dev/null; then
    return 0
  fi
  base=${XDG_DATA_HOME-}
  [[ $base == /* ]] || base=$HOME/.local/share
  [[ -e $base/certcron/certcron.db ]]
}

# Job ids and names, one per line; nothing when certcron cannot tell (quietly).
_certcron_jobs() {
  local program=${COMP_WORDS[0]} value json
  local -a args=()
  program=$(_certcron_expand_tilde "$program")
  type -P -- "$program" >/dev/null 2>&1 || [[ -x $program ]] || return 0
  _certcron_database_exists || return 0
  if value=$(_certcron_option_value --db); then args+=(--db "$value"); fi
  if value=$(_certcron_option_value --config); then args+=(--config "$value"); fi
  if type -P timeout >/dev/null 2>&1; then
    json=$(timeout 5 "$program" "${args[@]}" list --json --limit 100 2>/dev/null </dev/null) || return 0
  else
    json=$("$program" "${args[@]}" list --json --limit 100 2>/dev/null </dev/null) || return 0
  fi
  # Only the job objects carry "id" and "name"; names with escapes are left out.
  printf '%s\n' "$json" | sed -n -E 's/^[[:space:]]*"(id|name)": "([^"\\]*)",?$/\2/p'
}

_certcron_time_zones() {
  local table=/usr/share/zoneinfo/zone1970.tab
  echo UTC
  [[ -r $table ]] && awk '!/^#/ && NF >= 3 { print $3 }' "$table"
}

# COMPREPLY = the words of $1 (separated by spaces or newlines; by newlines only when $3 is
# "lines") that start with $2. Filtered here rather than by `compgen -W`, which would expand
# `$(...)` in a job's name.
_certcron_reply() {
  local word quoted
  local -a words=()
  if [[ ${3-} == lines ]]; then
    mapfile -t words <<<"$1"
  else
    read -r -d '' -a words <<<"$1"
  fi
  for word in "${words[@]}"; do
    if [[ -n $word && $word == "$2"* ]]; then
      printf -v quoted '%q' "$word"
      COMPREPLY+=("$quoted")
    fi
  done
}

_certcron_files() {
  local IFS=$'\n'
  compopt -o filenames 2>/dev/null
  # shellcheck disable=SC2207
  COMPREPLY=($(compgen -f -- "$1"))
}

_certcron() {
  local cur=${COMP_WORDS[COMP_CWORD]-} prev=${COMP_WORDS[COMP_CWORD - 1]-}
  local command='' positional=0 i word
  COMPREPLY=()
  if [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
    prev=${COMP_WORDS[COMP_CWORD - 2]}
  fi
  [[ $cur == = ]] && cur=''

  # The subcommand, and how many positional arguments follow it, before the cursor.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if [[ $word == = ]]; then
      continue
    elif _certcron_takes_value "$word"; then
      [[ ${COMP_WORDS[i + 1]-} == = ]] && ((i++))
      ((i++))
    elif [[ $word == -* ]]; then
      continue
    elif [[ -z $command ]]; then
      command=$word
    else
      ((positional++))
    fi
  done

  case $prev in
    --db | --config)
      _certcron_files "$cur"
      return 0
      ;;
    --status)
      if [[ $command == runs ]]; then
        _certcron_reply 'running success failed abandoned' "$cur"
      else
        _certcron_reply 'active disabled' "$cur"
      fi
      return 0
      ;;
    --tz)
      _certcron_reply "$(_certcron_time_zones)" "$cur"
      return 0
      ;;
    --job)
      _certcron_reply "$(_certcron_jobs)" "$cur" lines
      return 0
      ;;
    --page | --limit | --name | --cron | --every | --grace | --description | --days | \
      --from | --count | --listen | --threads | --minutes | --exit-code | --runtime | --message | \
      --max-runtime | --image | --secret | --namespace)
      return 0
      ;;
  esac

  if [[ -z $command ]]; then
    if [[ $cur == -* ]]; then
      _certcron_reply "$_certcron_global_options" "$cur"
    else
      _certcron_reply "$_certcron_commands" "$cur"
    fi
    return 0
  fi

  if [[ $cur == -* ]]; then
    _certcron_reply "$(_certcron_command_options "$command") $_certcron_global_options" "$cur"
    return 0
  fi
  if [[ $command == ping ]] && ((positional == 1)); then
    _certcron_reply 'starting finished failed' "$cur"
    return 0
  fi
  ((positional > 0)) && return 0
  case $command in
    show | update | delete | execute | runs | snooze | unsnooze | ping) _certcron_reply "$(_certcron_jobs)" "$cur" lines ;;
    import | sync) _certcron_files "$cur" ;;
    crontab) _certcron_reply 'show verify repair' "$cur" ;;
    k8s) _certcron_reply 'manifests' "$cur" ;;
    db) _certcron_reply 'migrate-to' "$cur" ;;
    next) [[ $cur == @* ]] && _certcron_reply '@yearly @annually @monthly @weekly @daily @midnight @hourly' "$cur" ;;
  esac
  return 0
}

complete -F _certcron certcron
