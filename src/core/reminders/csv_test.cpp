#include "core/reminders/csv.hpp"

#include <doctest/doctest.h>

#include <sstream>

using certcron::reminders::CsvReader;
using certcron::reminders::CsvRecord;

namespace {

std::vector<CsvRecord> read_all(const std::string& text) {
  std::istringstream in(text);
  CsvReader reader(in);
  std::vector<CsvRecord> records;
  CsvRecord record;
  while (reader.next(record)) {
    records.push_back(record);
  }
  return records;
}

}  // namespace

TEST_SUITE("reminders.csv") {
  TEST_CASE("quoted fields keep commas, doubled quotes and line breaks") {
    auto records = read_all("a,\"b, c\",\"say \"\"hi\"\"\"\n\"two\nlines\",x,\"\"\n");
    REQUIRE(records.size() == 2);
    CHECK(records[0].fields == std::vector<std::string>{"a", "b, c", "say \"hi\""});
    CHECK(records[1].fields == std::vector<std::string>{"two\nlines", "x", ""});
  }

  TEST_CASE("a record's line number is the file line where it starts, after multi-line fields") {
    auto records = read_all("h1,h2\n\"a\nb\nc\",1\nd,2\n\ne,\"3\r\n4\"\r\nf,5");
    REQUIRE(records.size() == 5);
    CHECK(records[0].line == 1);
    CHECK(records[1].line == 2);
    CHECK(records[1].fields[0] == "a\nb\nc");
    CHECK(records[2].line == 5);
    CHECK(records[3].line == 7);            // line 6 is blank
    CHECK(records[3].fields[1] == "3\n4");  // CRLF inside quotes kept as one line break
    CHECK(records[4].line == 9);
  }

  TEST_CASE("CRLF line ends and a final line without a line break are read") {
    auto records = read_all("a,b\r\nc,d\r\ne,f");
    REQUIRE(records.size() == 3);
    CHECK(records[1].fields == std::vector<std::string>{"c", "d"});
    CHECK(records[2].fields == std::vector<std::string>{"e", "f"});
    CHECK(records[2].line == 3);
  }

  TEST_CASE("a UTF-8 byte order mark is dropped from the first field") {
    auto records = read_all("\xEF\xBB\xBFmentor_id,name\n");
    REQUIRE(records.size() == 1);
    CHECK(records[0].fields[0] == "mentor_id");
  }

  TEST_CASE("spaces around a quoted field are allowed") {
    auto records = read_all("a,  \"b\"  ,c\n");
    REQUIRE(records.size() == 1);
    CHECK(records[0].error.empty());
    CHECK(records[0].fields == std::vector<std::string>{"a", "b", "c"});
  }

  TEST_CASE("a quote inside an unquoted field is an error of that record only") {
    auto records = read_all("a,b\"c,d\nnext,line\n");
    REQUIRE(records.size() == 2);
    CHECK(records[0].error.find("quote inside an unquoted field") != std::string::npos);
    CHECK(records[1].error.empty());
    CHECK(records[1].line == 2);
    CHECK(records[1].fields == std::vector<std::string>{"next", "line"});
  }

  TEST_CASE("text after a closing quote is an error") {
    auto records = read_all("\"a\"b,c\nx,y\n");
    REQUIRE(records.size() == 2);
    CHECK(records[0].error.find("after a closing quote") != std::string::npos);
    CHECK(records[1].fields == std::vector<std::string>{"x", "y"});
  }

  TEST_CASE("an unclosed quote names the line it was opened on and ends the reading") {
    std::istringstream in("a,b\nc,\"open\nmore\nlines\n");
    CsvReader reader(in);
    CsvRecord record;
    REQUIRE(reader.next(record));
    REQUIRE(reader.next(record));
    CHECK(record.line == 2);
    CHECK(record.error == "a quoted field opened on line 2 is never closed");
    CHECK(reader.stopped());
    CHECK_FALSE(reader.next(record));
  }

  TEST_CASE("a record over the size limit stops the reader instead of growing without bound") {
    std::string text = "a,\"";
    text.append(CsvReader::kMaxRecordBytes + 10, 'x');
    auto records = read_all(text);
    REQUIRE(records.size() == 1);
    CHECK(records[0].error.find("longer than 1 MiB") != std::string::npos);
  }
}

TEST_SUITE("reminders.csv") {
  TEST_CASE("one record read into again and again holds only its own fields") {
    std::istringstream in("a,b,c\nlonger than fifteen bytes,e\nf\n,,,\n\"q\"\"\",x\n");
    CsvReader reader(in);
    CsvRecord record;
    std::vector<std::vector<std::string>> seen;
    while (reader.next(record)) {
      seen.push_back(record.fields);
    }
    CHECK(seen == std::vector<std::vector<std::string>>{{"a", "b", "c"},
                                                        {"longer than fifteen bytes", "e"},
                                                        {"f"},
                                                        {"", "", "", ""},
                                                        {"q\"", "x"}});
  }

  TEST_CASE("fields that cross the reader's chunks of input are read whole") {
    std::string text;
    std::vector<std::vector<std::string>> expected;
    for (int i = 0; i < 20000; ++i) {
      const std::string id = "id-" + std::to_string(i * 7919);
      const std::string quoted = "say \"" + std::to_string(i) + "\",\nok";
      text += id + ",\"" + "say \"\"" + std::to_string(i) + "\"\",\nok" + "\"," +
              std::string(static_cast<std::size_t>(i % 13), 'x') + (i % 2 ? "\r\n" : "\n");
      expected.push_back({id, quoted, std::string(static_cast<std::size_t>(i % 13), 'x')});
    }
    REQUIRE(text.size() > 4 * 64 * 1024);
    auto records = read_all(text);
    REQUIRE(records.size() == expected.size());
    bool same = true;
    for (std::size_t i = 0; i < records.size() && same; ++i) {
      same = records[i].fields == expected[i] && records[i].error.empty() &&
             records[i].line == static_cast<std::int64_t>(2 * i + 1);
      if (!same) {
        FAIL_CHECK("record " << i << " differs");
      }
    }
  }
}
