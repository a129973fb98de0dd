#pragma once

// `certcron import FILE.csv`: load mentors and certifications, all or nothing.

#include "core/error.hpp"
#include "core/reminders/reminder_store.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string_view>

namespace certcron::reminders {

struct ImportSummary {
  std::int64_t rows = 0;  // data rows read (the header and blank lines not counted)
  std::int64_t mentors_inserted = 0;
  std::int64_t mentors_updated = 0;  // rows that changed an existing mentor's name or email
  std::int64_t certifications_inserted = 0;
  std::int64_t certifications_updated = 0;  // rows that changed a stored certification
};

struct ImportProgress {
  enum class Phase { validating, writing };
  Phase phase = Phase::validating;
  std::int64_t rows = 0;        // rows done in this phase
  std::int64_t total_rows = 0;  // known in the writing phase; 0 while validating
};
using ImportProgressFn = std::function<void(const ImportProgress&)>;

// Opens the CSV input; called twice (validation pass, then writing pass).
using CsvOpener = std::function<Result<std::unique_ptr<std::istream>>()>;

// At most this many errors are listed; the last message then counts the rest.
inline constexpr std::size_t kMaxListedImportErrors = 1000;

// Reads the whole input once to validate every row, then again inside one transaction to
// write (ReminderStore::with_large_cache). Memory is bounded by one batch of rows and the
// store's cache for that transaction, whatever the size of the file. A file with
// any error is ErrorKind::validation with every error (in line order) under field "file",
// e.g. "line 7: expires_at: '2026-02-30' is not a date (use YYYY-MM-DD or RFC 3339)"; the
// database is then untouched. Progress is reported every few thousand rows.
Result<ImportSummary> import_certifications(ReminderStore& store, const CsvOpener& open,
                                            const ImportProgressFn& progress = {});
Result<ImportSummary> import_csv_file(ReminderStore& store, const std::filesystem::path& path,
                                      const ImportProgressFn& progress = {});

// The checks the import applies, exposed for the policy and tests.
bool is_plausible_email(std::string_view text);

struct ParsedExpiry {
  std::string canonical;  // see CertificationRow::expires_on
  Seconds instant{};
  bool date_only = false;
};
// "YYYY-MM-DD" or RFC 3339; nullopt otherwise.
std::optional<ParsedExpiry> parse_expiry(std::string_view text);

}  // namespace certcron::reminders
