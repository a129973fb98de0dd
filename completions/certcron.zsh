#compdef certcron
#
# zsh completion for certcron. Install as `_certcron` in a folder of $fpath, such as
# /usr/share/zsh/vendor-completions. Job ids and names come from `certcron list --json`.

# Job ids and names of the database the command line names, quietly nothing on failure.
# Asks certcron only when that cannot create a database as a side effect.
_certcron_jobs() {
  local program=${~_certcron_program} db_flag config_flag db config base json
  local -a args jobs
  (( $+commands[$program] )) || [[ -x $program ]] || return 1
  db_flag=${opt_args[--db]:-$_certcron_db_flag}
  config_flag=${opt_args[--config]:-$_certcron_config_flag}
  [[ -n $db_flag ]] && args+=(--db ${~db_flag})
  [[ -n $config_flag ]] && args+=(--config ${~config_flag})
  db=${db_flag:-${CERTCRON_DB:-}}
  config=${config_flag:-${CERTCRON_CONFIG:-}}
  if [[ -n $db ]]; then
    [[ -e ${~db} ]] || return 1
  else
    if [[ -z $config ]]; then
      base=${XDG_CONFIG_HOME:-}
      [[ $base == /* ]] || base=$HOME/.config
      config=$base/certcron/config.toml
    fi
    if ! { [[ -r ${~config} ]] && grep -Eq '^[[:space:]]*db[[:space:]]*=' ${~config} 2>/dev/null; }; then
      base=${XDG_DATA_HOME:-}
      [[ $base == /* ]] || base=$HOME/.local/share
      [[ -e $base/certcron/certcron.db ]] || return 1
    fi
  fi
  json=$("$program" $args list --json --limit 100 2>/dev/null </dev/null) || return 1
  jobs=(${(f)"$(print -r -- $json | sed -n -E 's/^[[:space:]]*"(id|name)": "([^"\\]*)",?$/\2/p')"})
  _describe -t jobs 'job' jobs
}

_certcron_zones() {
  local -a zones
  zones=(UTC)
  [[ -r /usr/share/zoneinfo/zone1970.tab ]] &&
    zones+=(${(f)"$(awk '!/^#/ && NF >= 3 { print $3 }' /usr/share/zoneinfo/zone1970.tab)"})
  _describe -t zones 'time zone' zones
}

_certcron() {
  local curcontext=$curcontext state line ret=1
  local _certcron_program=$words[1]
  typeset -A opt_args
  local -a globals
  globals=(
    '--db[database file]:database file:_files'
    '--config[config file]:config file:_files'
    '--json[print JSON]'
    '(-q --quiet -v --verbose)'{-q,--quiet}'[print only errors]'
    '(-q --quiet -v --verbose)'{-v,--verbose}'[print more detail]'
  )

  _arguments -C $globals \
    '(- *)--version[print the versions of certcron, SQLite and tzdata]' \
    '(- *)'{-h,--help}'[print help]' \
    '1:command:->command' \
    '*::argument:->argument' && ret=0
  # Seen before the subcommand; the subcommand's own _arguments call resets opt_args.
  local _certcron_db_flag=${opt_args[--db]:-} _certcron_config_flag=${opt_args[--config]:-}

  case $state in
    command)
      local -a commands
      commands=(
        'list:list jobs'
        'show:show one job with its last run and monitoring state'
        'create:create a job and install it into the crontab'
        'update:change a job; the crontab follows'
        'delete:delete a job, its runs and its crontab line'
        'sync:make the jobs those of a file (TOML or the seed'\''s JSON)'
        'execute:run the expiry check now and record the run'
        'runs:run history of a job, newest first'
        'import:load mentors and certifications from a CSV file'
        'due:who would be reminded, and why, without sending'
        'check:monitoring pass: late and failed jobs, alerts, catch-up'
        'snooze:silence a job'\''s alerts for a number of minutes'
        'unsnooze:lift a job'\''s snooze'
        'ping:record a ping (starting, finished, failed) from a wrapper'
        'next:preview a schedule'
        'crontab:inspect the managed crontab block; detect and fix drift'
        'k8s:print a Kubernetes CronJob per job'
        'db:copy the database into PostgreSQL (db migrate-to URL)'
        'serve:serve the jobs and runs as a JSON REST API over HTTP'
      )
      _describe -t commands 'certcron command' commands && ret=0
      ;;
    argument)
      curcontext=${curcontext%:*:*}:certcron-$words[1]:
      local job='1:job:_certcron_jobs'
      case $words[1] in
        list)
          _arguments $globals '--status[only jobs with this status]:status:(active disabled)' \
            '--page[page number]:page' '--limit[jobs per page]:limit' && ret=0 ;;
        show)
          _arguments $globals $job && ret=0 ;;
        create)
          _arguments $globals '--name[unique name]:name' \
            '(--every)--cron[cron expression]:cron expression' \
            '(--cron)--every[run every N minutes]:minutes' \
            '--tz[IANA time zone]:time zone:_certcron_zones' \
            '--grace[grace time in minutes]:minutes' \
            '--description[free text]:description' \
            '--disabled[create the job disabled]' \
            '--max-runtime[minutes a run may take before it is running too long, 1 to 10080]:minutes' \
            '--no-catch-up[do not run the job when check finds its latest slot missed]' && ret=0 ;;
        update)
          _arguments $globals $job '--name[new unique name]:name' \
            '(--every)--cron[new cron expression]:cron expression' \
            '(--cron)--every[run every N minutes]:minutes' \
            '--tz[new IANA time zone]:time zone:_certcron_zones' \
            '--grace[new grace time in minutes]:minutes' \
            '--description[new description]:description' \
            '(--disable)--enable[enable the job]' \
            '(--enable)--disable[disable the job]' \
            '(--no-max-runtime)--max-runtime[new maximum runtime in minutes, 1 to 10080]:minutes' \
            '(--max-runtime)--no-max-runtime[remove the maximum runtime]' \
            '(--no-catch-up)--catch-up[let check run the job for a missed slot]' \
            '(--catch-up)--no-catch-up[do not let check run the job for a missed slot]' && ret=0 ;;
        snooze)
          _arguments $globals $job '--minutes[how long to silence alerts, 1 to 144000]:minutes' && ret=0 ;;
        unsnooze)
          _arguments $globals $job && ret=0 ;;
        ping)
          _arguments $globals $job '2:kind:(starting finished failed)' \
            '--exit-code[exit status, 0 to 255]:exit code' \
            '--runtime[how long the run took, in seconds]:seconds' \
            '--message[a message]:message' && ret=0 ;;
        delete)
          _arguments $globals $job '(-y --yes)'{-y,--yes}'[do not ask for confirmation]' && ret=0 ;;
        sync)
          _arguments $globals '1:jobs file:_files -g "*.(toml|json)(-.)"' \
            '--dry-run[print the plan and change nothing]' \
            '--keep-missing[keep jobs the file does not name]' \
            '(-y --yes)'{-y,--yes}'[do not ask before deleting]' && ret=0 ;;
        execute)
          _arguments $globals $job '--dry-run[send nothing, write no ledger entry]' \
            '--scheduled[run only if a slot is due now]' && ret=0 ;;
        runs)
          _arguments $globals $job \
            '--status[only runs with this status]:status:(running success failed abandoned)' \
            '--page[page number]:page' '--limit[runs per page]:limit' && ret=0 ;;
        import)
          _arguments $globals '1:CSV file:_files -g "*.(csv|CSV)(-.)"' && ret=0 ;;
        due)
          _arguments $globals '--days[look this many days ahead]:days' \
            '(--tz)--job[count days in this job'\''s time zone]:job:_certcron_jobs' \
            '(--job)--tz[count days in this time zone]:time zone:_certcron_zones' && ret=0 ;;
        next)
          _arguments $globals \
            '1:cron expression:(@yearly @annually @monthly @weekly @daily @midnight @hourly)' \
            '--tz[IANA time zone]:time zone:_certcron_zones' \
            '--from[start after this RFC 3339 instant]:instant' \
            '--count[how many fire times]:count' && ret=0 ;;
        crontab)
          _arguments $globals '1:action:((show\:"print the block as it should be"
            verify\:"print a diff and exit 1 on drift" repair\:"rewrite the block"))' && ret=0 ;;
        k8s)
          _arguments $globals '1:action:((manifests\:"print a CronJob per job"))' \
            '--image[container image with certcron on its PATH]:image' \
            '--secret[Secret whose key url is the database URL]:secret' \
            '--namespace[namespace of every CronJob]:namespace' && ret=0 ;;
        db)
          _arguments $globals '1:action:((migrate-to\:"copy the database into an empty PostgreSQL database"))' \
            '2:PostgreSQL URL (no password in it):' && ret=0 ;;
        serve)
          _arguments $globals '--listen[address and port to listen on]:address and port' \
            '--threads[I/O threads, 0 for one per core]:threads' \
            '--allow-unauthenticated[listen beyond loopback without a token]' && ret=0 ;;
      esac
      ;;
  esac
  return ret
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _certcron "$@"
else
  compdef _certcron certcron
fi
