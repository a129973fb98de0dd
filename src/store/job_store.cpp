#include "store/job_store.hpp"

#include "store/common.hpp"
#include "store/database.hpp"
#include "store/rows.hpp"
#include "store/statement_cache.hpp"
#include "util/time.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <array>
#include <cstdio>
#include <random>

namespace certcron::store {
namespace {

using namespace rows;

constexpr const char* kJobColumns =
    "seq, name, description, type, cron_expression, frequency_in_minutes, "
    "grace_time_in_minutes, server_timezone, enabled, uuid, created_at, updated_at, "
    "latest_result, latest_ping_at, snooze_ends_at, snooze_minutes, max_runtime_in_minutes, "
    "catch_up";
const std::string kSelectJobs = std::string("SELECT ") + kJobColumns + " FROM jobs";
const std::string kJobBySeq = kSelectJobs + " WHERE seq = ?";
const std::string kJobByName = kSelectJobs + " WHERE name = ?";
const std::string kAllJobs = kSelectJobs + " ORDER BY seq";

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
  if (def.max_runtime_in_minutes) {
    statement.bind(":max_runtime", *def.max_runtime_in_minutes);
  } else {
    statement.bind(":max_runtime");
  }
  statement.bind(":catch_up", def.catch_up ? 1 : 0);
}


// Rolls the open transaction back unless it was committed; as SQLite::Transaction does, but
// through the cached ROLLBACK statement.
class RollbackUnlessCommitted {
 public:
  explicit RollbackUnlessCommitted(StatementCache& statements) : statements_(statements) {}
  ~RollbackUnlessCommitted() {
    if (!committed_) {
      try {
        statements_.use("ROLLBACK")->exec();
      } catch (...) {  // nothing better to do: the error that got us here is being reported
      }
    }
  }
  RollbackUnlessCommitted(const RollbackUnlessCommitted&) = delete;
  RollbackUnlessCommitted& operator=(const RollbackUnlessCommitted&) = delete;
  void committed() { committed_ = true; }

 private:
  StatementCache& statements_;
  bool committed_ = false;
};

}  // namespace

namespace rows {

Job job_from_row(const Row& row, int first) { return mapping::read_job(row, first); }

}  // namespace rows

SqliteJobStore::SqliteJobStore(SQLite::Database& db, std::string path)
    : db_(db), path_(std::move(path)), statements_(std::make_unique<StatementCache>(db)) {}

SqliteJobStore::~SqliteJobStore() = default;

// Runs `work` in a transaction begun with `begin`; commits when it returns a value, rolls
// back when it returns an error or throws. BEGIN and COMMIT are cached statements too: the
// list's read transaction is on every page request.
Result<void> SqliteJobStore::transact(const char* begin,
                                      const std::function<Result<void>()>& work) {
  Result<void> outcome;
  auto ran = guarded([&] {
    statements_->use(begin)->exec();
    RollbackUnlessCommitted transaction(*statements_);
    outcome = work();
    if (outcome) {
      statements_->use("COMMIT")->exec();
      transaction.committed();
    }
  });
  if (!ran) {
    return ran;
  }
  return outcome;
}

Result<void> SqliteJobStore::in_transaction(const std::function<Result<void>()>& work) {
  // IMMEDIATE: concurrent writers queue on the busy timeout instead of failing half-way.
  return transact("BEGIN IMMEDIATE", work);
}

Result<void> SqliteJobStore::in_read_transaction(const std::function<Result<void>()>& work) {
  return transact("BEGIN DEFERRED", work);
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
    auto insert = statements_->use(
        "INSERT INTO jobs (name, description, type, cron_expression, frequency_in_minutes, "
        "grace_time_in_minutes, server_timezone, enabled, max_runtime_in_minutes, catch_up, uuid, "
        "created_at, updated_at) "
        "VALUES (:name, :description, :type, :cron_expression, :frequency, :grace, :timezone, "
        ":enabled, :max_runtime, :catch_up, :uuid, :now, :now)");
    bind_definition(*insert, definition);
    insert->bind(":uuid", uuid);
    insert->bind(":now", static_cast<std::int64_t>(from_seconds(now)));
    insert->exec();
    seq = db_.getLastInsertRowid();
  } catch (const SQLite::Exception& error) {
    if (is_unique_violation(error) && std::string(error.what()).find("jobs.name") != std::string::npos) {
      return fail(duplicate_name_error());
    }
    return fail(error_from_exception(error));
  }
  auto found = find_job_by_seq(seq);
  if (!found) {
    return fail(found.error());
  }
  return **found;
}

