#include "store/job_store.hpp"

#include "store/database.hpp"
#include "util/time.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <array>
#include <cstdio>
#include <random>

namespace certcron::store {
namespace {

constexpr const char* kJobColumns =
    "seq, name, description, type, cron_expression, frequency_in_minutes, "
    "grace_time_in_minutes, server_timezone, enabled, uuid, created_at, updated_at, "
    "latest_result, latest_ping_at, snooze_ends_at, snooze_minutes";

constexpr const char* kRunColumns =
    "seq, job_seq, trigger, scheduled_for, started_at, completed_at, status, dry_run, pid, "
    "mentors_checked, certifications_checked, reminders_sent, errors, error_message";

Seconds to_seconds(std::int64_t value) { return Seconds{std::chrono::seconds{value}}; }
std::int64_t from_seconds(Seconds value) { return value.time_since_epoch().count(); }

std::optional<Seconds> optional_seconds(const SQLite::Column& column) {
  if (column.isNull()) {
    return std::nullopt;
  }
  return to_seconds(column.getInt64());
}

Job job_from_row(SQLite::Statement& row) {
  Job job;
  job.seq = row.getColumn(0).getInt64();
  JobDefinition& def = job.definition;
  def.name = row.getColumn(1).getString();
  def.description = row.getColumn(2).getString();
  def.type = row.getColumn(3).getString() == "simple" ? ScheduleType::simple : ScheduleType::cron;
  def.cron_expression = row.getColumn(4).isNull() ? "" : row.getColumn(4).getString();
  def.frequency_in_minutes = row.getColumn(5).isNull() ? 0 : row.getColumn(5).getInt();
  def.grace_time_in_minutes = row.getColumn(6).getInt();
  def.server_timezone = row.getColumn(7).getString();
  def.enabled = row.getColumn(8).getInt() != 0;
  job.uuid = row.getColumn(9).getString();
  job.created_at = to_seconds(row.getColumn(10).getInt64());
  job.updated_at = to_seconds(row.getColumn(11).getInt64());
  if (!row.getColumn(12).isNull()) {
    job.latest_result = parse_latest_result(row.getColumn(12).getString());
  }
  job.latest_ping_at = optional_seconds(row.getColumn(13));
  if (!row.getColumn(14).isNull()) {
    job.snooze = Snooze{to_seconds(row.getColumn(14).getInt64()), row.getColumn(15).getInt()};
  }
  return job;
}

Run run_from_row(SQLite::Statement& row) {
  Run run;
  run.seq = row.getColumn(0).getInt64();
  run.job_seq = row.getColumn(1).getInt64();
  run.trigger = parse_run_trigger(row.getColumn(2).getString()).value_or(RunTrigger::manual);
  run.scheduled_for = optional_seconds(row.getColumn(3));
  run.started_at = to_seconds(row.getColumn(4).getInt64());
  run.completed_at = optional_seconds(row.getColumn(5));
  run.status = parse_run_status(row.getColumn(6).getString()).value_or(RunStatus::failed);
  run.dry_run = row.getColumn(7).getInt() != 0;
  run.pid = row.getColumn(8).getInt64();
  if (!row.getColumn(9).isNull()) {
    run.result = RunResult{row.getColumn(9).getInt64(), row.getColumn(10).getInt64(),
                           row.getColumn(11).getInt64(), row.getColumn(12).getInt64()};
  }
  run.error_message = row.getColumn(13).getString();
  return run;
}

void bind_optional_seconds(SQLite::Statement& statement, int index, std::optional<Seconds> value) {
  if (value) {
    statement.bind(index, static_cast<std::int64_t>(from_seconds(*value)));
  } else {
    statement.bind(index);
  }
}

void bind_definition(SQLite::Statement& statement, const JobDefinition& def) {
  statement.bind(":name", def.name);
  statement.bind(":description", def.description);
  statement.bind(":type", to_string(def.type));
  if (def.type == ScheduleType::cron) {
    statement.bind(":cron_expression", def.cron_expression);
    statement.bind(":frequency");
  } else {
    statement.bind(":cron_expression");
    statement.bind(":frequency", def.frequency_in_minutes);
  }
  statement.bind(":grace", def.grace_time_in_minutes);
  statement.bind(":timezone", def.server_timezone);
  statement.bind(":enabled", def.enabled ? 1 : 0);
}

std::string random_uuid() {
  std::random_device device;
  std::array<unsigned, 4> words{device(), device(), device(), device()};
  words[1] = (words[1] & 0xffff0fffu) | 0x00004000u;  // version 4
  words[2] = (words[2] & 0x3fffffffu) | 0x80000000u;  // RFC 4122 variant
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%08x-%04x-%04x-%04x-%04x%08x", words[0], words[1] >> 16,
                words[1] & 0xffffu, words[2] >> 16, words[2] & 0xffffu, words[3]);
  return buffer;
}

bool is_unique_violation(const SQLite::Exception& error) {
  return error.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE;
}

Error duplicate_name_error() {
  return Error::invalid("name", "There already exist a cron check with this name.");
}

int offset_of(PageRequest page) { return (page.page - 1) * page.limit; }

}  // namespace

