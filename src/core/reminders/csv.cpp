#include "core/reminders/csv.hpp"

namespace certcron::reminders {
namespace {

constexpr int kEnd = -1;

bool is_blank(const std::string& text) {
  return text.find_first_not_of(" \t") == std::string::npos;
}

}  // namespace

CsvReader::CsvReader(std::istream& in)
    : buffer_(in.rdbuf()), chunk_(std::make_unique<char[]>(kChunkBytes)) {}

bool CsvReader::refill() {
  const auto got = buffer_->sgetn(chunk_.get(), static_cast<std::streamsize>(kChunkBytes));
  if (got <= 0) {
    pos_ = end_ = nullptr;
    return false;
  }
  pos_ = chunk_.get();
  end_ = pos_ + got;
  return true;
}

void CsvReader::skip_rest_of_line() {
  for (int c = get(); c != kEnd; c = get()) {
    if (c == '\n') {
      ++line_;
      return;
    }
    if (c == '\r') {
      if (peek() == '\n') {
        get();
      }
      ++line_;
      return;
    }
  }
}

bool CsvReader::count_bytes(std::size_t count, CsvRecord& record) {
  record_bytes_ += count;
  if (record_bytes_ > kMaxRecordBytes) {
    record.error = "record longer than 1 MiB (is a quote unbalanced?)";
    stopped_ = true;
    return false;
  }
  return true;
}

bool CsvReader::add_byte(std::string& field, char byte, CsvRecord& record) {
  if (!count_bytes(1, record)) {
    return false;
  }
  field.push_back(byte);
  return true;
}

// Up to the next comma, quote or line break, copied a run of the chunk at a time.
bool CsvReader::read_plain(std::string& field, CsvRecord& record) {
  do {
    const char* run_end = pos_;
    while (run_end < end_ && *run_end != ',' && *run_end != '"' && *run_end != '\n' &&
           *run_end != '\r') {
      ++run_end;
    }
    const auto length = static_cast<std::size_t>(run_end - pos_);
    if (!count_bytes(length, record)) {
      return false;
    }
    field.append(pos_, length);
    pos_ = run_end;
  } while (pos_ == end_ && refill());
  return true;
}

// After the opening quote; consumes up to and including the closing quote.
bool CsvReader::read_quoted(std::string& field, CsvRecord& record) {
  const std::int64_t opened_on = line_;
  for (int c = get(); c != kEnd; c = get()) {
    if (c == '"') {
      if (peek() != '"') {
        return true;
      }
      get();
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && peek() == '\n') {
        get();
      }
      ++line_;
      c = '\n';
    }
    if (!add_byte(field, static_cast<char>(c), record)) {
      return false;
    }
  }
  record.error = "a quoted field opened on line " + std::to_string(opened_on) + " is never closed";
  stopped_ = true;
  return false;
}

void CsvReader::skip_byte_order_mark() {
  static constexpr int kMark[] = {0xEF, 0xBB, 0xBF};
  for (int expected : kMark) {
    if (peek() != expected) {
      return;  // bytes of a partial mark stay in prefix_: they are data
    }
    prefix_.push_back(static_cast<char>(get()));
  }
  prefix_.clear();
}

bool CsvReader::next(CsvRecord& record) {
  record.error.clear();
  if (stopped_) {
    record.fields.clear();
    return false;
  }
  if (!started_) {
    started_ = true;
    skip_byte_order_mark();
  }
  while (prefix_.empty() && (peek() == '\n' || peek() == '\r')) {
    skip_rest_of_line();
  }
  if (peek() == kEnd && prefix_.empty()) {
    record.fields.clear();
    return false;
  }
  record.line = line_;
  record_bytes_ = 0;
  record.fields.resize(read_fields(record));
  return true;
}

// Fills record.fields from the front, reusing the strings already there, and returns how
// many it completed (a field cut short by an error is not counted).
std::size_t CsvReader::read_fields(CsvRecord& record) {
  auto& fields = record.fields;
  std::size_t count = 0;
  const auto start_field = [&]() -> std::string& {
    if (count == fields.size()) {
      fields.emplace_back();
    }
    std::string& field = fields[count++];
    field.clear();
    return field;
  };
  std::string* field = &start_field();
  if (!prefix_.empty()) {  // bytes of a partial byte order mark are data
    field->assign(prefix_);
    prefix_.clear();
  }
  for (;;) {
    int c = peek();
    if (c == '"' && is_blank(*field)) {
      get();
      field->clear();
      if (!read_quoted(*field, record)) {
        return count - 1;
      }
      while (peek() == ' ' || peek() == '\t') {
        get();
      }
      c = peek();
      if (c != ',' && c != '\n' && c != '\r' && c != kEnd) {
        record.error =
            "unexpected text after a closing quote (double a quote inside a quoted "
            "field: \"\")";
        skip_rest_of_line();
        return count - 1;
      }
      continue;
    }
    if (c == ',') {
      get();
      field = &start_field();
      continue;
    }
    if (c == '\n' || c == '\r' || c == kEnd) {
      skip_rest_of_line();
      return count;
    }
    if (c == '"') {
      record.error =
          "a quote inside an unquoted field (quote the whole field and double the "
          "quote: \"\")";
      skip_rest_of_line();
      return count - 1;
    }
    if (!read_plain(*field, record)) {
      return count - 1;
    }
  }
}

}  // namespace certcron::reminders
