#include "store/ping_store.hpp"

#include "store/database.hpp"
#include "store/rows.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace certcron::store {
namespace {

using namespace rows;

constexpr const char* kPingColumns =
    "seq, job_seq, at, kind, exit_code, runtime_ms, message, body, rid, source, remote";

// The statement's current row as mapping::read_ping reads it.
struct StatementRow {
  SQLite::Statement& statement;
  bool is_null(int index) const { return statement.getColumn(index).isNull(); }
  std::int64_t int64(int index) const { return statement.getColumn(index).getInt64(); }
  int integer(int index) const { return statement.getColumn(index).getInt(); }
  std::string text(int index) const { return statement.getColumn(index).getString(); }
};

Ping ping_from_row(SQLite::Statement& row) { return mapping::read_ping(StatementRow{row}); }

}  // namespace

Result<std::optional<std::int64_t>> SqlitePingStore::job_seq_for_uuid(std::string_view uuid) {
  std::optional<std::int64_t> seq;
  auto ran = guarded([&] {
    SQLite::Statement query(db_, "SELECT seq FROM jobs WHERE uuid = ?");
    query.bind(1, std::string(uuid));
    if (query.executeStep()) {
      seq = query.getColumn(0).getInt64();
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return seq;
}

Result<Ping> SqlitePingStore::insert_ping(const Ping& ping, int keep) {
  Ping stored = ping;
  auto ran = guarded([&] {
    SQLite::Statement insert(db_,
                             "INSERT INTO pings (job_seq, at, kind, exit_code, runtime_ms, message, "
                             "body, rid, source, remote) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, static_cast<std::int64_t>(ping.job_seq));
    insert.bind(2, static_cast<std::int64_t>(from_seconds(ping.at)));
    insert.bind(3, to_string(ping.kind));
    if (ping.exit_code) {
      insert.bind(4, *ping.exit_code);
    } else {
      insert.bind(4);
    }
    if (ping.runtime_ms) {
      insert.bind(5, static_cast<std::int64_t>(*ping.runtime_ms));
    } else {
      insert.bind(5);
    }
    insert.bind(6, ping.message);
    insert.bind(7, ping.body);
    insert.bind(8, ping.rid);
    insert.bind(9, to_string(ping.source));
    insert.bind(10, ping.remote);
    insert.exec();
    stored.seq = db_.getLastInsertRowid();
    // Everything at or below the (keep+1)-th newest goes; the index walks only this job's rows.
    SQLite::Statement trim(db_,
                           "DELETE FROM pings WHERE job_seq = ?1 AND seq <= (SELECT seq FROM pings "
                           "WHERE job_seq = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)");
    trim.bind(1, static_cast<std::int64_t>(ping.job_seq));
    trim.bind(2, keep);
    trim.exec();
  });
  if (!ran) {
    return fail(ran.error());
  }
  return stored;
}

Result<std::optional<Ping>> SqlitePingStore::find_start(std::int64_t job_seq, std::string_view rid) {
  std::optional<Ping> found;
  auto ran = guarded([&] {
    SQLite::Statement query(db_, std::string("SELECT ") + kPingColumns +
                                     " FROM pings WHERE job_seq = ? AND kind = 'starting' AND "
                                     "rid = ? ORDER BY seq DESC LIMIT 1");
    query.bind(1, static_cast<std::int64_t>(job_seq));
    query.bind(2, std::string(rid));
    if (query.executeStep()) {
      found = ping_from_row(query);
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return found;
}

Result<Page<Ping>> SqlitePingStore::list_pings(std::int64_t job_seq, PageRequest page) {
  Page<Ping> result{{}, page.page, page.limit, 0};
  auto ran = guarded([&] {
    SQLite::Statement count(db_, "SELECT count(*) FROM pings WHERE job_seq = ?");
    count.bind(1, static_cast<std::int64_t>(job_seq));
    count.executeStep();
    result.total = count.getColumn(0).getInt64();
    SQLite::Statement query(db_, std::string("SELECT ") + kPingColumns +
                                     " FROM pings WHERE job_seq = ? ORDER BY seq DESC LIMIT ? OFFSET ?");
    query.bind(1, static_cast<std::int64_t>(job_seq));
    query.bind(2, page.limit);
    query.bind(3, static_cast<std::int64_t>(offset_of(page)));
    while (query.executeStep()) {
      result.items.push_back(ping_from_row(query));
    }
  });
  if (!ran) {
    return fail(ran.error());
  }
  return result;
}

}  // namespace certcron::store
