// Floor programs for certcron's expiry check: the least work an honest program must do for the
// same result, written from the schema (src/store/migrations_reminders.cpp) and the reminder
// rules (src/core/reminders/policy.hpp) only, not from certcron's queries or loops. Each mode
// opens its own connection and prints the number of due reminders it found (files: wrote).
//
//   expiry_floor read   DB DAY          steady night, read only (what --dry-run must read)
//   expiry_floor insert DB DAY          the same, plus one ledger row per due reminder
//   expiry_floor first  DB DAY          first run over the data: every due reminder, recorded
//   expiry_floor files  DIR COUNT DAY   COUNT message files, each synced once, then the folder
//
// DAY is the run's UTC date (YYYY-MM-DD); the bench runs in UTC, so a certification's expiry
// date is the UTC date of expires_at (midnight UTC for a date-only expiry) and
// days_left = floor(expires_at / 86400) - DAY. Thresholds 30, 7, 1 days; expired window 30 days.
//
// Why these are floors (what none of them can skip):
//  - Finding the due certifications: one range seek per threshold on the expires_at index,
//    reading only the index entries inside the range, then the row itself by rowid. No full
//    scan, no paging, no sort, no temporary table.
//  - "Not reminded yet": one lookup on reminder_ledger's primary key per candidate, inside the
//    same statement. certcron must do it too, or a rerun would remind twice.
//  - The mentor's name and email: one primary-key lookup per due row (needed for the message).
//  - Every column of every due row is read out of SQLite (the message needs them).
//  - insert/first: one INSERT per ledger row (the sent one, and the less urgent thresholds
//    passed over, which on a steady night are already there: a primary-key lookup each), all
//    in one transaction, so the write cost is one WAL append per page touched and one commit;
//    certcron can batch the same way.
//  - files: per message one create, one write, one fdatasync and one rename, then one fsync of
//    the folder: the least a batched outbox needs to survive a crash once it says "sent".
// What they skip that certcron does: composing the text per row from the template (files
// writes about 1.2 KiB per message built with snprintf, a little more than certcron's), the
// runs table's bookkeeping (one row per run), the progress line and the JSON summary. Those
// are small next to the above.

#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace {

constexpr std::int64_t kDay = 86400;
constexpr int kExpired = -1;  // the ledger's threshold for the reminder sent after expiry
constexpr int kExpiredWindow = 30;
constexpr int kThresholds[] = {30, 7, 1};  // least urgent first

[[noreturn]] void die(const char* what, const char* detail) {
  std::fprintf(stderr, "expiry_floor: %s: %s\n", what, detail);
  std::exit(1);
}

std::int64_t parse_day(const char* text) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  if (std::sscanf(text, "%d-%u-%u", &y, &m, &d) != 3) {
    die("bad day", text);
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) {
    die("bad day", text);
  }
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

class Db {
 public:
  Db(const char* path, bool read_only) {
    const int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                      SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &db_, flags, nullptr) != SQLITE_OK) {
      die(path, db_ ? sqlite3_errmsg(db_) : "cannot open");
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      die(sql, sqlite3_errmsg(db_));
    }
  }
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
        SQLITE_OK) {
      die(sql, sqlite3_errmsg(db_));
    }
    return statement;
  }
  void done(sqlite3_stmt* statement, int rc) {
    if (rc != SQLITE_DONE) {
      die("step", sqlite3_errmsg(db_));
    }
    sqlite3_reset(statement);
  }

 private:
  sqlite3* db_ = nullptr;
};

// The candidates of one band of expiry days [first_day, end_day) whose reminder `threshold`
// is not in the ledger yet, with their mentor. CROSS JOIN keeps certifications as the outer
// loop whatever statistics the database holds, so the plan is always: range on
// certifications_by_expiry, the row by rowid, the ledger's primary key, the mentor's.
constexpr const char* kDueSql = R"sql(
SELECT c.id, c.mentor_id, c.certification, c.expires_on, c.expires_at, c.issued_at,
       m.name, m.email
FROM certifications AS c CROSS JOIN mentors AS m ON m.mentor_id = c.mentor_id
WHERE c.expires_at >= ?1 AND c.expires_at < ?2
  AND NOT EXISTS (SELECT 1 FROM reminder_ledger AS l
                  WHERE l.certification_id = c.id AND l.expires_on = c.expires_on
                    AND l.threshold = ?3)
)sql";

constexpr const char* kInsertSql = R"sql(
INSERT INTO reminder_ledger
  (certification_id, expires_on, threshold, outcome, recorded_at, run_seq, message_id)
VALUES (?1, ?2, ?3, 'sent', ?4, ?5, ?6)
)sql";

// A less urgent threshold passed over: recorded unless the ledger has it already.
constexpr const char* kSupersedeSql = R"sql(
INSERT INTO reminder_ledger
  (certification_id, expires_on, threshold, outcome, recorded_at, run_seq, message_id)
VALUES (?1, ?2, ?3, 'superseded', ?4, ?5, NULL)
ON CONFLICT DO NOTHING
)sql";

