# fish completion for certcron. Install as certcron.fish in a folder of $fish_complete_path,
# such as /usr/share/fish/vendor_completions.d. Completes subcommands, their options, option
# values (statuses, time zones, files) and job ids and names, read from `certcron list --json`
# of the database the command line names.

# Options whose value is the next word, so that the value is not taken for the subcommand.
function __certcron_takes_value
    contains -- $argv[1] --db --config --status --page --limit --name --cron --every --tz \
        --grace --description --days --job --from --count --listen --threads --minutes \
        --exit-code --runtime --message --max-runtime --image --secret --namespace
end

# The words before the cursor after the program, without options and their values: the
# subcommand first, then its positional arguments.
function __certcron_positionals
    set -l words (commandline -opc)
    set -e words[1]
    set -l skip 0
    for word in $words
        if test $skip -eq 1
            set skip 0
        else if __certcron_takes_value $word
            set skip 1
        else if not string match -q -- '-*' $word
            printf '%s\n' $word
        end
    end
end

function __certcron_needs_command
    test (count (__certcron_positionals)) -eq 0
end

# True when the subcommand is one of argv.
function __certcron_using
    set -l positionals (__certcron_positionals)
    test (count $positionals) -ge 1; and contains -- $positionals[1] $argv
end

# True when the subcommand is one of argv[2..] and exactly argv[1] arguments follow it, i.e.
# the word being completed is its argument number argv[1] + 1.
function __certcron_argument
    set -l positionals (__certcron_positionals)
    test (count $positionals) -eq (math $argv[1] + 1); and contains -- $positionals[1] $argv[2..-1]
end

# The value of a global option (--db, --config) given on the line being completed.
function __certcron_option_value
    set -l words (commandline -opc)
    set -l next 0
    for word in $words
        if test $next -eq 1
            printf '%s' $word
            return 0
        else if test $word = $argv[1]
            set next 1
        else if string match -q -- "$argv[1]=*" $word
            string replace -- "$argv[1]=" '' $word
            return 0
        end
    end
    return 1
end

function __certcron_expand_tilde
    string replace -r -- '^~(?=/|$)' $HOME $argv[1]
end

# True when asking certcron for its jobs cannot create a database as a side effect: the
# database named by --db or CERTCRON_DB exists, or a config file may name one, or the default
# database exists.
function __certcron_database_exists
    set -l db (__certcron_option_value --db)
    or set db $CERTCRON_DB
    if test -n "$db"
        test -e (__certcron_expand_tilde $db)
        return
    end
    set -l config (__certcron_option_value --config)
    or set config $CERTCRON_CONFIG
    if test -z "$config"
        set -l base $XDG_CONFIG_HOME
        string match -q '/*' -- "$base"; or set base $HOME/.config
        set config $base/certcron/config.toml
    end
    set config (__certcron_expand_tilde $config)
    if test -r $config; and grep -Eq '^[[:space:]]*db[[:space:]]*=' $config 2>/dev/null
        return 0
    end
    set -l base $XDG_DATA_HOME
    string match -q '/*' -- "$base"; or set base $HOME/.local/share
    test -e $base/certcron/certcron.db
end

# Job ids and names, one a line; nothing when certcron cannot tell (quietly).
function __certcron_jobs
    set -l program (__certcron_expand_tilde (commandline -opc)[1])
    command -q -- $program; or test -x $program; or return 0
    __certcron_database_exists; or return 0
    set -l args
    set -l value (__certcron_option_value --db); and set args $args --db $value
    set -l value (__certcron_option_value --config); and set args $args --config $value
    set -l timeout
    command -q timeout; and set timeout timeout 5
    set -l json ($timeout $program $args list --json --limit 100 2>/dev/null </dev/null)
    or return 0
    # Only the job objects carry "id" and "name"; names with escapes are left out.
    printf '%s\n' $json | sed -n -E 's/^[[:space:]]*"(id|name)": "([^"\\]*)",?$/\2/p'
end

function __certcron_time_zones
    echo UTC
    set -l table /usr/share/zoneinfo/zone1970.tab
    test -r $table; and awk '!/^#/ && NF >= 3 { print $3 }' $table
