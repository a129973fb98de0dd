#include "crontab/block.hpp"

#include <doctest/doctest.h>

using namespace certcron::crontab;

namespace {

const std::vector<ManagedEntry> kTwoEntries = {
    {"cron-001", "0 2 * * *", "'/usr/bin/certcron' --db '/d/c.db' execute cron-001 --scheduled"},
    {"monitor", "*/5 * * * *", "'/usr/bin/certcron' --db '/d/c.db' check --quiet"},
};

std::string block_of(std::string_view identity, const std::vector<ManagedEntry>& entries) {
  auto block = render_block(identity, entries);
  REQUIRE(block.has_value());
  return *block;
}

}  // namespace

TEST_SUITE("crontab.block") {
  TEST_CASE("the block has the documented markers and one tagged line per entry") {
    std::string expected =
        "# BEGIN certcron db-1 \xe2\x80\x94 managed by certcron; edit with `certcron`, not by "
        "hand\n"
        "0 2 * * * '/usr/bin/certcron' --db '/d/c.db' execute cron-001 --scheduled  # "
        "certcron:cron-001\n"
        "*/5 * * * * '/usr/bin/certcron' --db '/d/c.db' check --quiet  # certcron:monitor\n"
        "# END certcron db-1\n";
    CHECK(block_of("db-1", kTwoEntries) == expected);
  }

  TEST_CASE("a cron.d block carries the user column after the time fields") {
    auto block = render_block("db-1", {kTwoEntries[0]}, "root");
    REQUIRE(block.has_value());
    CHECK(block->find("\n0 2 * * * root '/usr/bin/certcron'") != std::string::npos);
  }

  TEST_CASE("no entries render no block at all") {
    CHECK(block_of("db-1", {}).empty());
  }

  TEST_CASE("a percent sign in a command is escaped, since cron reads it as a newline") {
    auto block = block_of("db", {{"cron-001", "0 2 * * *", "'/srv/100%/certcron' check"}});
    CHECK(block.find("'/srv/100\\%/certcron' check") != std::string::npos);
  }

  TEST_CASE("a field with a line break or an identity with a space is refused") {
    CHECK_FALSE(render_block("db", {{"cron-001", "0 2 * * *", "a\nb"}}).has_value());
    CHECK_FALSE(render_block("db", {{"cron-001", "0 2\r * * *", "a"}}).has_value());
    CHECK_FALSE(render_block("db", {{"cron-001", "0 2 * * *", ""}}).has_value());
    CHECK_FALSE(render_block("two words", kTwoEntries).has_value());
    CHECK_FALSE(render_block("", kTwoEntries).has_value());
  }

  TEST_CASE("the block is appended to a table without one, after a newline when missing") {
    std::string block = block_of("db", kTwoEntries);
    CHECK(*splice_block("", "db", block) == block);
    CHECK(*splice_block("MAILTO=a\n", "db", block) == "MAILTO=a\n" + block);
    CHECK(*splice_block("MAILTO=a", "db", block) == "MAILTO=a\n" + block);
    CHECK(*splice_block("MAILTO=a\r\n", "db", block) == "MAILTO=a\r\n" + block);
  }

  TEST_CASE("an existing block is replaced in place, the lines around it untouched") {
    std::string old_block = block_of("db", kTwoEntries);
    std::string new_block = block_of("db", {kTwoEntries[1]});
    std::string before = "# mine\n1 1 * * * backup\n";
    std::string after = "\n2 2 * * * other\n# trailing, no newline";
    auto spliced = splice_block(before + old_block + after, "db", new_block);
    REQUIRE(spliced.has_value());
    CHECK(*spliced == before + new_block + after);
  }

  TEST_CASE("an empty block removes the existing one and only it") {
    std::string block = block_of("db", kTwoEntries);
    std::string other = block_of("other-db", kTwoEntries);
    std::string text = "A=1\n" + other + block + "# end\n";
    CHECK(*splice_block(text, "db", "") == "A=1\n" + other + "# end\n");
    CHECK(*splice_block("A=1\n", "db", "") == "A=1\n");
  }

  TEST_CASE("an END marker that is the last line without a newline is replaced whole") {
    std::string block = block_of("db", kTwoEntries);
    std::string text = "X=1\n" + block.substr(0, block.size() - 1);
    CHECK(*splice_block(text, "db", block) == "X=1\n" + block);
    CHECK(*splice_block(text, "db", "") == "X=1\n");
  }

  TEST_CASE("markers edited to CRLF line ends are still found") {
    std::string text = "# BEGIN certcron db\r\n1 * * * * x\r\n# END certcron db\r\nY=2\r\n";
    auto location = locate_block(text, "db");
    REQUIRE(location.has_value());
    REQUIRE(location->has_value());
    CHECK((*location)->begin_line == 1);
    CHECK((*location)->end_line == 3);
    CHECK(*splice_block(text, "db", "") == "Y=2\r\n");
  }

  TEST_CASE("another database's block, including one whose identity extends ours, is not ours") {
    std::string theirs = block_of("db-longer", kTwoEntries) + block_of("db2", kTwoEntries);
    auto location = locate_block(theirs, "db");
    REQUIRE(location.has_value());
    CHECK_FALSE(location->has_value());
    std::string ours = block_of("db", {kTwoEntries[0]});
    CHECK(*splice_block(theirs, "db", ours) == theirs + ours);
  }

  TEST_CASE("extract_block returns the installed block verbatim, or nothing") {
    std::string block = block_of("db", kTwoEntries);
    auto found = extract_block("A=1\n" + block + "B=2\n", "db");
    REQUIRE(found.has_value());
    CHECK(found->value() == block);
    CHECK_FALSE(extract_block("A=1\n", "db")->has_value());
  }

  TEST_CASE("damaged markers are refused with the line numbers") {
    std::string begin = begin_marker("db") + "\n";
    std::string end = end_marker("db") + "\n";
    std::string line = "1 * * * * x\n";
    struct Case {
      std::string text;
      std::string says;
    };
    std::vector<Case> cases = {
        {"A=1\n" + begin + line, "BEGIN marker on line 2 has no END marker"},
        {line + end, "END marker on line 2 has no BEGIN marker"},
        {end + line + begin, "END marker on line 1 comes before the BEGIN marker on line 3"},
        {begin + line + end + begin + end, "BEGIN marker repeated on lines 1, 4"},
        {begin + end + end, "END marker repeated on lines 2, 3"},
        {begin + begin_marker("db2") + "\n" + end + end_marker("db2") + "\n",
         "line 2 inside the block is another certcron block's marker"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.text);
      auto location = locate_block(c.text, "db");
      REQUIRE_FALSE(location.has_value());
      CHECK(location.error().kind == certcron::ErrorKind::failed);
      CHECK(location.error().message.find(c.says) != std::string::npos);
      CHECK_FALSE(splice_block(c.text, "db", block_of("db", kTwoEntries)).has_value());
      CHECK_FALSE(splice_block(c.text, "db", "").has_value());
    }
  }

  TEST_CASE("a marker needs a space or the line end after the identity") {
    std::string text = "# BEGIN certcron dbx\n# END certcron db\tx\n";
    auto location = locate_block(text, "db");
    REQUIRE(location.has_value());
    CHECK_FALSE(location->has_value());
  }

}  // TEST_SUITE
