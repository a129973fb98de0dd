#include "delivery/command.hpp"

#include "core/reminders/expiry_check.hpp"
#include "core/reminders/message_test_support.hpp"
#include "store/reminder_test_support.hpp"
#include "util/time.hpp"

#include <doctest/doctest.h>

using namespace certcron::reminders;
using certcron::delivery::CommandDelivery;
using testing::ScratchDir;

namespace {

constexpr auto kExecutable = std::filesystem::perms::owner_all;

Message sample(const std::string& email = "ana@example.org") {
  Message m = sample_message();
  m.from.clear();
  m.to_email = email;
  m.subject = "Reminder";
  return m;
}

std::string quoted(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

}  // namespace

TEST_SUITE("delivery.command") {
  TEST_CASE("a real script receives the message on stdin with LF line ends") {
    ScratchDir dir;
    const auto script = dir.write("deliver.sh",
                                  "#!/bin/sh\n"
                                  "cat > \"$1/message.txt\"\n"
                                  "printf '%s %s' \"$CERTCRON_MESSAGE_ID\" \"$CERTCRON_RECIPIENT\" "
                                  "> \"$1/env.txt\"\n",
                                  kExecutable);
    CommandDelivery command(quoted(script) + " " + quoted(dir.path()), std::chrono::seconds{10});
    const auto message = sample();
    REQUIRE(command.deliver(message).has_value());
    const auto received = testing::read_bytes(dir / "message.txt");
    CHECK(received == render_rfc5322(message, LineEnding::lf));
    CHECK(received.find("\nTo: Ana Lopez <ana@example.org>\n") != std::string::npos);
    CHECK(received.ends_with("\n\nHello Ana,\nRenew soon.\n"));
    CHECK(testing::read_bytes(dir / "env.txt") == message.message_id + " ana@example.org");
  }

  TEST_CASE("a non-zero exit is a failure naming the status and the program's complaint") {
    ScratchDir dir;
    const auto script = dir.write(
        "fail.sh", "#!/bin/sh\ncat > /dev/null\necho 'mailbox full' >&2\nexit 3\n", kExecutable);
    CommandDelivery command(quoted(script), std::chrono::seconds{10});
    auto delivered = command.deliver(sample());
    REQUIRE_FALSE(delivered.has_value());
    CHECK(delivered.error().message ==
          "the delivery command `" + quoted(script) + "` exited with status 3: mailbox full");
  }

  TEST_CASE("a command that outlives its timeout is killed and fails") {
    CommandDelivery command("sleep 20", std::chrono::seconds{1});
    const auto start = std::chrono::steady_clock::now();
    auto delivered = command.deliver(sample());
    REQUIRE_FALSE(delivered.has_value());
    CHECK(delivered.error().message.find("timed out") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{10});
  }

  TEST_CASE("the expiry check counts a failing command as an error and retries it next run") {
    testing::TestDatabase t;
    REQUIRE(testing::import_text(t.store,
                                 "mentor_id,name,email,certification,expires_at\n"
                                 "m1,Ana,ana@example.org,First Aid,2026-03-31\n"
                                 "m2,Bo,bo@example.org,CPR,2026-03-02\n")
                .has_value());
    const auto flag = t.dir / "bo-refused";
    const auto script =
        t.dir.write("deliver.sh",
                    "#!/bin/sh\n"
                    "if [ \"$CERTCRON_RECIPIENT\" = bo@example.org ] && [ -e \"$1\" ]; "
                    "then echo 'no such user' >&2; exit 67; fi\n"
                    "cat >> \"$2\"\n",
                    kExecutable);
    t.dir.write("bo-refused", "");
    CommandDelivery command(quoted(script) + " " + quoted(flag) + " " + quoted(t.dir / "mbox"),
                            std::chrono::seconds{10});
    auto zone = certcron::schedule::TimeZone::locate("Europe/Brussels");
    REQUIRE(zone.has_value());
    CheckOptions options;
    options.now = *certcron::util::parse_rfc3339("2026-03-01T02:00:00Z");
    auto first = run_expiry_check(t.store, command, ReminderConfig{}, *zone, options);
    REQUIRE(first.has_value());
    CHECK(first->reminders_sent == 1);
    CHECK(first->errors == 1);
    CHECK(t.count("SELECT count(*) FROM reminder_ledger") == 1);
    std::filesystem::remove(flag);
    auto second = run_expiry_check(t.store, command, ReminderConfig{}, *zone, options);
    REQUIRE(second.has_value());
    CHECK(second->reminders_sent == 1);
    CHECK(second->errors == 0);
    const auto mbox = testing::read_bytes(t.dir / "mbox");
    CHECK(mbox.find("To: Ana <ana@example.org>") != std::string::npos);
    CHECK(mbox.find("To: Bo <bo@example.org>") != std::string::npos);
  }
}
