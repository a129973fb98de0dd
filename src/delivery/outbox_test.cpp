#include "delivery/outbox.hpp"

#include "core/reminders/message_test_support.hpp"
#include "core/reminders/expiry_check.hpp"
#include "store/reminder_test_support.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <algorithm>
#include <map>

using namespace certcron::reminders;
using certcron::delivery::outbox_file_name;
using certcron::delivery::OutboxDelivery;
using testing::ScratchDir;

namespace {

certcron::Seconds instant(const char* text) {
  return *certcron::util::parse_rfc3339(text);
}

std::vector<std::filesystem::path> files_in(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    files.push_back(entry.path());
  }
  std::ranges::sort(files);
  return files;
}

// Parses an .eml file back: unfolded headers by name, and the body.
struct ParsedMessage {
  std::map<std::string, std::string> headers;
  std::string body;
};

ParsedMessage parse(const std::string& text) {
  ParsedMessage parsed;
  const auto split = text.find("\r\n\r\n");
  REQUIRE(split != std::string::npos);
  std::string last;
  std::size_t pos = 0;
  while (pos < split) {
    auto end = text.find("\r\n", pos);
    const auto line = text.substr(pos, end - pos);
    pos = end + 2;
    if (line.starts_with(" ")) {
      parsed.headers[last] += line;
      continue;
    }
    const auto colon = line.find(": ");
    REQUIRE(colon != std::string::npos);
    last = line.substr(0, colon);
    CHECK(parsed.headers.count(last) == 0);  // no header twice
    parsed.headers[last] = line.substr(colon + 2);
  }
  parsed.body = text.substr(split + 4);
  return parsed;
}

Message sample(std::string id_suffix = "") {
  Message m = sample_message();
  m.message_id = make_message_id("m1", "First Aid" + id_suffix, "2026-04-10", 7);
  m.from = "office@example.org";
  m.body = "Hello Ana,\n";
  return m;
}

}  // namespace

TEST_SUITE("delivery.outbox") {
  TEST_CASE("a message becomes one .eml file named after its Message-ID, readable back") {
    ScratchDir dir;
    OutboxDelivery outbox(dir / "spool" / "outbox");  // created on first use
    const auto message = sample();
    REQUIRE(outbox.deliver(message).has_value());
    const auto files = files_in(dir / "spool" / "outbox");
    REQUIRE(files.size() == 1);
    CHECK(files[0].filename() == outbox_file_name(message.message_id));
    CHECK(files[0].filename().string() ==
          message.message_id.substr(1, message.message_id.size() - 2) + ".eml");
    const auto parsed = parse(testing::read_bytes(files[0]));
    CHECK(parsed.headers.at("From") == "office@example.org");
    CHECK(parsed.headers.at("To") == "Ana Lopez <ana@example.org>");
    CHECK(parsed.headers.at("Subject") == message.subject);
    CHECK(parsed.headers.at("Message-ID") == message.message_id);
    CHECK(parsed.headers.at("Date") == "Thu, 26 Mar 2026 10:05:00 +0000");
    CHECK(parsed.headers.at("Content-Type") == "text/plain; charset=utf-8");
    CHECK(parsed.body == "Hello Ana,\r\n");
    struct stat info {};
    REQUIRE(::stat(files[0].c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
  }

  TEST_CASE("delivering the same message again replaces the file instead of adding one") {
    ScratchDir dir;
    OutboxDelivery outbox(dir.path());
    auto message = sample();
    REQUIRE(outbox.deliver(message).has_value());
    message.body = "Second attempt\n";
    REQUIRE(outbox.deliver(message).has_value());
    REQUIRE(outbox.deliver(sample("-other")).has_value());
    const auto files = files_in(dir.path());
    CHECK(files.size() == 2);  // no temporary file left behind either
    CHECK(parse(testing::read_bytes(dir / outbox_file_name(message.message_id))).body ==
          "Second attempt\r\n");
  }

  TEST_CASE("an outbox that cannot be created is a delivery error") {
    ScratchDir dir;
    dir.write("occupied", "a file, not a folder");
    OutboxDelivery outbox(dir / "occupied" / "outbox");
    auto delivered = outbox.deliver(sample());
    REQUIRE_FALSE(delivered.has_value());
    CHECK(delivered.error().message.find("outbox") != std::string::npos);
  }

  TEST_CASE("file names keep only safe characters") {
    CHECK(outbox_file_name("<abc@certcron>") == "abc@certcron.eml");
    CHECK(outbox_file_name("<../../etc/passwd>") == "message.._.._etc_passwd.eml");
    CHECK(outbox_file_name("") == "message.eml");
  }

  TEST_CASE("the expiry check writes one parseable file per reminder into the outbox") {
    testing::TestDatabase t;
    REQUIRE(testing::import_text(t.store,
                                 "mentor_id,name,email,certification,expires_at\n"
                                 "m1,Zoë Ångström,zoe@example.org,First Aid,2026-03-31\n"
                                 "m2,Bo,bo@example.org,CPR,2026-03-02\n")
                .has_value());
    OutboxDelivery outbox(t.dir / "outbox");
    CheckOptions options;
    options.now = instant("2026-03-01T02:00:00Z");
    auto zone = certcron::schedule::TimeZone::locate("UTC");
    REQUIRE(zone.has_value());
    auto result = run_expiry_check(t.store, outbox, ReminderConfig{}, *zone, options);
    REQUIRE(result.has_value());
    CHECK(result->reminders_sent == 2);
    const auto files = files_in(t.dir / "outbox");
    REQUIRE(files.size() == 2);
    std::map<std::string, ParsedMessage> by_id;
    for (const auto& file : files) {
      auto parsed = parse(testing::read_bytes(file));
      CHECK(outbox_file_name(parsed.headers.at("Message-ID")) == file.filename().string());
      by_id[parsed.headers.at("Message-ID")] = parsed;
    }
    const auto& zoe = by_id.at(make_message_id("m1", "First Aid", "2026-03-31", 30));
    CHECK(zoe.headers.at("To").starts_with("=?UTF-8?B?"));
    CHECK(zoe.headers.at("To").ends_with("<zoe@example.org>"));
    CHECK(zoe.headers.at("Subject") == "Your First Aid certification expires on 2026-03-31");
    CHECK(zoe.body.find("Hello Zoë Ångström,") == 0);
    const auto& bo = by_id.at(make_message_id("m2", "CPR", "2026-03-02", 1));
    CHECK(bo.body.find("expires on 2026-03-02, tomorrow.") != std::string::npos);
    CHECK(bo.headers.at("From").starts_with("certcron@"));
  }
}
