#include "store/migrate_to.hpp"

#include "store/database.hpp"
#include "store/pg/connection.hpp"
#include "store/pg/schema.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <filesystem>
#include <optional>

namespace certcron::store {
namespace {

// How a SQLite value becomes a PostgreSQL one: as its text (text, integers, and the 0/1 of a
// flag, which boolean input takes), or an INTEGER of epoch seconds that becomes timestamptz.
enum class Kind { plain, instant };

struct Column {
  const char* name = "";
  Kind kind = Kind::plain;
  const char* source = nullptr;  // the SQLite expression, when it is not the column itself
};

struct Table {
  const char* name = "";
  std::vector<Column> columns;
  const char* order = "";        // SQLite ORDER BY: the primary key
  const char* sequence = nullptr;  // the PostgreSQL identity column, when there is one
  bool autoincrement = false;      // SQLite remembers its last id in sqlite_sequence
};

constexpr Kind P = Kind::plain;
constexpr Kind I = Kind::instant;

// In an order the foreign keys accept: jobs before what names them, mentors before their
// certifications, certifications before their ledger entries. reminder_claims is not copied:
// a claim lasts as long as one delivery, and the reminder it held, not in the ledger, is
// delivered by the next run.
const std::vector<Table>& tables() {
  static const std::vector<Table> all{
      {"jobs",
       {{"seq", P},           {"name", P},           {"description", P},
        {"type", P},          {"cron_expression", P}, {"frequency_in_minutes", P},
        {"grace_time_in_minutes", P}, {"server_timezone", P}, {"enabled", P},
        {"uuid", P},          {"created_at", I},     {"updated_at", I},
        {"latest_result", P}, {"latest_ping_at", I}, {"snooze_ends_at", I},
        {"snooze_minutes", P}, {"max_runtime_in_minutes", P}, {"catch_up", P}},
       "seq", "seq", true},
      {"runs",
       {{"seq", P}, {"job_seq", P}, {"trigger", P}, {"scheduled_for", I}, {"started_at", I},
        {"completed_at", I}, {"status", P}, {"dry_run", P}, {"pid", P}, {"pid_start", P},
        {"owner", P}, {"lease_until", I}, {"mentors_checked", P},
        {"certifications_checked", P}, {"reminders_sent", P}, {"errors", P},
        {"error_message", P}},
       "seq", "seq", true},
      {"pings",
       {{"seq", P}, {"job_seq", P}, {"at", I}, {"kind", P}, {"exit_code", P},
        {"runtime_ms", P}, {"message", P}, {"body", P}, {"rid", P}, {"source", P},
        {"remote", P}},
       "seq", "seq", true},
      {"flips",
       {{"seq", P}, {"job_seq", P}, {"at", I}, {"from_state", P}, {"to_state", P},
        {"reason", P}, {"slot", I}, {"run_seq", P}, {"alert", P}, {"attempts", P},
        {"alert_error", P}, {"alerted_at", I}},
       "seq", "seq", true},
      // mentors.seq is SQLite's rowid, which the check's distinct-mentor count reads.
      {"mentors",
       {{"mentor_id", P}, {"name", P}, {"email", P}, {"seq", P, "rowid"}},
       "rowid", "seq", false},
      {"certifications",
       {{"id", P}, {"mentor_id", P}, {"certification", P}, {"expires_on", P},
        {"expires_at", I}, {"issued_at", P}},
       "id", "id", false},
      {"reminder_ledger",
       {{"certification_id", P}, {"expires_on", P}, {"threshold", P}, {"outcome", P},
        {"recorded_at", I}, {"run_seq", P}, {"message_id", P}},
       "certification_id, expires_on, threshold", nullptr, false},
      {"reminder_watermarks",
       {{"policy", P}, {"through_day", P}, {"data_version", P}},
       "policy", nullptr, false},
  };
  return all;
}

// libpq takes at most 65535 parameters a statement.
constexpr std::size_t kBatchRows = 1000;

std::int64_t sqlite_count(SQLite::Database& source, const std::string& sql) {
  SQLite::Statement statement(source, sql);
  return statement.executeStep() ? statement.getColumn(0).getInt64() : 0;
}

std::int64_t pg_count(pg::Connection& target, const std::string& sql) {
  return target.query(sql)[0].int64(0);
}

// Refuses a target that holds certcron data; called with the schema in place.
void refuse_unless_empty(pg::Connection& target) {
  static const char* const kHeld[] = {"jobs",    "runs",           "pings",          "flips",
                                      "mentors", "certifications", "reminder_ledger"};
  std::string held;
  for (const char* table : kHeld) {
    const auto rows = pg_count(target, std::string("SELECT count(*) FROM ") + table);
    if (rows > 0) {
      held += (held.empty() ? "" : ", ") + std::to_string(rows) + " " + table;
    }
  }
  if (!held.empty()) {
    throw Error::usage("the database " + target.target() + " is not empty (it holds " + held +
                       "); nothing was changed: migrate-to copies into an empty database only");
  }
}

std::string insert_sql(const Table& table, std::size_t rows) {
  std::string sql = std::string("INSERT INTO ") + table.name + " (";
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    sql += (c == 0 ? "" : ", ") + std::string(table.columns[c].name);
  }
  sql += ") VALUES ";
  int parameter = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (std::size_t c = 0; c < table.columns.size(); ++c) {
      const std::string placeholder = "$" + std::to_string(++parameter);
      sql += (c == 0 ? "" : ", ") + (table.columns[c].kind == Kind::instant
                                         ? "to_timestamp(" + placeholder + ")"
                                         : placeholder);
    }
    sql += ")";
  }
  return sql;
}