SqliteJobStore::SqliteJobStore(SQLite::Database& db, std::string path)
    : db_(db), path_(std::move(path)) {}

Result<void> SqliteJobStore::in_transaction(const std::function<Result<void>()>& work) {
  Result<void> outcome;
  auto ran = guarded([&] {
    SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
    outcome = work();
    if (outcome) {
      transaction.commit();
    }
  });
  if (!ran) {
    return ran;
  }
  return outcome;
}

Result<std::string> SqliteJobStore::identity() {
  std::string value;
  auto ran = guarded(
      [&] { value = db_.execAndGet("SELECT value FROM meta WHERE key = 'identity'").getString(); });
  if (!ran) {
    return fail(ran.error());
  }
  return value;
}

Result<Job> SqliteJobStore::insert_job(const JobDefinition& definition, Seconds now) {
  std::int64_t seq = 0;
  std::string uuid = random_uuid();
  try {
    SQLite::Statement insert(db_,
                             "INSERT INTO jobs (name, description, type, cron_expression, "
                             "frequency_in_minutes, grace_time_in_minutes, server_timezone, "
                             "enabled, uuid, created_at, updated_at) VALUES (:name, "
                             ":description, :type, :cron_expression, :frequency, :grace, "
                             ":timezone, :enabled, :uuid, :now, :now)");
    bind_definition(insert, definition);
    insert.bind(":uuid", uuid);
    insert.bind(":now", static_cast<std::int64_t>(from_seconds(now)));
    insert.exec();
    seq = db_.getLastInsertRowid();
  } catch (const SQLite::Exception& error) {
    if (is_unique_violation(error) && std::string(error.what()).find("jobs.name") != std::string::npos) {
      return fail(duplicate_name_error());
    }
    return fail(error_from_exception(error));
  }
  auto found = find_job_where("seq = ?", std::to_string(seq));
  if (!found) {
    return fail(found.error());
  }
  return **found;
}

Result<void> SqliteJobStore::update_job(const Job& job) {
  try {
    SQLite::Statement update(db_,
                             "UPDATE jobs SET name = :name, description = :description, type = "
                             ":type, cron_expression = :cron_expression, frequency_in_minutes = "
                             ":frequency, grace_time_in_minutes = :grace, server_timezone = "
                             ":timezone, enabled = :enabled, updated_at = :updated_at, "
                             "latest_result = :latest_result, latest_ping_at = :latest_ping_at, "
                             "snooze_ends_at = :snooze_ends_at, snooze_minutes = :snooze_minutes "
                             "WHERE seq = :seq");
    bind_definition(update, job.definition);
    update.bind(":updated_at", static_cast<std::int64_t>(from_seconds(job.updated_at)));
    if (job.latest_result) {
      update.bind(":latest_result", to_string(*job.latest_result));
    } else {
      update.bind(":latest_result");
    }
    bind_optional_seconds(update, update.getIndex(":latest_ping_at"), job.latest_ping_at);
    if (job.snooze) {
      update.bind(":snooze_ends_at", static_cast<std::int64_t>(from_seconds(job.snooze->ends_at)));
      update.bind(":snooze_minutes", job.snooze->minutes);
    } else {
      update.bind(":snooze_ends_at");
      update.bind(":snooze_minutes");
    }
    update.bind(":seq", static_cast<std::int64_t>(job.seq));
    if (update.exec() == 0) {
      return fail(Error::not_found("no job " + job.id()));
    }
  } catch (const SQLite::Exception& error) {
    if (is_unique_violation(error)) {
      return fail(duplicate_name_error());
    }
    return fail(error_from_exception(error));
  }
  return {};
}

