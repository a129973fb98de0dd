// The floor for the nightly expiry check: the same work against the same database with
// nothing but the sqlite3 C API. It pages through the expires_at index with the query the
// SQLite reminder store uses, looks up each candidate's ledger entries by primary key,
// applies the default policy (thresholds 30, 7, 1; expired window 30 days; UTC dates) and
// records each due reminder (plus the thresholds it supersedes) in a transaction of its own.
// It composes and delivers no message: that part of certcron's time is not in the floor.
//   expiry_floor DATABASE YYYY-MM-DD       prints: checked=N reminders=N

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kThresholds[] = {1, 7, 30};  // ascending: most urgent first
constexpr int kWindowDays = 30;
constexpr int kPageRows = 256;

// Copied from store/reminder_store.cpp (SqliteReminderStore::kExpiringPageSql).
constexpr const char* kPageSql =
    "SELECT c.id, m.rowid, c.mentor_id, m.name, m.email, c.certification, c.expires_on, "
    "c.expires_at FROM certifications AS c JOIN mentors AS m ON m.mentor_id = c.mentor_id "
    "WHERE c.expires_at >= ?1 AND c.expires_at < ?2 AND (c.expires_at, c.id) > (?3, ?4) "
    "ORDER BY c.expires_at, c.id LIMIT ?5";

struct Row {
  sqlite3_int64 id;
  std::string expires_on;
  sqlite3_int64 expires_at;
};

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "expiry_floor: %s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  check(sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr), db, sql);
  return statement;
}

long day_number(const char* text) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  std::sscanf(text, "%d-%u-%u", &y, &m, &d);
  const std::chrono::sys_days day{std::chrono::year{y} / std::chrono::month{m} /
                                  std::chrono::day{d}};
  return day.time_since_epoch().count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: expiry_floor DATABASE YYYY-MM-DD\n");
    return 2;
  }
  sqlite3* db = nullptr;
  check(sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, nullptr), db, "open");
  check(sqlite3_exec(db,
                     "PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; "
                     "PRAGMA foreign_keys = ON",
                     nullptr, nullptr, nullptr),
        db, "pragmas");
  const long today = day_number(argv[2]);
  const sqlite3_int64 from = (today - kWindowDays - 1) * 86400LL;
  const sqlite3_int64 to = (today + kThresholds[2] + 2) * 86400LL;
  sqlite3_stmt* page = prepare(db, kPageSql);
  sqlite3_stmt* ledger = prepare(
      db, "SELECT threshold FROM reminder_ledger WHERE certification_id = ? AND expires_on = ?");
  sqlite3_stmt* insert = prepare(
      db,
      "INSERT INTO reminder_ledger (certification_id, expires_on, threshold, outcome, "
      "recorded_at, run_seq, message_id) VALUES (?, ?, ?, ?, ?, NULL, ?) ON CONFLICT DO NOTHING");
  sqlite3_stmt* begin = prepare(db, "BEGIN IMMEDIATE");
  sqlite3_stmt* commit = prepare(db, "COMMIT");
  const sqlite3_int64 now = today * 86400LL + 2 * 3600;

  long checked = 0;
  long reminders = 0;
  sqlite3_int64 after_at = from;
  sqlite3_int64 after_id = -1;
  std::vector<Row> rows;
  for (;;) {
    sqlite3_bind_int64(page, 1, from);
    sqlite3_bind_int64(page, 2, to);
    sqlite3_bind_int64(page, 3, after_at);
    sqlite3_bind_int64(page, 4, after_id);
    sqlite3_bind_int(page, 5, kPageRows);
    rows.clear();
    while (sqlite3_step(page) == SQLITE_ROW) {
      rows.push_back({sqlite3_column_int64(page, 0),
                      reinterpret_cast<const char*>(sqlite3_column_text(page, 6)),
                      sqlite3_column_int64(page, 7)});
    }
    sqlite3_reset(page);
    for (const Row& row : rows) {
      const long days_left = day_number(row.expires_on.c_str()) - today;
      if (days_left < -kWindowDays || days_left > kThresholds[2]) {
        continue;
      }
      ++checked;
      std::vector<int> crossed;
      if (days_left < 0) {
        crossed.push_back(-1);
      }
      for (int threshold : kThresholds) {
        if (days_left <= threshold) {
          crossed.push_back(threshold);
        }
      }
      bool recorded[64] = {};
      sqlite3_bind_int64(ledger, 1, row.id);
      sqlite3_bind_text(ledger, 2, row.expires_on.c_str(), -1, SQLITE_STATIC);
      while (sqlite3_step(ledger) == SQLITE_ROW) {
        recorded[sqlite3_column_int(ledger, 0) + 1] = true;
      }
      sqlite3_reset(ledger);
      if (recorded[crossed.front() + 1]) {
        continue;
      }
      check(sqlite3_step(begin), db, "begin");
      sqlite3_reset(begin);
      for (std::size_t i = 0; i < crossed.size(); ++i) {
        if (i > 0 && recorded[crossed[i] + 1]) {
          continue;
        }
        sqlite3_bind_int64(insert, 1, row.id);
        sqlite3_bind_text(insert, 2, row.expires_on.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_int(insert, 3, crossed[i]);
        sqlite3_bind_text(insert, 4, i == 0 ? "sent" : "superseded", -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 5, now);
        if (i == 0) {
          sqlite3_bind_text(insert, 6, "<floor@certcron>", -1, SQLITE_STATIC);
        } else {
          sqlite3_bind_null(insert, 6);
        }
        check(sqlite3_step(insert), db, "insert");
        sqlite3_reset(insert);
      }
      check(sqlite3_step(commit), db, "commit");
      sqlite3_reset(commit);
      ++reminders;
    }
    if (rows.size() < static_cast<std::size_t>(kPageRows)) {
      break;
    }
    after_at = rows.back().expires_at;
    after_id = rows.back().id;
  }
  for (sqlite3_stmt* statement : {page, ledger, insert, begin, commit}) {
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  std::printf("checked=%ld reminders=%ld\n", checked, reminders);
  return 0;
}