std::int64_t copy_table(SQLite::Database& source, pg::Connection& target, const Table& table,
                        std::int64_t total, const MigrationProgress& progress) {
  std::string select = "SELECT ";
  for (std::size_t c = 0; c < table.columns.size(); ++c) {
    const auto& column = table.columns[c];
    select += (c == 0 ? "" : ", ") +
              std::string(column.source != nullptr ? column.source : column.name);
  }
  select += std::string(" FROM ") + table.name + " ORDER BY " + table.order;
  SQLite::Statement rows(source, select);
  const std::size_t batch_rows =
      std::min(kBatchRows, std::size_t{60000} / table.columns.size());
  const std::string full_batch = insert_sql(table, batch_rows);
  const int width = static_cast<int>(table.columns.size());

  std::int64_t copied = 0;
  std::size_t pending = 0;
  pg::Params params;
  const auto flush = [&] {
    if (pending == 0) {
      return;
    }
    target.query(pending == batch_rows ? full_batch : insert_sql(table, pending), params);
    copied += static_cast<std::int64_t>(pending);
    pending = 0;
    params = pg::Params();
    if (progress) {
      progress(table.name, copied, total);
    }
  };
  while (rows.executeStep()) {
    for (int c = 0; c < width; ++c) {
      const auto value = rows.getColumn(c);
      if (value.isNull()) {
        params.null();
      } else {
        // getString keeps every byte of a text (embedded NULs included), and integers
        // as their decimal text.
        params.add(value.getString());
      }
    }
    if (++pending == batch_rows) {
      flush();
    }
  }
  flush();
  return copied;
}

// The next id a sequence hands out: after the largest copied one, and after the largest
// SQLite ever handed out (an AUTOINCREMENT table never reuses a deleted row's id).
std::int64_t next_id(SQLite::Database& source, const Table& table) {
  std::int64_t last = sqlite_count(source, std::string("SELECT coalesce(max(") + table.order +
                                               "), 0) FROM " + table.name);
  if (table.autoincrement) {
    SQLite::Statement statement(source, "SELECT seq FROM sqlite_sequence WHERE name = ?");
    statement.bind(1, table.name);
    if (statement.executeStep()) {
      last = std::max(last, statement.getColumn(0).getInt64());
    }
  }
  return last + 1;
}

