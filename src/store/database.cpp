#include "store/database.hpp"

#include "util/file.hpp"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

namespace certcron::store {
namespace {

constexpr std::chrono::milliseconds kBusyTimeout{5000};

// Waits for another connection's write lock for up to kBusyTimeout, trying again every
// millisecond or two. SQLite's own busy timeout backs off to 100 ms between tries, so a CLI
// command waiting behind a server that writes continuously (each transaction a few ms, the
// lock free between them for less than that) kept missing the gaps and gave up as busy.
int busy_wait(void* /*unused*/, int attempts) {
  thread_local std::chrono::steady_clock::time_point started;
  const auto now = std::chrono::steady_clock::now();
  if (attempts == 0) {
    started = now;
  }
  if (now - started >= kBusyTimeout) {
    return 0;  // SQLITE_BUSY to the caller: ErrorKind::busy
  }
  std::this_thread::sleep_for(std::chrono::milliseconds{attempts < 20 ? 1 : 2});
  return 1;
}

int user_version(SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); }

Result<void> migrate(SQLite::Database& db, const std::string& path, int target) {
  if (user_version(db) == target) {
    return {};  // the common case: one cheap read, no write lock
  }
  // IMMEDIATE: two processes creating the database at once queue here instead of both
  // applying the same step.
  SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
  int version = user_version(db);
  if (version > latest_schema_version()) {
    return fail(Error::failed("database " + path + " has schema version " +
                              std::to_string(version) + ", newer than this certcron supports (" +
                              std::to_string(latest_schema_version()) +
                              "); upgrade certcron to use it"));
  }
  for (const Migration& step : migrations()) {
    if (step.version > version && step.version <= target) {
      db.exec(step.sql);
      db.exec("PRAGMA user_version = " + std::to_string(step.version));
    }
  }
  transaction.commit();
  return {};
}

// The database holds mentors' addresses and the secret of every ping URL, so certcron makes
// it readable by its owner only: folders it creates are 0700 and a new database file 0600
// (SQLite gives the -wal and -shm files the database file's mode). An existing folder or file
// keeps the mode an administrator gave it.
Result<void> create_private_database_file(const std::string& path) {
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) {
    return {};
  }
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    if (auto made = util::ensure_directory(parent, 0700); !made) {
      return fail(Error::failed(made.error().message + " (the database's folder)"));
    }
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
  } else if (errno != EEXIST) {
    return fail(Error::failed("cannot create the database " + path + ": " +
                              std::generic_category().message(errno)));
  }
  return {};
}

// Memory statistics make every SQLite allocation take one process-wide mutex, and certcron
// reads none of them. They can only be turned off before SQLite initializes (on the first
// connection); if something else in the process initialized it first, sqlite3_config
// refuses with SQLITE_MISUSE and the statistics simply stay on.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (int code = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); code != SQLITE_OK) {
      // SQLITE_MISUSE, the only failure it has: already initialized, not an error.
      return;
    }
  });
}

}  // namespace

Error error_from_exception(const std::exception& error) {
  if (const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&error)) {
    int code = sqlite->getErrorCode() & 0xff;
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
      return Error::busy(std::string("the database is busy (") + sqlite->what() +
                         "); another certcron process holds it, try again");
    }
  }
  return Error::failed(std::string("database error: ") + error.what());
}

Result<void> guarded(const std::function<void()>& work) {
  try {
    work();
    return {};
  } catch (const std::exception& error) {
    return fail(error_from_exception(error));
  }
}

Result<std::unique_ptr<SQLite::Database>> open_database_at_version(const std::string& path,
                                                                   int target) {
  if (auto created = create_private_database_file(path); !created) {
    return fail(created.error());
  }
  configure_sqlite_once();
  std::unique_ptr<SQLite::Database> db;
  auto opened = guarded([&] {
    // NOMUTEX: a connection is used by one thread at a time (the CLI has one; the server opens
    // one per I/O thread and one per background run), so SQLite's per-call connection mutex
    // only costs time.
    db = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
    sqlite3_busy_handler(db->getHandle(), &busy_wait, nullptr);
    db->exec("PRAGMA foreign_keys = ON");
    if (db->execAndGet("PRAGMA journal_mode").getString() != "wal") {
      db->exec("PRAGMA journal_mode = WAL");
    }
    db->exec("PRAGMA synchronous = NORMAL");
  });
  if (!opened) {
    Error error = opened.error();
    error.message = "cannot open the database " + path + ": " + error.message;
    return fail(error);
  }
  Result<void> migrated;
  auto ran = guarded([&] { migrated = migrate(*db, path, target); });
  if (!ran) {
    return fail(ran.error());
  }
  if (!migrated) {
    return fail(migrated.error());
  }
  return db;
}

Result<std::unique_ptr<SQLite::Database>> open_database(const std::string& path) {
  return open_database_at_version(path, latest_schema_version());
}

const char* sqlite_library_version() { return sqlite3_libversion(); }

}  // namespace certcron::store