struct Band {
  int first_days_left;  // inclusive
  int last_days_left;   // inclusive
  int threshold;        // the most urgent threshold crossed by every day of the band
};

struct Checker {
  Db& db;
  std::int64_t today;
  bool write;
  sqlite3_stmt* due = nullptr;
  sqlite3_stmt* insert = nullptr;
  sqlite3_stmt* supersede = nullptr;
  std::int64_t count = 0;
  std::uint64_t checksum = 0;  // keeps every column read observable
  std::int64_t recorded_at = 0;
  std::int64_t run_seq = 1;

  Checker(Db& database, std::int64_t day, bool writes)
      : db(database), today(day), write(writes), recorded_at(day * kDay + 2 * 3600) {
    due = db.prepare(kDueSql);
    if (write) {
      insert = db.prepare(kInsertSql);
      supersede = db.prepare(kSupersedeSql);
    }
  }
  ~Checker() {
    sqlite3_finalize(due);
    sqlite3_finalize(insert);
    sqlite3_finalize(supersede);
  }

  static std::uint64_t text_sum(sqlite3_stmt* s, int column) {
    const auto* text = sqlite3_column_text(s, column);
    const int bytes = sqlite3_column_bytes(s, column);
    return text == nullptr ? 0 : static_cast<std::uint64_t>(bytes) * 31 + text[0];
  }

  void band(const Band& band) {
    sqlite3_bind_int64(due, 1, (today + band.first_days_left) * kDay);
    sqlite3_bind_int64(due, 2, (today + band.last_days_left + 1) * kDay);
    sqlite3_bind_int(due, 3, band.threshold);
    char message_id[96];
    int rc = 0;
    while ((rc = sqlite3_step(due)) == SQLITE_ROW) {
      const std::int64_t id = sqlite3_column_int64(due, 0);
      checksum += static_cast<std::uint64_t>(id) + text_sum(due, 1) + text_sum(due, 2) +
                  text_sum(due, 3) + static_cast<std::uint64_t>(sqlite3_column_int64(due, 4)) +
                  text_sum(due, 5) + text_sum(due, 6) + text_sum(due, 7);
      ++count;
      if (!write) {
        continue;
      }
      const auto* expires_on = sqlite3_column_text(due, 3);
      const int expires_on_bytes = sqlite3_column_bytes(due, 3);
      const int id_bytes = std::snprintf(message_id, sizeof message_id,
                                         "<reminder.%lld.%d.%lld@certcron.example.org>",
                                         static_cast<long long>(id), band.threshold,
                                         static_cast<long long>(recorded_at));
      sqlite3_bind_int64(insert, 1, id);
      sqlite3_bind_text(insert, 2, reinterpret_cast<const char*>(expires_on), expires_on_bytes,
                        SQLITE_STATIC);
      sqlite3_bind_int(insert, 3, band.threshold);
      sqlite3_bind_int64(insert, 4, recorded_at);
      sqlite3_bind_int64(insert, 5, run_seq);
      sqlite3_bind_text(insert, 6, message_id, id_bytes, SQLITE_STATIC);
      db.done(insert, sqlite3_step(insert));
      // The less urgent thresholds this certification has crossed are passed over.
      for (const int threshold : kThresholds) {
        if (threshold <= band.threshold && band.threshold != kExpired) {
          break;
        }
        sqlite3_bind_int64(supersede, 1, id);
        sqlite3_bind_text(supersede, 2, reinterpret_cast<const char*>(expires_on),
                          expires_on_bytes, SQLITE_STATIC);
        sqlite3_bind_int(supersede, 3, threshold);
        sqlite3_bind_int64(supersede, 4, recorded_at);
        sqlite3_bind_int64(supersede, 5, run_seq);
        db.done(supersede, sqlite3_step(supersede));
      }
    }
    db.done(due, rc);
  }
};

// The steady night, the day after a run: the only reminders that can be newly due are those
// whose days_left has just reached a threshold (30, 7, 1) or just gone below zero (expired,
// days_left = -1). Every other day of the window had its reminder decided by an earlier night.
// One band of one day per threshold.
int steady(const char* path, std::int64_t today, bool write) {
  Db db(path, !write);
  if (write) {
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("BEGIN IMMEDIATE");
  } else {
    db.exec("BEGIN");  // one snapshot for the four queries, as a consistent check needs
  }
  std::int64_t count = 0;
  std::uint64_t checksum = 0;
  {
    Checker checker(db, today, write);
    for (const int threshold : kThresholds) {
      checker.band({threshold, threshold, threshold});
    }
    checker.band({-1, -1, kExpired});
    count = checker.count;
    checksum = checker.checksum;
  }
  db.exec("COMMIT");
  std::printf("due=%lld checksum=%llu\n", static_cast<long long>(count),
              static_cast<unsigned long long>(checksum));
  return 0;
}