MigrationReport copy_all(SQLite::Database& source, pg::Connection& target,
                         const MigrationProgress& progress) {
  MigrationReport report;
  // The whole copy, the schema included, is this one transaction. It holds the writer lock
  // (no certcron write lands in between) and the migration lock (no host creates the schema
  // meanwhile).
  target.begin(std::string(pg::kBeginWrite) + "; SELECT pg_advisory_xact_lock(" +
               std::to_string(pg::kLockClass) + ", " + std::to_string(pg::kMigrationLock) +
               ")");
  try {
    // pg::migrate inside a transaction reads the version from certcron_meta, so it must be
    // there; it is created here as migrate creates it.
    target.script("CREATE TABLE IF NOT EXISTS certcron_meta (key text PRIMARY KEY, value text "
                  "NOT NULL)");
    pg::migrate(target);
    refuse_unless_empty(target);
    // Watermarks of an empty target describe no data; the source's replace them.
    target.script("DELETE FROM reminder_watermarks");

    for (const Table& table : tables()) {
      const auto total =
          sqlite_count(source, std::string("SELECT count(*) FROM ") + table.name);
      const auto copied = copy_table(source, target, table, total, progress);
      const auto landed = pg_count(target, std::string("SELECT count(*) FROM ") + table.name);
      if (copied != total || landed != total) {
        throw pg::Failure("the copy of " + std::string(table.name) + " has " +
                              std::to_string(landed) + " rows where the source has " +
                              std::to_string(total),
                          "", "");
      }
      if (table.sequence != nullptr) {
        target.query("SELECT setval(pg_get_serial_sequence($1, $2), $3, false)",
                     pg::Params().add(table.name).add(table.sequence).add(next_id(source, table)));
      }
      report.tables.push_back({table.name, total});
    }

    // The totals and the data version the watermarks were taken at, as they are.
    SQLite::Statement totals(
        source, "SELECT mentors, certifications, data_version FROM reminder_totals WHERE id = 1");
    if (totals.executeStep()) {
      target.query(
          "UPDATE reminder_totals SET mentors = $1, certifications = $2, data_version = $3 "
          "WHERE id = 1",
          pg::Params()
              .add(totals.getColumn(0).getInt64())
              .add(totals.getColumn(1).getInt64())
              .add(totals.getColumn(2).getInt64()));
    }
    report.tables.push_back({"reminder_totals", pg_count(target, "SELECT count(*) FROM reminder_totals")});

    // The identity, so that crontab blocks written for the SQLite database stay its own.
    SQLite::Statement identity(source, "SELECT value FROM meta WHERE key = 'identity'");
    if (identity.executeStep()) {
      report.identity = identity.getColumn(0).getString();
      target.query("UPDATE certcron_meta SET value = $1 WHERE key = 'identity'",
                   pg::Params().add(report.identity));
    } else {
      report.identity = std::string(
          target.query("SELECT value FROM certcron_meta WHERE key = 'identity'")[0].text(0));
    }
    target.commit();
  } catch (...) {
    target.rollback();
    throw;
  }
  return report;
}

}  // namespace

Result<MigrationReport> copy_sqlite_to_postgresql(const std::string& sqlite_path,
                                                  const std::string& url,
                                                  const MigrationProgress& progress) {
  std::error_code ignored;
  if (!std::filesystem::is_regular_file(sqlite_path, ignored)) {
    return fail(Error::not_found("no SQLite database at " + sqlite_path));
  }
  auto source = open_database(sqlite_path);
  if (!source) {
    return fail(source.error());
  }
  auto target = pg::Connection::open(url);
  if (!target) {
    return fail(target.error());
  }
  const std::string nothing_changed =
      "; nothing was copied and the database " + pg::describe_target(url) + " is as it was";
  try {
    // One read transaction: every table is read from the same snapshot.
    (*source)->exec("BEGIN");
    MigrationReport report;
    try {
      report = copy_all(**source, **target, progress);
    } catch (...) {
      (void)guarded([&] { (*source)->exec("ROLLBACK"); });
      throw;
    }
    (void)guarded([&] { (*source)->exec("ROLLBACK"); });
    return report;
  } catch (const Error& error) {
    return fail(error);
  } catch (const pg::Failure& error) {
    auto mapped = pg::error_from(error);
    mapped.message += nothing_changed;
    return fail(std::move(mapped));
  } catch (const std::exception& error) {
    auto mapped = error_from_exception(error);
    mapped.message += nothing_changed;
    return fail(std::move(mapped));
  }
}

}  // namespace certcron::store
