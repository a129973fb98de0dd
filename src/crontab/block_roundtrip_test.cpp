// Generated crontabs with odd content: whatever surrounds our block must come out byte for
// byte as it went in, through install, update and removal.

#include "crontab/block.hpp"

#include <doctest/doctest.h>

#include <random>

using namespace certcron::crontab;

namespace {

constexpr std::string_view kOurs = "8f3a0c2e";

class TableGenerator {
 public:
  explicit TableGenerator(unsigned seed) : random_(seed) {}

  int pick(int below) { return std::uniform_int_distribution<int>(0, below - 1)(random_); }

  std::vector<ManagedEntry> entries() {
    std::vector<ManagedEntry> result;
    int count = 1 + pick(4);
    for (int i = 0; i < count; ++i) {
      std::string tag = "cron-00" + std::to_string(i + 1);
      result.push_back(
          {tag, std::to_string(pick(60)) + " " + std::to_string(pick(24)) + " * * *",
           "'/opt/cert cron/bin' --db '/var/100%/c.db' execute " + tag + " --scheduled"});
    }
    return result;
  }

  // Text around our block: whole lines, each with its own line end.
  std::string lines(int count) {
    std::string text;
    for (int i = 0; i < count; ++i) {
      text += line();
    }
    return text;
  }

  // One line, or a whole foreign block, always terminated.
  std::string line() {
    std::string end = pick(4) == 0 ? "\r\n" : "\n";
    switch (pick(12)) {
      case 0:
        return end;
      case 1:
        return "# a comment, with \xc3\xa9 and tabs\t" + end;
      case 2:
        return "MAILTO=\"ops@example.org\"" + end;
      case 3:
        return "SHELL=/bin/bash" + end;
      case 4:
        return "*/10 * * * * /usr/local/bin/sync --percent 50\\% >/dev/null 2>&1" + end;
      case 5:
        return "@reboot /usr/bin/start-thing" + end;
      case 6:
        return "   " + end;
      case 7:
        return "# BEGIN ANSIBLE MANAGED BLOCK" + end + "0 3 * * * ansible-job" + end +
               "# END ANSIBLE MANAGED BLOCK" + end;
      case 8:
        return foreign_block("other-db-" + std::to_string(pick(3)), end);
      case 9:
        return foreign_block(std::string(kOurs) + "-copy", end);  // our id as a prefix
      case 10:
        return "# BEGIN certcron" + end;  // no identity at all
      default:
        return "15 4 * * 1-5 echo '# END certcron " + std::string(kOurs) + "'" + end;
    }
  }

  // Drops the final line end half of the time.
  std::string maybe_unterminated(std::string text) {
    if (!text.empty() && text.back() == '\n' && pick(2) == 0) {
      text.pop_back();
      if (!text.empty() && text.back() == '\r' && pick(2) == 0) {
        text.pop_back();
      }
    }
    return text;
  }

 private:
  std::string foreign_block(const std::string& identity, const std::string& end) {
    auto block = render_block(identity, entries());
    std::string text = *block;
    if (end == "\r\n") {
      std::string crlf;
      for (char c : text) {
        crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
      }
      text = crlf;
    }
    return text;
  }

  std::mt19937 random_;
};

std::vector<std::string> other_identities() {
  return {"other-db-0", "other-db-1", "other-db-2", std::string(kOurs) + "-copy"};
}

std::string without_line_end(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

// Every other certcron block reads the same before and after (but for the newline added
// after one that ended the table without one).
void check_foreign_blocks_unchanged(const std::string& before, const std::string& after) {
  for (const auto& identity : other_identities()) {
    auto was = extract_block(before, identity);
    auto now = extract_block(after, identity);
    REQUIRE(was.has_value() == now.has_value());
    if (was.has_value() && was->has_value() && now->has_value()) {
      CHECK(without_line_end(**was) == without_line_end(**now));
    } else if (was.has_value()) {
      CHECK(was->has_value() == now->has_value());
    }
  }
}

}  // namespace

TEST_SUITE("crontab.block") {
  TEST_CASE(
      "500 generated tables keep every byte outside the block through install, update and "
      "removal") {
    for (unsigned seed = 1; seed <= 500; ++seed) {
      CAPTURE(seed);
      TableGenerator generate(seed);
      std::string head = generate.lines(generate.pick(6));
      bool has_block = generate.pick(2) == 0;
      std::string existing = has_block ? *render_block(kOurs, generate.entries()) : "";
      if (has_block && generate.pick(3) == 0 && !existing.empty()) {
        existing.pop_back();  // our END marker as the last line without a newline
      }
      std::string tail = existing.empty() || existing.back() == '\n'
                             ? generate.maybe_unterminated(generate.lines(generate.pick(6)))
                             : "";
      std::string table = head + existing + tail;
      if (!has_block) {
        table = generate.maybe_unterminated(table);
      }
      // Without a block the whole table comes before the new block; with one, head and tail
      // surround it.
      std::string outside_before = has_block ? head : table;
      std::string outside_after = has_block ? tail : "";
      std::string separator = !has_block && !table.empty() && table.back() != '\n' ? "\n" : "";

      std::string block = *render_block(kOurs, generate.entries());
      auto installed = splice_block(table, kOurs, block);
      REQUIRE(installed.has_value());
      CHECK(*installed == outside_before + separator + block + outside_after);
      CHECK(extract_block(*installed, kOurs)->value() == block);
      check_foreign_blocks_unchanged(table, *installed);

      auto again = splice_block(*installed, kOurs, block);
      CHECK(*again == *installed);

      std::string updated_block = *render_block(kOurs, generate.entries());
      auto updated = splice_block(*installed, kOurs, updated_block);
      CHECK(*updated == outside_before + separator + updated_block + outside_after);

      auto removed = splice_block(*updated, kOurs, "");
      REQUIRE(removed.has_value());
      CHECK(*removed == outside_before + separator + outside_after);
      CHECK_FALSE(extract_block(*removed, kOurs)->has_value());
      check_foreign_blocks_unchanged(table, *removed);
    }
  }

  TEST_CASE(
      "a table without our block and without new lines is returned unchanged, byte for byte") {
    for (unsigned seed = 1000; seed < 1200; ++seed) {
      CAPTURE(seed);
      TableGenerator generate(seed);
      std::string table = generate.maybe_unterminated(generate.lines(1 + generate.pick(8)));
      CHECK(*splice_block(table, kOurs, "") == table);
    }
  }

}  // TEST_SUITE
