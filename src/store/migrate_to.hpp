#pragma once

// Copying a SQLite database into an empty PostgreSQL database: every table, with its row
// ids, instants, flags and the database's identity, in one PostgreSQL transaction, so the
// target either holds the whole copy or is left as it was.

#include "core/error.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace certcron::store {

struct TableCopy {
  std::string table;
  std::int64_t rows = 0;
};

struct MigrationReport {
  std::string identity;          // the database identity both databases now carry
  std::vector<TableCopy> tables; // in copy order; every count verified against the target
};

// Called after each batch: the table being copied, its rows copied so far and its total.
using MigrationProgress =
    std::function<void(const std::string& table, std::int64_t copied, std::int64_t total)>;

// Copies the SQLite database at `sqlite_path` (migrated to the latest version first; read in
// one read transaction) into the PostgreSQL database `url`, which must be empty: no certcron
// schema yet, or one without jobs, runs, pings, flips, mentors, certifications or ledger
// entries (ErrorKind::usage otherwise, the target unchanged). The schema, the rows, the
// identity and the sequences' next values (after the largest copied id, and after any id
// SQLite handed out before) are written in one transaction, committed only when every
// table's row count in the target equals the source's; on any error it is rolled back and the
// target is as before. Errors name the target without its password.
Result<MigrationReport> copy_sqlite_to_postgresql(const std::string& sqlite_path,
                                                  const std::string& url,
                                                  const MigrationProgress& progress = {});

}  // namespace certcron::store
