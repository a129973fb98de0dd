#pragma once

// For the tests of schema steps: the store's statements need the newest schema, so a row made
// before a step is written with the columns of schema version 1.

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <string>

namespace certcron::store::testing {

// A daily 02:00 UTC job named `name` with `uuid`; returns its seq.
inline std::int64_t insert_version1_job(SQLite::Database& db, const std::string& name,
                                        const std::string& uuid) {
  SQLite::Statement insert(
      db,
      "INSERT INTO jobs (name, type, cron_expression, grace_time_in_minutes, server_timezone, "
      "enabled, uuid, created_at, updated_at) VALUES (?, 'cron', '0 2 * * *', 5, 'UTC', 1, ?, "
      "100, 100)");
  insert.bind(1, name);
  insert.bind(2, uuid);
  insert.exec();
  return db.getLastInsertRowid();
}

}  // namespace certcron::store::testing