Result<void> SqliteJobStore::delete_job(std::int64_t job_seq) {
  return guarded([&] {
    SQLite::Statement remove(db_, "DELETE FROM jobs WHERE seq = ?");
    remove.bind(1, static_cast<std::int64_t>(job_seq));
    remove.exec();
  });
}

Result<std::optional<Job>> SqliteJobStore::find_job_where(const char* condition,
                                                          const std::string& value) {
  std::optional<Job> job;
  auto ran = guarded([&] {
    SQLite::Statement query(db_, std::string("SELECT ") + kJobColumns + " FROM jobs WHERE " + condition);
    query.bind(1, value);
    if (query.executeStep()) {
      job = job_from_row(query);
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return job;
}

Result<std::optional<Job>> SqliteJobStore::find_job(std::string_view id_or_name) {
  if (auto seq = parse_job_id(id_or_name)) {
    auto by_id = find_job_where("seq = CAST(? AS INTEGER)", std::to_string(*seq));
    if (!by_id || *by_id) {
      return by_id;
    }
  }
  return find_job_by_name(id_or_name);
}

Result<std::optional<Job>> SqliteJobStore::find_job_by_name(std::string_view name) {
  return find_job_where("name = ?", std::string(name));
}

Result<Page<Job>> SqliteJobStore::list_jobs(JobStatusFilter filter, PageRequest page) {
  Page<Job> result{{}, page.page, page.limit, 0};
  const char* condition = filter == JobStatusFilter::active     ? " WHERE enabled = 1"
                          : filter == JobStatusFilter::disabled ? " WHERE enabled = 0"
                                                                : "";
  auto ran = guarded([&] {
    result.total = db_.execAndGet(std::string("SELECT count(*) FROM jobs") + condition).getInt64();
    SQLite::Statement query(db_, std::string("SELECT ") + kJobColumns + " FROM jobs" + condition +
                                     " ORDER BY seq LIMIT ? OFFSET ?");
    query.bind(1, page.limit);
    query.bind(2, offset_of(page));
    while (query.executeStep()) {
      result.items.push_back(job_from_row(query));
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return result;
}

Result<std::vector<Job>> SqliteJobStore::all_jobs() {
  std::vector<Job> jobs;
  auto ran = guarded([&] {
    SQLite::Statement query(db_, std::string("SELECT ") + kJobColumns + " FROM jobs ORDER BY seq");
    while (query.executeStep()) {
      jobs.push_back(job_from_row(query));
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return jobs;
}

Result<Run> SqliteJobStore::insert_run(const Run& run) {
  try {
    SQLite::Statement insert(db_,
                             "INSERT INTO runs (job_seq, trigger, scheduled_for, started_at, "
                             "status, dry_run, pid) VALUES (?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, static_cast<std::int64_t>(run.job_seq));
    insert.bind(2, to_string(run.trigger));
    bind_optional_seconds(insert, 3, run.scheduled_for);
    insert.bind(4, static_cast<std::int64_t>(from_seconds(run.started_at)));
    insert.bind(5, to_string(run.status));
    insert.bind(6, run.dry_run ? 1 : 0);
    insert.bind(7, static_cast<std::int64_t>(run.pid));
    insert.exec();
  } catch (const SQLite::Exception& error) {
    if (!is_unique_violation(error)) {
      return fail(error_from_exception(error));
    }
    auto holder = running_run(run.job_seq);
    if (holder && *holder) {
      const Run& other = **holder;
      return fail(Error::conflict("job " + run.job_id() + " is already running (" + other.id() +
                                  ", started " + util::format_rfc3339(other.started_at) +
                                  ", pid " + std::to_string(other.pid) + ")"));
    }
    return fail(Error::conflict("job " + run.job_id() + " already has a run for the slot " +
                                util::format_rfc3339(run.scheduled_for.value_or(Seconds{}))));
  }
  Run stored = run;
  stored.seq = db_.getLastInsertRowid();
  return stored;
}

Result<void> SqliteJobStore::update_run(const Run& run) {
  return guarded([&] {
    SQLite::Statement update(db_,
                             "UPDATE runs SET completed_at = ?, status = ?, mentors_checked = ?, "
                             "certifications_checked = ?, reminders_sent = ?, errors = ?, "
                             "error_message = ? WHERE seq = ?");
    bind_optional_seconds(update, 1, run.completed_at);
    update.bind(2, to_string(run.status));
    if (run.result) {
      update.bind(3, static_cast<std::int64_t>(run.result->mentors_checked));
      update.bind(4, static_cast<std::int64_t>(run.result->certifications_checked));
      update.bind(5, static_cast<std::int64_t>(run.result->reminders_sent));
      update.bind(6, static_cast<std::int64_t>(run.result->errors));
    } else {
      for (int index = 3; index <= 6; ++index) {
        update.bind(index);
      }
    }
    update.bind(7, run.error_message);
    update.bind(8, static_cast<std::int64_t>(run.seq));
    update.exec();
  });
}

Result<std::optional<Run>> SqliteJobStore::find_run_where(const char* condition,
                                                          std::int64_t value) {
  std::optional<Run> run;
  auto ran = guarded([&] {
    SQLite::Statement query(db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE " +
                                     condition);
    query.bind(1, static_cast<std::int64_t>(value));
    if (query.executeStep()) {
      run = run_from_row(query);
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return run;
}

Result<std::optional<Run>> SqliteJobStore::find_run(std::int64_t run_seq) {
  return find_run_where("seq = ?", run_seq);
}

Result<std::optional<Run>> SqliteJobStore::running_run(std::int64_t job_seq) {
  return find_run_where("job_seq = ? AND status = 'running'", job_seq);
}

Result<std::optional<Run>> SqliteJobStore::last_run(std::int64_t job_seq) {
  return find_run_where("job_seq = ? ORDER BY seq DESC LIMIT 1", job_seq);
}

Result<bool> SqliteJobStore::has_run_for_slot(std::int64_t job_seq, Seconds slot) {
  bool found = false;
  auto ran = guarded([&] {
    SQLite::Statement query(db_,
                            "SELECT 1 FROM runs WHERE job_seq = ? AND scheduled_for = ? AND "
                            "dry_run = 0");
    query.bind(1, static_cast<std::int64_t>(job_seq));
    query.bind(2, static_cast<std::int64_t>(from_seconds(slot)));
    found = query.executeStep();
  });
  if (!ran) {
    return fail(ran.error());
  }
  return found;
}

Result<Page<Run>> SqliteJobStore::list_runs(std::int64_t job_seq, std::optional<RunStatus> status,
                                            PageRequest page) {
  Page<Run> result{{}, page.page, page.limit, 0};
  std::string condition = status ? " WHERE job_seq = ? AND status = ?" : " WHERE job_seq = ?";
  auto bind_filter = [&](SQLite::Statement& statement) {
    statement.bind(1, static_cast<std::int64_t>(job_seq));
    if (status) {
      statement.bind(2, to_string(*status));
    }
  };
  auto ran = guarded([&] {
    SQLite::Statement count(db_, "SELECT count(*) FROM runs" + condition);
    bind_filter(count);
    count.executeStep();
    result.total = count.getColumn(0).getInt64();
    SQLite::Statement query(db_, std::string("SELECT ") + kRunColumns + " FROM runs" + condition +
                                     " ORDER BY seq DESC LIMIT ? OFFSET ?");
    bind_filter(query);
    int next = status ? 3 : 2;
    query.bind(next, page.limit);
    query.bind(next + 1, offset_of(page));
    while (query.executeStep()) {
      result.items.push_back(run_from_row(query));
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return result;
}

}  // namespace certcron::store