end

complete -c certcron -f

# Global options, before or after the subcommand.
complete -c certcron -l db -r -F -d 'Database file (env CERTCRON_DB)'
complete -c certcron -l config -r -F -d 'Config file (env CERTCRON_CONFIG)'
complete -c certcron -l json -d 'Print JSON (the API contract\'s shapes)'
complete -c certcron -s q -l quiet -d 'Print only errors'
complete -c certcron -s v -l verbose -d 'Print more detail'
complete -c certcron -s h -l help -d 'Print help'
complete -c certcron -n __certcron_needs_command -l version -d 'Print the versions of certcron, SQLite and tzdata'

# Subcommands.
complete -c certcron -n __certcron_needs_command -a list -d 'List jobs'
complete -c certcron -n __certcron_needs_command -a show -d 'Show one job with its last run and monitoring state'
complete -c certcron -n __certcron_needs_command -a create -d 'Create a job and install it into the crontab'
complete -c certcron -n __certcron_needs_command -a update -d 'Change a job; the crontab follows'
complete -c certcron -n __certcron_needs_command -a delete -d 'Delete a job, its runs and its crontab line'
complete -c certcron -n __certcron_needs_command -a sync -d 'Make the jobs those of a file (TOML or the seed\'s JSON)'
complete -c certcron -n __certcron_needs_command -a execute -d 'Run the expiry check now and record the run'
complete -c certcron -n __certcron_needs_command -a runs -d 'Run history of a job, newest first'
complete -c certcron -n __certcron_needs_command -a import -d 'Load mentors and certifications from a CSV file'
complete -c certcron -n __certcron_needs_command -a due -d 'Who would be reminded, and why, without sending'
complete -c certcron -n __certcron_needs_command -a check -d 'Monitoring pass: late and failed jobs, alerts, catch-up'
complete -c certcron -n __certcron_needs_command -a snooze -d 'Silence a job\'s alerts for a number of minutes'
complete -c certcron -n __certcron_needs_command -a unsnooze -d 'Lift a job\'s snooze'
complete -c certcron -n __certcron_needs_command -a ping -d 'Record a ping (starting, finished, failed) from a wrapper'
complete -c certcron -n __certcron_needs_command -a next -d 'Preview a schedule'
complete -c certcron -n __certcron_needs_command -a crontab -d 'Inspect the managed crontab block; detect and fix drift'
complete -c certcron -n __certcron_needs_command -a k8s -d 'Print a Kubernetes CronJob per job'
complete -c certcron -n __certcron_needs_command -a db -d 'Copy the database into PostgreSQL (db migrate-to URL)'
complete -c certcron -n __certcron_needs_command -a serve -d 'Serve the JSON REST API over HTTP'

# Positional arguments: the job, files, actions, schedule macros.
complete -c certcron -n '__certcron_argument 0 show update delete execute runs snooze unsnooze ping' \
    -a '(__certcron_jobs)' -d job
complete -c certcron -n '__certcron_argument 1 ping' -a 'starting finished failed' -d kind
complete -c certcron -n '__certcron_argument 0 import' -F -d 'CSV file'
complete -c certcron -n '__certcron_argument 0 sync' -F -d 'jobs file'
complete -c certcron -n '__certcron_argument 0 crontab' -a show -d 'Print the block as it should be'
complete -c certcron -n '__certcron_argument 0 crontab' -a verify -d 'Print a diff and exit 1 on drift'
complete -c certcron -n '__certcron_argument 0 crontab' -a repair -d 'Rewrite the block'
complete -c certcron -n '__certcron_argument 0 k8s' -a manifests -d 'Print a CronJob per job'
complete -c certcron -n '__certcron_argument 0 db' -a migrate-to -d 'Copy the database into an empty PostgreSQL database'
complete -c certcron -n '__certcron_argument 0 next' \
    -a '@yearly @annually @monthly @weekly @daily @midnight @hourly' -d 'schedule macro'

