#include "core/reminders/import.hpp"

#include "core/reminders/csv.hpp"
#include "util/time.hpp"
#include "util/utf8.hpp"

#include <array>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::reminders {
namespace {

enum Column { kMentorId, kName, kEmail, kCertification, kExpiresAt, kIssuedAt, kColumnCount };
constexpr std::array<const char*, kColumnCount> kColumnNames = {
    "mentor_id", "name", "email", "certification", "expires_at", "issued_at"};
constexpr std::size_t kBatchRows = 1000;
constexpr std::int64_t kProgressEvery = 10000;

struct Layout {
  std::array<int, kColumnCount> index{};  // -1 when the (optional) column is absent
  std::size_t width = 0;
};

class ErrorList {
 public:
  void add(std::int64_t line, const std::string& message) {
    if (++count_ <= kMaxListedImportErrors) {
      messages_.push_back("line " + std::to_string(line) + ": " + message);
    }
  }
  bool empty() const { return count_ == 0; }

  Error to_error() && {
    if (count_ > kMaxListedImportErrors) {
      messages_.push_back("... and " + std::to_string(count_ - kMaxListedImportErrors) +
                          " more errors");
    }
    Error error = Error::invalid(FieldErrors{{"file", std::move(messages_)}});
    error.message = "The file was not imported: " + std::to_string(count_) +
                    (count_ == 1 ? " error" : " errors") + " (nothing was changed).";
    return error;
  }

