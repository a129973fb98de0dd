#include "store/pg/job_store.hpp"

#include "store/common.hpp"
#include "store/pg/schema.hpp"
#include "store/row_mapping.hpp"

#include <array>

namespace certcron::store::pg {
namespace {

using mapping::from_seconds;

// An instant column as epoch seconds (NULL stays NULL).
std::string epoch(const std::string& column) {
  return "extract(epoch FROM " + column + ")::bigint";
}

// The columns mapping::read_job reads, in its order, from the table aliased `a`.
std::string job_columns(const std::string& a) {
  return a + "seq, " + a + "name, " + a + "description, " + a + "type, " + a +
         "cron_expression, " + a + "frequency_in_minutes, " + a + "grace_time_in_minutes, " +
         a + "server_timezone, " + a + "enabled::int, " + a + "uuid, " + epoch(a + "created_at") +
         ", " + epoch(a + "updated_at") + ", " + a + "latest_result, " +
         epoch(a + "latest_ping_at") + ", " + epoch(a + "snooze_ends_at") + ", " + a +
         "snooze_minutes, " + a + "max_runtime_in_minutes, " + a + "catch_up::int";
}

// The columns mapping::read_run reads, in its order.
std::string run_columns(const std::string& a) {
  return a + "seq, " + a + "job_seq, " + a + "trigger, " + epoch(a + "scheduled_for") + ", " +
         epoch(a + "started_at") + ", " + epoch(a + "completed_at") + ", " + a + "status, " + a +
         "dry_run::int, " + a + "pid, " + a + "mentors_checked, " + a +
         "certifications_checked, " + a + "reminders_sent, " + a + "errors, " + a +
         "error_message, " + a + "pid_start, " + a + "owner, " + epoch(a + "lease_until");
}

const std::string kSelectJobs = "SELECT " + job_columns("") + " FROM jobs";
const std::string kSelectRuns = "SELECT " + run_columns("") + " FROM runs";
const std::string kSelectFlips =
    "SELECT seq, job_seq, " + epoch("at") + ", from_state, to_state, reason, " + epoch("slot") +
    ", run_seq, alert, attempts, alert_error, " + epoch("alerted_at") + " FROM flips";
const std::string kSelectPings = "SELECT seq, job_seq, " + epoch("at") +
                                 ", kind, exit_code, runtime_ms, message, body, rid, source, "
                                 "remote FROM pings";

// A job with its newest run: the correlated max() is one seek on runs_by_job.
const std::string kJobWithLastRun =
    "SELECT " + job_columns("j.") + ", " + run_columns("r.") +
    " FROM jobs AS j LEFT JOIN runs AS r "
    "ON r.seq = (SELECT max(seq) FROM runs WHERE runs.job_seq = j.seq)";
constexpr int kFirstRunColumn = mapping::kJobColumnCount;
constexpr int kTotalColumn = mapping::kJobColumnCount + mapping::kRunColumnCount;

// The filter on jobs aliased `a` ("" or "j.").
std::string filter_condition(JobStatusFilter filter, const std::string& a = "") {
  switch (filter) {
    case JobStatusFilter::active:
      return " WHERE " + a + "enabled";
    case JobStatusFilter::disabled:
      return " WHERE NOT " + a + "enabled";
    case JobStatusFilter::any:
      break;
  }
  return "";
}

JobWithLastRun job_with_last_run(const Row& row) {
  JobWithLastRun read{mapping::read_job(row), std::nullopt};
  if (!row.is_null(kFirstRunColumn)) {
    read.last_run = mapping::read_run(row, kFirstRunColumn);
  }
  return read;
}

// $1..$10 of an INSERT or UPDATE of a definition, in this order.
Params& add_definition(Params& params, const JobDefinition& def) {
  params.add(def.name).add(def.description).add(to_string(def.type));
  if (def.type == ScheduleType::cron) {
    params.add(def.cron_expression).null();
  } else {
    params.null().add(def.frequency_in_minutes);
  }
  return params.add(def.grace_time_in_minutes)
      .add(def.server_timezone)
      .add(def.enabled)
      .add(def.max_runtime_in_minutes)
      .add(def.catch_up);
}

std::optional<std::int64_t> seconds_of(std::optional<Seconds> value) {
  if (!value) {
    return std::nullopt;
  }
  return from_seconds(*value);
}

template <class T>
Result<T> attempt(const std::function<T()>& work) {
  T value{};
  auto ran = guarded([&] { value = work(); });
  if (!ran) {
    return fail(ran.error());
  }
  return value;
}

// The first row `sql` gives, read by `read`; nothing when it gives none.
template <class T, class Read>
Result<std::optional<T>> first_row(Connection& connection, const std::string& sql,
                                   const Params& params, Read read) {
  return attempt<std::optional<T>>([&]() -> std::optional<T> {
    auto rows = connection.query(sql, params);
    if (rows.empty()) {
      return std::nullopt;
    }
    return read(rows[0]);
  });
}

}  // namespace

Result<void> PgJobStore::in_transaction(const std::function<Result<void>()>& work) {
  return transact(connection_, kBeginWrite, work);
}

Result<void> PgJobStore::in_read_transaction(const std::function<Result<void>()>& work) {
  // One snapshot for every query of `work`.
  return transact(connection_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", work);
}

Result<std::string> PgJobStore::identity() {
  return attempt<std::string>([&] {
    auto rows = connection_.query("SELECT value FROM certcron_meta WHERE key = 'identity'");
    return rows.empty() ? std::string() : std::string(rows[0].text(0));
  });
}

Result<std::optional<Seconds>> PgJobStore::database_time() {
  return attempt<std::optional<Seconds>>([&]() -> std::optional<Seconds> {
    auto rows = connection_.query("SELECT extract(epoch FROM clock_timestamp())::bigint");
    return mapping::to_seconds(rows[0].int64(0));
  });
}

Result<Job> PgJobStore::insert_job(const JobDefinition& definition, Seconds now) {
  Params params;
  add_definition(params, definition).add(random_uuid()).add(from_seconds(now));
  std::optional<Job> job;
  try {
    auto rows = connection_.query_may_fail(
        "INSERT INTO jobs (name, description, type, cron_expression, frequency_in_minutes, "
        "grace_time_in_minutes, server_timezone, enabled, max_runtime_in_minutes, catch_up, uuid, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
        "to_timestamp($12), to_timestamp($12)) RETURNING " +
            job_columns(""),
        params);
    job = mapping::read_job(rows[0]);
  } catch (const Failure& error) {
    if (error.unique_violation() && error.constraint() == "jobs_name_unique") {
      return fail(duplicate_name_error());
    }
    return fail(error_from(error));
  } catch (const std::exception& error) {
    return fail(error_from(error));
  }
  return *job;
}

Result<void> PgJobStore::update_job_row(std::int64_t job_seq, const std::string& sql,
                                        const Params& params) {
  try {
    if (connection_.query_may_fail(sql, params).affected() == 0) {
      return fail(Error::not_found("no job " + format_job_id(job_seq)));
    }
  } catch (const Failure& error) {
    if (error.unique_violation() && error.constraint() == "jobs_name_unique") {
      return fail(duplicate_name_error());
    }
    return fail(error_from(error));
  } catch (const std::exception& error) {
    return fail(error_from(error));
  }
  return {};
}

Result<void> PgJobStore::update_definition(std::int64_t job_seq, const JobDefinition& definition,
                                           Seconds updated_at, std::optional<LatestResult> mark) {
  Params params;
  add_definition(params, definition).add(from_seconds(updated_at));
  params.add(mark ? std::optional<std::string>(to_string(*mark)) : std::nullopt).add(job_seq);
  // Without a mark, latest_result is written back as it is in the row (not from a copy).
  return update_job_row(
      job_seq,
      "UPDATE jobs SET name = $1, description = $2, type = $3, cron_expression = $4, "
      "frequency_in_minutes = $5, grace_time_in_minutes = $6, server_timezone = $7, "
      "enabled = $8, max_runtime_in_minutes = $9, catch_up = $10, "
      "updated_at = to_timestamp($11), latest_result = coalesce($12, latest_result) "
      "WHERE seq = $13",
      params);
}

Result<void> PgJobStore::record_monitoring(std::int64_t job_seq, LatestResult result,
                                           std::optional<Seconds> ping_at) {
  return update_job_row(job_seq,
                        "UPDATE jobs SET latest_result = $1, "
                        "latest_ping_at = coalesce(to_timestamp($2), latest_ping_at) "
                        "WHERE seq = $3",
                        Params().add(to_string(result)).add(seconds_of(ping_at)).add(job_seq));
}

Result<void> PgJobStore::set_snooze(std::int64_t job_seq, std::optional<Snooze> snooze) {
  Params params;
  if (snooze) {
    params.add(from_seconds(snooze->ends_at)).add(snooze->minutes);
  } else {
    params.null().null();
  }
  return update_job_row(
      job_seq,
      "UPDATE jobs SET snooze_ends_at = to_timestamp($1), snooze_minutes = $2 WHERE seq = $3",
      params.add(job_seq));
}

Result<void> PgJobStore::delete_job(std::int64_t job_seq) {
  return guarded(
      [&] { connection_.query("DELETE FROM jobs WHERE seq = $1", Params().add(job_seq)); });
}

Result<std::optional<Job>> PgJobStore::find_job_where(const std::string& sql,
                                                      const Params& params) {
  return first_row<Job>(connection_, sql, params, [](const Row& row) { return mapping::read_job(row); });
}

Result<std::optional<Job>> PgJobStore::find_job(std::string_view id_or_name) {
  if (auto seq = parse_job_id(id_or_name)) {
    auto by_id = find_job_by_seq(*seq);
    if (!by_id || *by_id) {
      return by_id;
    }
  }
  return find_job_by_name(id_or_name);
}

Result<std::optional<Job>> PgJobStore::find_job_by_name(std::string_view name) {
  return find_job_where(kSelectJobs + " WHERE name = $1", Params().add(name));
}

Result<std::optional<Job>> PgJobStore::find_job_by_seq(std::int64_t job_seq) {
  return find_job_where(kSelectJobs + " WHERE seq = $1", Params().add(job_seq));
}

Result<std::optional<JobWithLastRun>> PgJobStore::find_with_last_run_where(
    const std::string& condition, const Params& params) {
  return first_row<JobWithLastRun>(connection_, kJobWithLastRun + condition, params, [](const Row& row) { return job_with_last_run(row); });
}

Result<std::optional<JobWithLastRun>> PgJobStore::find_job_with_last_run(
    std::string_view id_or_name) {
  if (auto seq = parse_job_id(id_or_name)) {
    auto by_id = find_with_last_run_where(" WHERE j.seq = $1",
                                          Params().add(static_cast<std::int64_t>(*seq)));
    if (!by_id || *by_id) {
      return by_id;
    }
  }
  return find_with_last_run_where(" WHERE j.name = $1", Params().add(id_or_name));
}

Result<Page<JobWithLastRun>> PgJobStore::list_jobs(JobStatusFilter filter, PageRequest page) {
  return attempt<Page<JobWithLastRun>>([&] {
    Page<JobWithLastRun> result{{}, page.page, page.limit, 0};
    const std::string condition = filter_condition(filter);
    // The page, its last runs and the filter's total from one statement: one snapshot.
    const std::string where = filter_condition(filter, "j.");
    auto rows = connection_.query(
        "SELECT " + job_columns("j.") + ", " + run_columns("r.") +
            ", (SELECT count(*) FROM jobs" + condition +
            ") FROM jobs AS j LEFT JOIN runs AS r "
            "ON r.seq = (SELECT max(seq) FROM runs WHERE runs.job_seq = j.seq)" +
            where + " ORDER BY j.seq LIMIT $1 OFFSET $2",
        Params().add(page.limit).add((static_cast<std::int64_t>(page.page) - 1) * page.limit));
    result.items.reserve(static_cast<std::size_t>(rows.size()));
    for (int index = 0; index < rows.size(); ++index) {
      if (index == 0) {
        result.total = rows[index].int64(kTotalColumn);
      }
      result.items.push_back(job_with_last_run(rows[index]));
    }
    if (result.items.empty()) {
      // A page past the end has no row to carry the total.
      result.total = connection_.query("SELECT count(*) FROM jobs" + condition)[0].int64(0);
    }
    return result;
  });
}

Result<std::vector<Job>> PgJobStore::all_jobs() {
  return attempt<std::vector<Job>>([&] {
    auto rows = connection_.query(kSelectJobs + " ORDER BY seq");
    std::vector<Job> jobs;
    jobs.reserve(static_cast<std::size_t>(rows.size()));
    for (int index = 0; index < rows.size(); ++index) {
      jobs.push_back(mapping::read_job(rows[index]));
    }
    return jobs;
  });
}

Result<Run> PgJobStore::insert_run(const Run& run) {
  std::optional<std::int64_t> seq;
  auto ran = guarded([&] {
    // A run the uniqueness rules refuse (one running run per job, one run per slot) is not
    // an error here: no row comes back, and the conflict is named below.
    auto rows = connection_.query(
        "INSERT INTO runs (job_seq, trigger, scheduled_for, started_at, status, dry_run, pid, "
        "pid_start, owner, lease_until) VALUES ($1, $2, to_timestamp($3), to_timestamp($4), $5, "
        "$6, $7, $8, $9, to_timestamp($10)) ON CONFLICT DO NOTHING RETURNING seq",
        Params()
            .add(run.job_seq)
            .add(to_string(run.trigger))
            .add(seconds_of(run.scheduled_for))
            .add(from_seconds(run.started_at))
            .add(to_string(run.status))
            .add(run.dry_run)
            .add(run.pid)
            .add(run.pid_start)
            .add(run.owner)
            .add(seconds_of(run.lease_until)));
    if (!rows.empty()) {
      seq = rows[0].int64(0);
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  if (!seq) {
    return fail(run_conflict(*this, run));
  }
  Run stored = run;
  stored.seq = *seq;
  return stored;
}

Result<void> PgJobStore::update_run(const Run& run) {
  Params params;
  params.add(seconds_of(run.completed_at)).add(to_string(run.status));
  if (run.result) {
    params.add(run.result->mentors_checked)
        .add(run.result->certifications_checked)
        .add(run.result->reminders_sent)
        .add(run.result->errors);
  } else {
    params.null().null().null().null();
  }
  params.add(run.error_message).add(run.seq);
  return guarded([&] {
    connection_.query(
        "UPDATE runs SET completed_at = to_timestamp($1), status = $2, mentors_checked = $3, "
        "certifications_checked = $4, reminders_sent = $5, errors = $6, error_message = $7 "
        "WHERE seq = $8",
        params);
  });
}

Result<std::optional<Run>> PgJobStore::find_run_where(const std::string& sql, std::int64_t value) {
  return first_row<Run>(connection_, sql, Params().add(value), [](const Row& row) { return mapping::read_run(row); });
}

Result<std::optional<Run>> PgJobStore::find_run(std::int64_t run_seq) {
  return find_run_where(kSelectRuns + " WHERE seq = $1", run_seq);
}

Result<std::optional<Run>> PgJobStore::running_run(std::int64_t job_seq) {
  return find_run_where(kSelectRuns + " WHERE job_seq = $1 AND status = 'running'", job_seq);
}

Result<std::optional<Run>> PgJobStore::last_run(std::int64_t job_seq) {
  return find_run_where(kSelectRuns + " WHERE job_seq = $1 ORDER BY seq DESC LIMIT 1", job_seq);
}

Result<bool> PgJobStore::has_run_for_slot(std::int64_t job_seq, Seconds slot) {
  return attempt<bool>([&] {
    return !connection_
                .query(
                    "SELECT 1 FROM runs WHERE job_seq = $1 AND scheduled_for = to_timestamp($2) "
                    "AND NOT dry_run",
                    Params().add(job_seq).add(from_seconds(slot)))
                .empty();
  });
}

Result<bool> PgJobStore::renew_lease(std::int64_t run_seq, std::chrono::seconds lease,
                                     Seconds /*now: the database's clock counts*/) {
  return attempt<bool>([&] {
    return !connection_
                .query(
                    "UPDATE runs SET lease_until = clock_timestamp() + $2::bigint * "
                    "interval '1 second' WHERE seq = $1 AND status = 'running' RETURNING 1",
                    Params().add(run_seq).add(std::int64_t{lease.count()}))
                .empty();
  });
}

Result<Page<Run>> PgJobStore::list_runs(std::int64_t job_seq, std::optional<RunStatus> status,
                                        PageRequest page) {
  return attempt<Page<Run>>([&] {
    Page<Run> result{{}, page.page, page.limit, 0};
    // $2 NULL: any status.
    const std::optional<std::string> wanted =
        status ? std::optional<std::string>(to_string(*status)) : std::nullopt;
    const std::string condition = " WHERE job_seq = $1 AND ($2::text IS NULL OR status = $2)";
    result.total =
        connection_.query("SELECT count(*) FROM runs" + condition, Params().add(job_seq).add(wanted))[0]
            .int64(0);
    auto rows = connection_.query(
        kSelectRuns + condition + " ORDER BY seq DESC LIMIT $3 OFFSET $4",
        Params().add(job_seq).add(wanted).add(page.limit).add(
            (static_cast<std::int64_t>(page.page) - 1) * page.limit));
    for (int index = 0; index < rows.size(); ++index) {
      result.items.push_back(mapping::read_run(rows[index]));
    }
    return result;
  });
}

Result<std::optional<Flip>> PgJobStore::one_flip(const std::string& sql, const Params& params) {
  return first_row<Flip>(connection_, sql, params, [](const Row& row) { return mapping::read_flip(row); });
}

Result<std::vector<Flip>> PgJobStore::flips(const std::string& sql, const Params& params) {
  return attempt<std::vector<Flip>>([&] {
    auto rows = connection_.query(sql, params);
    std::vector<Flip> read;
    for (int index = 0; index < rows.size(); ++index) {
      read.push_back(mapping::read_flip(rows[index]));
    }
    return read;
  });
}

Result<std::optional<Flip>> PgJobStore::latest_flip(std::int64_t job_seq) {
  return one_flip(kSelectFlips + " WHERE job_seq = $1 ORDER BY seq DESC LIMIT 1",
                  Params().add(job_seq));
}

Result<Flip> PgJobStore::insert_flip(const Flip& flip) {
  return attempt<Flip>([&] {
    auto rows = connection_.query(
        "INSERT INTO flips (job_seq, at, from_state, to_state, reason, slot, run_seq, alert, "
        "attempts, alert_error, alerted_at) VALUES ($1, to_timestamp($2), $3, $4, $5, "
        "to_timestamp($6), $7, $8, $9, $10, to_timestamp($11)) RETURNING seq",
        Params()
            .add(flip.job_seq)
            .add(from_seconds(flip.at))
            .add(to_string(flip.from))
            .add(to_string(flip.to))
            .add(flip.reason)
            .add(seconds_of(flip.slot))
            .add(flip.run_seq)
            .add(to_string(flip.alert))
            .add(flip.attempts)
            .add(flip.alert_error)
            .add(seconds_of(flip.alerted_at)));
    Flip stored = flip;
    stored.seq = rows[0].int64(0);
    return stored;
  });
}

Result<std::vector<Flip>> PgJobStore::recent_flips(std::int64_t job_seq, int count) {
  return flips(kSelectFlips + " WHERE job_seq = $1 ORDER BY seq DESC LIMIT $2",
               Params().add(job_seq).add(count));
}

Result<std::vector<Flip>> PgJobStore::pending_alerts() {
  // flips_pending is a partial index on exactly these rows.
  return flips(kSelectFlips + " WHERE alert = 'pending' ORDER BY seq", Params());
}

Result<void> PgJobStore::update_alert(const Flip& flip) {
  return guarded([&] {
    connection_.query(
        "UPDATE flips SET alert = $1, attempts = $2, alert_error = $3, "
        "alerted_at = to_timestamp($4) WHERE seq = $5",
        Params()
            .add(to_string(flip.alert))
            .add(flip.attempts)
            .add(flip.alert_error)
            .add(seconds_of(flip.alerted_at))
            .add(flip.seq));
  });
}

Result<std::optional<std::int64_t>> PgPingStore::job_seq_for_uuid(std::string_view uuid) {
  return attempt<std::optional<std::int64_t>>([&]() -> std::optional<std::int64_t> {
    auto rows = connection_.query("SELECT seq FROM jobs WHERE uuid = $1", Params().add(uuid));
    if (rows.empty()) {
      return std::nullopt;
    }
    return rows[0].int64(0);
  });
}

Result<Ping> PgPingStore::insert_ping(const Ping& ping, int keep) {
  return attempt<Ping>([&] {
    auto rows = connection_.query(
        "INSERT INTO pings (job_seq, at, kind, exit_code, runtime_ms, message, body, rid, "
        "source, remote) VALUES ($1, to_timestamp($2), $3, $4, $5, $6, $7, $8, $9, $10) "
        "RETURNING seq",
        Params()
            .add(ping.job_seq)
            .add(from_seconds(ping.at))
            .add(to_string(ping.kind))
            .add(ping.exit_code)
            .add(ping.runtime_ms)
            .add(ping.message)
            .add(ping.body)
            .add(ping.rid)
            .add(to_string(ping.source))
            .add(ping.remote));
    Ping stored = ping;
    stored.seq = rows[0].int64(0);
    // Everything at or below the (keep+1)-th newest goes; pings_by_job walks only this job.
    connection_.query(
        "DELETE FROM pings WHERE job_seq = $1 AND seq <= (SELECT seq FROM pings WHERE "
        "job_seq = $1 ORDER BY seq DESC OFFSET $2 LIMIT 1)",
        Params().add(ping.job_seq).add(keep));
    return stored;
  });
}

Result<std::optional<Ping>> PgPingStore::find_start(std::int64_t job_seq, std::string_view rid) {
  return attempt<std::optional<Ping>>([&]() -> std::optional<Ping> {
    auto rows = connection_.query(kSelectPings +
                                      " WHERE job_seq = $1 AND kind = 'starting' AND rid = $2 "
                                      "ORDER BY seq DESC LIMIT 1",
                                  Params().add(job_seq).add(rid));
    if (rows.empty()) {
      return std::nullopt;
    }
    return mapping::read_ping(rows[0]);
  });
}

Result<Page<Ping>> PgPingStore::list_pings(std::int64_t job_seq, PageRequest page) {
  return attempt<Page<Ping>>([&] {
    Page<Ping> result{{}, page.page, page.limit, 0};
    result.total =
        connection_.query("SELECT count(*) FROM pings WHERE job_seq = $1", Params().add(job_seq))[0]
            .int64(0);
    auto rows = connection_.query(
        kSelectPings + " WHERE job_seq = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3",
        Params().add(job_seq).add(page.limit).add(
            (static_cast<std::int64_t>(page.page) - 1) * page.limit));
    for (int index = 0; index < rows.size(); ++index) {
      result.items.push_back(mapping::read_ping(rows[index]));
    }
    return result;
  });
}

}  // namespace certcron::store::pg