# Options of each subcommand.
complete -c certcron -n '__certcron_using list' -l status -x -a 'active disabled' -d 'Only jobs with this status'
complete -c certcron -n '__certcron_using runs' -l status -x -a 'running success failed abandoned' -d 'Only runs with this status'
complete -c certcron -n '__certcron_using list runs' -l page -x -d 'Page number, from 1'
complete -c certcron -n '__certcron_using list runs' -l limit -x -d 'Items per page, 1 to 100'

complete -c certcron -n '__certcron_using create' -l name -x -d 'Unique name of the job'
complete -c certcron -n '__certcron_using update' -l name -x -d 'New unique name'
complete -c certcron -n '__certcron_using create update' -l cron -x -d 'Cron expression, e.g. \'0 2 * * *\' or @daily'
complete -c certcron -n '__certcron_using create update' -l every -x -d 'Run every N minutes (1 to 525600)'
complete -c certcron -n '__certcron_using create update' -l tz -x -a '(__certcron_time_zones)' -d 'IANA time zone'
complete -c certcron -n '__certcron_using create update' -l grace -x -d 'Grace time in minutes'
complete -c certcron -n '__certcron_using create update' -l description -x -d 'Free text'
complete -c certcron -n '__certcron_using create update' -l max-runtime -x -d 'Minutes a run may take, 1 to 10080'
complete -c certcron -n '__certcron_using create update' -l no-catch-up -d 'Do not run the job when check finds its latest slot missed'
complete -c certcron -n '__certcron_using create' -l disabled -d 'Create the job disabled (no crontab line)'
complete -c certcron -n '__certcron_using update' -l enable -d 'Enable the job'
complete -c certcron -n '__certcron_using update' -l disable -d 'Disable the job'
complete -c certcron -n '__certcron_using update' -l no-max-runtime -d 'Remove the runtime limit'
complete -c certcron -n '__certcron_using update' -l catch-up -d 'Let check run the job for a missed slot'

complete -c certcron -n '__certcron_using delete' -s y -l yes -d 'Do not ask for confirmation'
complete -c certcron -n '__certcron_using sync' -s y -l yes -d 'Do not ask before deleting jobs not in the file'
complete -c certcron -n '__certcron_using sync' -l keep-missing -d 'Keep jobs the file does not name'
complete -c certcron -n '__certcron_using sync' -l dry-run -d 'Print the plan and change nothing'
complete -c certcron -n '__certcron_using execute' -l dry-run -d 'Send nothing, write no ledger entry'
complete -c certcron -n '__certcron_using execute' -l scheduled -d 'Run only if a slot of the schedule is due now'

complete -c certcron -n '__certcron_using snooze' -l minutes -x -d 'How long to silence alerts, 1 to 144000'
complete -c certcron -n '__certcron_using ping' -l exit-code -x -d 'Exit status, 0 to 255'
complete -c certcron -n '__certcron_using ping' -l runtime -x -d 'How long the run took, in seconds'
complete -c certcron -n '__certcron_using ping' -l message -x -d 'A message, e.g. why it failed'

complete -c certcron -n '__certcron_using due' -l days -x -d 'Look this many days ahead'
complete -c certcron -n '__certcron_using due' -l job -x -a '(__certcron_jobs)' -d 'Count days in this job\'s time zone'
complete -c certcron -n '__certcron_using due next' -l tz -x -a '(__certcron_time_zones)' -d 'IANA time zone'
complete -c certcron -n '__certcron_using next' -l from -x -d 'Start after this RFC 3339 instant'
complete -c certcron -n '__certcron_using next' -l count -x -d 'How many fire times'

complete -c certcron -n '__certcron_using k8s' -l image -x -d 'Container image with certcron on its PATH'
complete -c certcron -n '__certcron_using k8s' -l secret -x -d 'Secret whose key url is the database URL'
complete -c certcron -n '__certcron_using k8s' -l namespace -x -d 'Namespace of every CronJob'
complete -c certcron -n '__certcron_using serve' -l listen -x -d 'Address and port to listen on'
complete -c certcron -n '__certcron_using serve' -l threads -x -d 'I/O threads (default: one per core)'
complete -c certcron -n '__certcron_using serve' -l allow-unauthenticated -d 'Listen beyond loopback without a token'