 private:
  std::size_t count_ = 0;
  std::vector<std::string> messages_;
};

// By hand: find_first_not_of(" \t") calls memchr once per character.
std::string_view trim(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && blank(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && blank(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

bool has_line_break(std::string_view text) {
  return text.find('\n') != std::string_view::npos || text.find('\r') != std::string_view::npos;
}

void one_line(std::string_view text, std::string& out) {
  out.clear();
  for (char c : text) {
    if (c == '\r' || c == '\n') {
      if (!out.empty() && out.back() != ' ') {
        out += ' ';
      }
    } else {
      out += c;
    }
  }
}

std::string expected_header() {
  return "mentor_id,name,email,certification,expires_at[,issued_at]";
}

std::optional<Layout> read_header(const CsvRecord& record, ErrorList& errors) {
  if (!record.error.empty()) {
    errors.add(record.line, record.error);
    return std::nullopt;
  }
  Layout layout;
  layout.index.fill(-1);
  layout.width = record.fields.size();
  bool ok = true;
  for (std::size_t i = 0; i < record.fields.size(); ++i) {
    const std::string name(trim(record.fields[i]));
    int column = -1;
    for (int c = 0; c < kColumnCount; ++c) {
      if (name == kColumnNames[static_cast<std::size_t>(c)]) {
        column = c;
      }
    }
    if (column < 0) {
      errors.add(record.line, "unknown column '" + name + "' (the header is " + expected_header() +
                                  ", in any order)");
      ok = false;
    } else if (layout.index[static_cast<std::size_t>(column)] >= 0) {
      errors.add(record.line, "column '" + name + "' appears twice");
      ok = false;
    } else {
      layout.index[static_cast<std::size_t>(column)] = static_cast<int>(i);
    }
  }
  for (int c = 0; c < kIssuedAt; ++c) {
    if (layout.index[static_cast<std::size_t>(c)] < 0) {
      errors.add(record.line,
                 std::string("missing column '") + kColumnNames[static_cast<std::size_t>(c)] + "'");
      ok = false;
    }
  }
  return ok ? std::optional<Layout>(layout) : std::nullopt;
}

bool is_blank_record(const CsvRecord& record) {
  return record.error.empty() && record.fields.size() == 1 && trim(record.fields[0]).empty();
}

// "YYYY-MM-DD" or RFC 3339, as parse_expiry reads it, without building the canonical text.
std::optional<Seconds> read_expiry(std::string_view text, bool& date_only) {
  if (auto day = util::parse_date(text)) {
    date_only = true;
    return Seconds{*day};
  }
  date_only = false;
  return util::parse_rfc3339(text);
}

// One data row once checked: views into the CSV record (or into the checker's own strings),
// valid until the next record is read.
struct CheckedRow {
  std::array<std::string_view, kColumnCount> value;
  std::string_view expires_on;  // see CertificationRow::expires_on
  Seconds expires_at{};
};

// Checks data rows without allocating per row: values stay views into the record, and the
// rare cell that needs rewriting (a line break in a name) goes to a string kept for reuse.
class RowChecker {
 public:
  explicit RowChecker(const Layout& layout) : layout_(layout) {}

  // Adds the row's errors to `errors` and returns false when it has any.
  bool check(const CsvRecord& record, ErrorList& errors, CheckedRow& row) {
    if (!record.error.empty()) {
      errors.add(record.line, record.error);
      return false;
    }
    if (record.fields.size() != layout_.width) {
      errors.add(record.line, "expected " + std::to_string(layout_.width) + " fields, found " +
                                  std::to_string(record.fields.size()));
      return false;
    }
    if (!read_cells(record, errors, row.value)) {
      return false;
    }
    const auto& value = row.value;
    bool ok = true;
    if (!is_plausible_email(value[kEmail])) {
      errors.add(record.line,
                 "email: '" + std::string(value[kEmail]) + "' is not an email address");
      ok = false;
    }
    bool date_only = false;
    const auto expiry = read_expiry(value[kExpiresAt], date_only);
    if (!expiry) {
      errors.add(record.line, "expires_at: '" + std::string(value[kExpiresAt]) +
                                  "' is not a date (use YYYY-MM-DD or RFC 3339)");
      ok = false;
    }
    bool ignored = false;
    if (!value[kIssuedAt].empty() && !read_expiry(value[kIssuedAt], ignored)) {
      errors.add(record.line, "issued_at: '" + std::string(value[kIssuedAt]) +
                                  "' is not a date (use YYYY-MM-DD or RFC 3339)");
      ok = false;
    }
    if (!ok) {
      return false;
    }
    row.expires_at = *expiry;
    row.expires_on =
        date_only
            ? value[kExpiresAt]
            : std::string_view(
                  canonical_,
                  static_cast<std::size_t>(util::write_rfc3339(canonical_, *expiry) - canonical_));
    return true;
  }

 private:
  // Each cell trimmed, checked for UTF-8, control characters, presence and line breaks; false
  // on any error.
  bool read_cells(const CsvRecord& record, ErrorList& errors,
                  std::array<std::string_view, kColumnCount>& value) {
    bool ok = true;
    for (std::size_t c = 0; c < kColumnCount; ++c) {
      value[c] = layout_.index[c] >= 0
                     ? trim(record.fields[static_cast<std::size_t>(layout_.index[c])])
                     : std::string_view{};
      // Line breaks are the one control a cell may hold; they are dealt with below.
      if (auto problem = util::find_text_problem(value[c], util::kLineBreaks)) {
        errors.add(record.line, std::string(kColumnNames[c]) + ": " +
                                    (problem->kind == util::TextProblem::Kind::invalid_utf8
                                         ? util::describe(*problem)
                                         : "contains " + util::describe(*problem)));
        ok = false;
      } else if (value[c].empty() && c != kIssuedAt) {
        errors.add(record.line, std::string(kColumnNames[c]) + ": missing");
        ok = false;
      } else if (has_line_break(value[c])) {
        if (c == kName || c == kCertification) {
          auto& rewritten = one_line_[c == kName ? 0 : 1];  // a spreadsheet's line break in a cell
          one_line(value[c], rewritten);
          value[c] = rewritten;
        } else {
          errors.add(record.line, std::string(kColumnNames[c]) + ": contains a line break");
          ok = false;
        }
      }
    }
    return ok;
  }

  const Layout& layout_;
  std::array<std::string, 2> one_line_;
  char canonical_[util::kRfc3339Capacity] = {};
};

// One pass over the input: every valid row goes to `row` (while the file has no errors);
// errors collect in `errors`.
Result<std::int64_t> scan(const CsvOpener& open, ErrorList& errors,
                          const std::function<Result<void>(const CheckedRow&)>& row,
                          const std::function<void(std::int64_t)>& tick) {
  auto input = open();
  if (!input) {
    return fail(input.error());
  }
  CsvReader reader(**input);
  CsvRecord record;
  if (!reader.next(record)) {
    errors.add(1,
               "the file is empty (the first line must be the header " + expected_header() + ")");
    return 0;
  }
  auto layout = read_header(record, errors);
  if (!layout) {
    return 0;
  }
  RowChecker checker(*layout);
  CheckedRow checked;
  std::int64_t rows = 0;
  while (reader.next(record)) {
    if (is_blank_record(record)) {
      continue;
    }
    ++rows;
    if (checker.check(record, errors, checked) && errors.empty()) {
      if (auto written = row(checked); !written) {
        return fail(written.error());
      }
    }
    if (rows % kProgressEvery == 0) {
      tick(rows);
    }
  }
  if ((*input)->bad()) {
    return fail(Error::failed("reading the file failed"));
  }
  return rows;
}

// Copies a checked row into `row`, reusing the strings it already holds.
void fill(CertificationRow& row, const CheckedRow& checked) {
  row.mentor_id.assign(checked.value[kMentorId]);
  row.name.assign(checked.value[kName]);
  row.email.assign(checked.value[kEmail]);
  row.certification.assign(checked.value[kCertification]);
  row.expires_on.assign(checked.expires_on);
  row.expires_at = checked.expires_at;
  row.issued_at.assign(checked.value[kIssuedAt]);
}

void add_counts(ImportSummary& summary, const UpsertCounts& counts) {
  summary.mentors_inserted += counts.mentors_inserted;
  summary.mentors_updated += counts.mentors_updated;
  summary.certifications_inserted += counts.certifications_inserted;
  summary.certifications_updated += counts.certifications_updated;
}

Result<ImportSummary> write_pass(ReminderStore& store, const CsvOpener& open,
                                 std::int64_t total_rows, const ImportProgressFn& progress) {
  ImportSummary summary;
  // The batch's rows are overwritten in place, so their strings are allocated once.
  std::vector<CertificationRow> batch(kBatchRows);
  std::size_t used = 0;
  auto flush = [&]() -> Result<void> {
    if (used < batch.size()) {
      batch.resize(used);  // only for the last, partial batch
    }
    used = 0;
    auto counts = store.upsert(batch);
    if (!counts) {
      return fail(counts.error());
    }
    add_counts(summary, *counts);
    return {};
  };
  auto written = store.with_large_cache([&] { return store.in_transaction([&]() -> Result<void> {
    ErrorList errors;
    auto rows = scan(
        open, errors,
        [&](const CheckedRow& row) -> Result<void> {
          fill(batch[used++], row);
          return used < batch.size() ? Result<void>{} : flush();
        },
        [&](std::int64_t done) {
          if (progress) {
            progress({ImportProgress::Phase::writing, done, total_rows});
          }
        });
    if (!rows) {
      return fail(rows.error());
    }
    if (!errors.empty()) {  // the file changed since it was validated
      return fail(std::move(errors).to_error());
    }
    summary.rows = *rows;
    return used > 0 ? flush() : Result<void>{};
  }); });
  if (!written) {
    return fail(written.error());
  }
  return summary;
}

}  // namespace

bool is_plausible_email(std::string_view text) {
  const auto at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F || c == '<' || c == '>' || c == ',' || c == '"') {
      return false;
    }
  }
  const auto domain = text.substr(at + 1);
  const auto dot = domain.find('.');
  return at > 0 && !domain.empty() && dot != std::string_view::npos && dot > 0 &&
         domain.back() != '.';
}

std::optional<ParsedExpiry> parse_expiry(std::string_view text) {
  if (auto day = util::parse_date(text)) {
    return ParsedExpiry{std::string(text), Seconds{*day}, true};
  }
  if (auto instant = util::parse_rfc3339(text)) {
    return ParsedExpiry{util::format_rfc3339(*instant), *instant, false};
  }
  return std::nullopt;
}

Result<ImportSummary> import_certifications(ReminderStore& store, const CsvOpener& open,
                                            const ImportProgressFn& progress) {
  ErrorList errors;
  auto rows = scan(
      open, errors, [](const CheckedRow&) -> Result<void> { return {}; },
      [&](std::int64_t done) {
        if (progress) {
          progress({ImportProgress::Phase::validating, done, 0});
        }
      });
  if (!rows) {
    return fail(rows.error());
  }
  if (!errors.empty()) {
    return fail(std::move(errors).to_error());
  }
  return write_pass(store, open, *rows, progress);
}

Result<ImportSummary> import_csv_file(ReminderStore& store, const std::filesystem::path& path,
                                      const ImportProgressFn& progress) {
  auto open = [&]() -> Result<std::unique_ptr<std::istream>> {
    auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*file) {
      std::error_code ec;
      if (!std::filesystem::exists(path, ec)) {
        return fail(Error::not_found("no such file: " + path.string()));
      }
      return fail(Error::failed("cannot read " + path.string()));
    }
    return std::unique_ptr<std::istream>(std::move(file));
  };
  return import_certifications(store, open, progress);
}

}  // namespace certcron::reminders