// The first run: nothing decided yet, so every day of the window [-30, 30] is looked at, in
// four bands each with one most urgent threshold: expired [-30, -1], 1 day [0, 1],
// 7 days [2, 7], 30 days [8, 30]. Each due row is recorded as sent, and the less urgent
// thresholds it crossed as superseded.
int first(const char* path, std::int64_t today) {
  Db db(path, false);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("BEGIN IMMEDIATE");
  std::int64_t count = 0;
  std::uint64_t checksum = 0;
  {
    Checker checker(db, today, true);
    checker.band({-kExpiredWindow, -1, kExpired});
    int first_day = 0;
    for (auto it = std::rbegin(kThresholds); it != std::rend(kThresholds); ++it) {
      checker.band({first_day, *it, *it});
      first_day = *it + 1;
    }
    count = checker.count;
    checksum = checker.checksum;
  }
  db.exec("COMMIT");
  std::printf("due=%lld checksum=%llu\n", static_cast<long long>(count),
              static_cast<unsigned long long>(checksum));
  return 0;
}

// COUNT messages of about 1 KiB into DIR, as a batched outbox would write them once the run
// knows what is due: each to a temporary name, fdatasync'd, renamed to its final name; then
// one fsync of the folder makes all the renames durable.
int files(const char* dir, long count, std::int64_t today) {
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    die(dir, std::strerror(errno));
  }
  const int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) {
    die(dir, std::strerror(errno));
  }
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{today}}};
  const std::chrono::weekday weekday{std::chrono::sys_days{std::chrono::days{today}}};
  static constexpr const char* kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char date[64];
  std::snprintf(date, sizeof date, "%s, %02u %s %04d 02:00:00 +0000",
                kWeekdays[weekday.c_encoding()], unsigned(ymd.day()),
                kMonths[unsigned(ymd.month()) - 1], int(ymd.year()));
  char text[2048];
  char temp_name[64];
  char final_name[64];
  for (long i = 0; i < count; ++i) {
    const int bytes = std::snprintf(
        text, sizeof text,
        "Date: %s\r\n"
        "From: Certification reminders <certcron@example.org>\r\n"
        "To: \"Mentor %ld\" <m%07ld@example.org>\r\n"
        "Subject: Your First Aid certification expires on 2026-04-01\r\n"
        "Message-ID: <reminder.%ld.30.%lld@certcron.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "Auto-Submitted: auto-generated\r\n"
        "X-Certcron-Certification: m%07ld/First Aid\r\n"
        "X-Certcron-Threshold: 30\r\n"
        "\r\n"
        "Hello Mentor %ld,\r\n"
        "\r\n"
        "Your First Aid certification expires on 2026-04-01, in 30 days: it has crossed the\r\n"
        "30-day reminder threshold. Please renew it before then, so that you can keep\r\n"
        "mentoring without a gap. Once renewed, send the new certificate to your\r\n"
        "coordinator, who will update the record with the new expiry date.\r\n"
        "\r\n"
        "If you have renewed it already, thank you, and please ignore this message: the\r\n"
        "record will be updated at the next import, and no further reminder will be sent\r\n"
        "for the old date.\r\n"
        "\r\n"
        "Certification: First Aid\r\n"
        "Issued: 2024-04-01\r\n"
        "Expires: 2026-04-01\r\n"
        "Reminder: 30 days before expiry\r\n"
        "\r\n"
        "-- \r\n"
        "This reminder was sent automatically by the nightly certification check.\r\n"
        "Reply to this message to reach the coordinators.\r\n",
        date, i, i, i, static_cast<long long>(today * kDay), i, i);
    std::snprintf(temp_name, sizeof temp_name, ".%08ld.eml.tmp", i);
    std::snprintf(final_name, sizeof final_name, "%08ld.eml", i);
    const int fd = openat(dir_fd, temp_name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      die(temp_name, std::strerror(errno));
    }
    for (int written = 0; written < bytes;) {
      const ssize_t n = write(fd, text + written, static_cast<std::size_t>(bytes - written));
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        die(temp_name, std::strerror(errno));
      }
      written += static_cast<int>(n);
    }
    if (fdatasync(fd) != 0 || close(fd) != 0) {
      die(temp_name, std::strerror(errno));
    }
    if (renameat(dir_fd, temp_name, dir_fd, final_name) != 0) {
      die(final_name, std::strerror(errno));
    }
  }
  if (fsync(dir_fd) != 0 || close(dir_fd) != 0) {
    die(dir, std::strerror(errno));
  }
  std::printf("written=%ld\n", count);
  return 0;
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: expiry_floor read|insert|first DB YYYY-MM-DD\n"
               "       expiry_floor files DIR COUNT YYYY-MM-DD\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage();
  }
  const std::string_view mode = argv[1];
  if ((mode == "read" || mode == "insert" || mode == "first") && argc == 4) {
    const std::int64_t today = parse_day(argv[3]);
    return mode == "first" ? first(argv[2], today) : steady(argv[2], today, mode == "insert");
  }
  if (mode == "files" && argc == 5) {
    const long count = std::strtol(argv[3], nullptr, 10);
    if (count < 0) {
      usage();
    }
    return files(argv[2], count, parse_day(argv[4]));
  }
  usage();
}
