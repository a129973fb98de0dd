#pragma once

// The SQLite implementation of the ping history (schema step 4, migrations_monitoring). It
// works on the job store's connection, so a ping is written in the job store's transaction.

#include "core/ping_store.hpp"

namespace SQLite {
class Database;
}

namespace certcron::store {

class SqlitePingStore final : public PingStore {
 public:
  // `db` must outlive the store and have schema step 4 applied.
  explicit SqlitePingStore(SQLite::Database& db) : db_(db) {}

  Result<std::optional<std::int64_t>> job_seq_for_uuid(std::string_view uuid) override;
  Result<Ping> insert_ping(const Ping& ping, int keep) override;
  Result<std::optional<Ping>> find_start(std::int64_t job_seq, std::string_view rid) override;
  Result<Page<Ping>> list_pings(std::int64_t job_seq, PageRequest page) override;

 private:
  SQLite::Database& db_;
};

}  // namespace certcron::store
