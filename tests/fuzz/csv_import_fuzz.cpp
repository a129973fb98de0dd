// `certcron import FILE.csv`: the CSV reader, then the importer's validation and writing
// passes into an in-memory SQLite database with the reminder schema.
//
// Every record read must come back the same after writing it out again, fully quoted; a
// successful import must leave the stored totals equal to the rows the database holds.

#include "core/reminders/csv.hpp"
#include "core/reminders/import.hpp"
#include "fuzz_check.hpp"
#include "store/database.hpp"
#include "store/reminder_store.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

using certcron::fuzz::check;
using namespace certcron::reminders;

std::string quoted_csv(const std::vector<CsvRecord>& records) {
  std::string text;
  for (const CsvRecord& record : records) {
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      text += i == 0 ? "\"" : ",\"";
      for (char c : record.fields[i]) {
        text += c == '"' ? std::string("\"\"") : std::string(1, c);
      }
      text += '"';
    }
    text += '\n';
  }
  return text;
}

std::vector<CsvRecord> read_all(const std::string& text, bool& clean) {
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<CsvRecord> records;
  CsvRecord record;
  clean = true;
  while (reader.next(record)) {
    clean = clean && record.error.empty();
    records.push_back(record);
  }
  clean = clean && !reader.stopped();
  return records;
}

void check_round_trip(const std::string& text) {
  bool clean = false;
  const auto records = read_all(text, clean);
  if (!clean) {
    return;
  }
  bool clean_again = false;
  const auto again = read_all(quoted_csv(records), clean_again);
  check(clean_again, "records written out again read without errors");
  check(again.size() == records.size(), "records written out again are as many");
  for (std::size_t i = 0; i < records.size() && i < again.size(); ++i) {
    check(again[i].fields == records[i].fields, "records written out again read the same");
  }
}

std::int64_t count(SQLite::Database& db, const char* table) {
  return db.execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64();
}

// One database for every input, emptied after each: creating and migrating one per input
// would cost more than the import.
struct Database {
  SQLite::Database db{":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
  std::unique_ptr<certcron::store::SqliteReminderStore> store;

  Database() {
    db.exec("PRAGMA foreign_keys = ON");
    // Every step, as a real database has them: the reminder store's statements name the
    // tables of all of them (claims name runs).
    std::string schema = "BEGIN; ";
    for (const auto& step : certcron::store::migrations()) {
      schema += step.sql;
    }
    db.exec(schema + " COMMIT;");
    store = std::make_unique<certcron::store::SqliteReminderStore>(db);
  }
};

void check_import(const std::string& text) {
  static Database database;
  SQLite::Database& db = database.db;
  auto& store = *database.store;
  check(count(db, "certifications") == 0 && count(db, "mentors") == 0,
        "the database starts empty");
  auto open = [&text]() -> certcron::Result<std::unique_ptr<std::istream>> {
    return std::unique_ptr<std::istream>(std::make_unique<std::istringstream>(text));
  };
  auto summary = import_certifications(store, open);
  if (!summary) {
    check(summary.error().kind == certcron::ErrorKind::validation, "a bad file is a validation error");
    check(count(db, "certifications") == 0 && count(db, "mentors") == 0,
          "a file with errors changes nothing");
    return;
  }
  auto totals = store.counts();
  check(totals.has_value(), "the totals can be read");
  check(totals->mentors == count(db, "mentors"), "the mentor total is the mentors stored");
  check(totals->certifications == count(db, "certifications"),
        "the certification total is the certifications stored");
  check(summary->certifications_inserted == count(db, "certifications"),
        "every certification stored was counted as inserted");
  check(summary->mentors_inserted == count(db, "mentors"),
        "every mentor stored was counted as inserted");
  db.exec("DELETE FROM mentors");  // certifications go with them
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(certcron::fuzz::as_text(data, size));
  check_round_trip(text);
  check_import(text);
  return 0;
}
