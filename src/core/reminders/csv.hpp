#pragma once

// A streaming RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.
// Records are read one at a time, so memory stays bounded by the longest record, whatever
// the size of the file.

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::reminders {

struct CsvRecord {
  std::vector<std::string> fields;
  std::int64_t line = 0;  // the file's line number where the record starts (from 1)
  std::string error;      // a syntax error in this record (the rest of it was skipped)
};

class CsvReader {
 public:
  // A record longer than this is reported and ends the reading: past it, the reader could
  // not find where the next record starts (typically an unbalanced quote).
  static constexpr std::size_t kMaxRecordBytes = std::size_t{1} << 20;

  explicit CsvReader(std::istream& in);

  // Reads the next record; false at the end of the input. Blank lines are skipped. Line
  // breaks inside quoted fields are kept as "\n" whatever the file used (CRLF or LF). A UTF-8
  // byte order mark at the start of the input is dropped. The strings of `record` are reused:
  // reading into the same record again allocates nothing once its fields are long enough.
  bool next(CsvRecord& record);

  // Set once the reader stopped early (see kMaxRecordBytes); next() then returns false.
  bool stopped() const { return stopped_; }

 private:
  static constexpr std::size_t kChunkBytes = 64 * 1024;

  bool refill();
  int get() { return pos_ < end_ || refill() ? static_cast<unsigned char>(*pos_++) : -1; }
  int peek() { return pos_ < end_ || refill() ? static_cast<unsigned char>(*pos_) : -1; }
  void skip_rest_of_line();
  bool read_quoted(std::string& field, CsvRecord& record);
  std::size_t read_fields(CsvRecord& record);
  bool read_plain(std::string& field, CsvRecord& record);
  bool add_byte(std::string& field, char byte, CsvRecord& record);
  bool count_bytes(std::size_t count, CsvRecord& record);

  void skip_byte_order_mark();

  // Read in chunks through sgetn rather than a byte at a time through the stream buffer, so
  // that a run of plain bytes is found and copied at once.
  std::streambuf* buffer_;
  std::unique_ptr<char[]> chunk_;
  const char* pos_ = nullptr;
  const char* end_ = nullptr;
  std::string prefix_;
  std::int64_t line_ = 1;
  std::size_t record_bytes_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace certcron::reminders