Result<void> SqliteJobStore::update_job_row(std::int64_t job_seq, const char* sql,
                                            const std::function<void(SQLite::Statement&)>& bind) {
  try {
    auto update = statements_->use(sql);
    bind(*update);
    update->bind(":seq", static_cast<std::int64_t>(job_seq));
    if (update->exec() == 0) {
      return fail(Error::not_found("no job " + format_job_id(job_seq)));
    }
  } catch (const SQLite::Exception& error) {
    if (is_unique_violation(error)) {
      return fail(duplicate_name_error());
    }
    return fail(error_from_exception(error));
  }
  return {};
}

Result<void> SqliteJobStore::update_definition(std::int64_t job_seq,
                                               const JobDefinition& definition,
                                               Seconds updated_at,
                                               std::optional<LatestResult> mark) {
  // Without a mark, latest_result is written back as it is in the row (not from a copy).
  const char* sql =
      "UPDATE jobs SET name = :name, description = :description, type = :type, "
      "cron_expression = :cron_expression, frequency_in_minutes = :frequency, "
      "grace_time_in_minutes = :grace, server_timezone = :timezone, enabled = :enabled, "
      "max_runtime_in_minutes = :max_runtime, catch_up = :catch_up, updated_at = :updated_at, latest_result = coalesce(:mark, latest_result) "
      "WHERE seq = :seq";
  return update_job_row(job_seq, sql, [&](SQLite::Statement& update) {
    bind_definition(update, definition);
    update.bind(":updated_at", static_cast<std::int64_t>(from_seconds(updated_at)));
    if (mark) {
      update.bind(":mark", to_string(*mark));
    } else {
      update.bind(":mark");
    }
  });
}

Result<void> SqliteJobStore::record_monitoring(std::int64_t job_seq, LatestResult result,
                                               std::optional<Seconds> ping_at) {
  const char* sql =
      "UPDATE jobs SET latest_result = :result, "
      "latest_ping_at = coalesce(:ping_at, latest_ping_at) WHERE seq = :seq";
  return update_job_row(job_seq, sql, [&](SQLite::Statement& update) {
    update.bind(":result", to_string(result));
    bind_optional_seconds(update, update.getIndex(":ping_at"), ping_at);
  });
}

Result<void> SqliteJobStore::set_snooze(std::int64_t job_seq, std::optional<Snooze> snooze) {
  const char* sql =
      "UPDATE jobs SET snooze_ends_at = :ends_at, snooze_minutes = :minutes WHERE seq = :seq";
  return update_job_row(job_seq, sql, [&](SQLite::Statement& update) {
    if (snooze) {
      update.bind(":ends_at", static_cast<std::int64_t>(from_seconds(snooze->ends_at)));
      update.bind(":minutes", snooze->minutes);
    } else {
      update.bind(":ends_at");
      update.bind(":minutes");
    }
  });
}

Result<void> SqliteJobStore::delete_job(std::int64_t job_seq) {
  return guarded([&] {
    auto remove = statements_->use("DELETE FROM jobs WHERE seq = ?");
    remove->bind(1, static_cast<std::int64_t>(job_seq));
    remove->exec();
  });
}

Result<std::optional<Job>> SqliteJobStore::find_job_where(
    const std::string& sql, const std::function<void(SQLite::Statement&)>& bind) {
  std::optional<Job> job;
  auto ran = guarded([&] {
    auto query = statements_->use(sql);
    bind(*query);
    if (query->executeStep()) {
      job = job_from_row(query.row());
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return job;
}

Result<std::optional<Job>> SqliteJobStore::find_job(std::string_view id_or_name) {
  if (auto seq = parse_job_id(id_or_name)) {
    auto by_id = find_job_by_seq(*seq);
    if (!by_id || *by_id) {
      return by_id;
    }
  }
  return find_job_by_name(id_or_name);
}

Result<std::optional<Job>> SqliteJobStore::find_job_by_name(std::string_view name) {
  return find_job_where(kJobByName, [&](SQLite::Statement& query) {
    query.bind(1, std::string(name));  // text (the (pointer, size) overload binds a blob)
  });
}

Result<std::optional<Job>> SqliteJobStore::find_job_by_seq(std::int64_t job_seq) {
  return find_job_where(kJobBySeq, [&](SQLite::Statement& query) {
    query.bind(1, static_cast<std::int64_t>(job_seq));
  });
}

Result<std::vector<Job>> SqliteJobStore::all_jobs() {
  std::vector<Job> jobs;
  auto ran = guarded([&] {
    auto query = statements_->use(kAllJobs);
    while (query->executeStep()) {
      jobs.push_back(job_from_row(query.row()));
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return jobs;
}

}  // namespace certcron::store
