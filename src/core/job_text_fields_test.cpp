// The text fields of a job (name, description, zone, cron expression): valid UTF-8 without
// control characters, a name that shows something and is at most 255 characters, checked in
// validate_definition, which create, update and sync all go through.

#include "core/job_service.hpp"
#include "core/sync.hpp"

#include "unit/service_fixture.hpp"

#include <string>
#include <vector>

namespace certcron {
namespace {

using namespace std::string_literals;

JobDefinition nightly(std::string name) {
  JobDefinition definition;
  definition.name = std::move(name);
  definition.cron_expression = "0 2 * * *";
  definition.server_timezone = "UTC";
  return definition;
}

// The messages for `field`, or none when the definition is valid.
std::vector<std::string> errors_for(const JobDefinition& definition, const std::string& field) {
  auto valid = validate_definition(definition);
  if (valid) {
    return {};
  }
  auto found = valid.error().fields.find(field);
  return found == valid.error().fields.end() ? std::vector<std::string>{} : found->second;
}

using Messages = std::vector<std::string>;

}  // namespace

TEST_SUITE("core.job_text_fields") {
  TEST_CASE("a name that is not UTF-8 is named with the first bad byte, counted from 1") {
    CHECK(errors_for(nightly("abc\x80" "def"), "name") ==
          Messages{"The name is not valid UTF-8 (byte 4)."});
    CHECK(errors_for(nightly("\xC0\xAF"), "name") ==
          Messages{"The name is not valid UTF-8 (byte 1)."});           // overlong '/'
    CHECK(errors_for(nightly("ab\xED\xA0\x80"), "name") ==
          Messages{"The name is not valid UTF-8 (byte 3)."});           // a surrogate
    CHECK(errors_for(nightly("ab\xF4\x90\x80\x80"), "name") ==
          Messages{"The name is not valid UTF-8 (byte 3)."});           // past U+10FFFF
    CHECK(errors_for(nightly("nightly \xE2\x98"), "name") ==
          Messages{"The name is not valid UTF-8 (byte 9)."});           // cut short
  }

  TEST_CASE("a name with a control character, C1 and DEL included, is refused") {
    CHECK(errors_for(nightly("a\tb"), "name") ==
          Messages{"The name may not contain control characters (U+0009 at byte 2)."});
    CHECK(errors_for(nightly("line\n"), "name") ==
          Messages{"The name may not contain control characters (U+000A at byte 5)."});
    CHECK(errors_for(nightly("a\x7F"), "name") ==
          Messages{"The name may not contain control characters (U+007F at byte 2)."});
    CHECK(errors_for(nightly("a\xC2\x9B" "31m"), "name") ==
          Messages{"The name may not contain control characters (U+009B at byte 2)."});
  }

  TEST_CASE("a blank name is refused; an empty one is missing") {
    CHECK(errors_for(nightly(" "), "name") == Messages{"The name may not be blank."});
    CHECK(errors_for(nightly("   "), "name") == Messages{"The name may not be blank."});
    CHECK(errors_for(nightly("\xC2\xA0\xE3\x80\x80"), "name") ==
          Messages{"The name may not be blank."});
    CHECK(errors_for(nightly(""), "name") == Messages{"The name field is required."});
    CHECK(errors_for(nightly(" nightly "), "name").empty());
  }

  TEST_CASE("a name is at most 255 characters, however many bytes they take") {
    CHECK(errors_for(nightly(std::string(255, 'n')), "name").empty());
    CHECK(errors_for(nightly(std::string(256, 'n')), "name") ==
          Messages{"The name may not be longer than 255 characters."});
    std::string accented;
    for (int i = 0; i < 255; ++i) {
      accented += "\xC3\xAB";  // ë: 510 bytes, 255 characters
    }
    CHECK(errors_for(nightly(accented), "name").empty());
    CHECK(errors_for(nightly(accented + "e"), "name") ==
          Messages{"The name may not be longer than 255 characters."});
  }

  TEST_CASE("a description may hold tabs and line feeds but no other control character") {
    JobDefinition definition = nightly("nightly");
    definition.description = "Remind mentors:\n\t30, 7 and 1 days before";
    CHECK(validate_definition(definition));
    definition.description = "Windows\r\nline";
    CHECK(errors_for(definition, "description") ==
          Messages{"The description may not contain control characters (U+000D at byte 8)."});
    definition.description = "caf\xE9";
    CHECK(errors_for(definition, "description") ==
          Messages{"The description is not valid UTF-8 (byte 4)."});
    definition.description = std::string(2000, 'd');
    CHECK(validate_definition(definition));
    definition.description += "d";
    CHECK(errors_for(definition, "description") ==
          Messages{"The description may not be longer than 2000 characters."});
  }

  TEST_CASE("a zone or cron expression that is not text is named as such, not looked up") {
    JobDefinition definition = nightly("nightly");
    definition.server_timezone = "Europe/Br\xFCssel";
    CHECK(errors_for(definition, "server_timezone") ==
          Messages{"The server timezone is not valid UTF-8 (byte 10)."});
    CHECK(errors_for(definition, "cron_expression").empty());  // still read, in UTC
    definition = nightly("nightly");
    definition.cron_expression = "0 2 * * *\x01";
    CHECK(errors_for(definition, "cron_expression") ==
          Messages{"The cron expression may not contain control characters (U+0001 at byte 10)."});
  }

  TEST_CASE("create and update store nothing when a text field is bad") {
    testing::ServiceFixture fx;
    JobService service(*fx.jobs, fx.clock, nullptr, {});
    auto created = service.create(nightly("abc\x80" "def"));
    REQUIRE_FALSE(created);
    CHECK(created.error().kind == ErrorKind::validation);
    CHECK(fx.db->execAndGet("SELECT count(*) FROM jobs").getInt() == 0);

    REQUIRE(service.create(nightly("nightly")));
    for (const std::string& bad : {" "s, "abc\x80" "def"s, "a\x1b" "b"s, std::string(256, 'x')}) {
      JobChanges changes;
      changes.name = bad;
      auto updated = service.update("nightly", changes);
      REQUIRE_FALSE(updated);
      CHECK(updated.error().kind == ErrorKind::validation);
      CHECK(updated.error().fields.count("name") == 1);
    }
    JobChanges description;
    description.description = "bad\x07";
    CHECK_FALSE(service.update("nightly", description));
    auto kept = fx.jobs->find_job("nightly");
    REQUIRE(kept);
    REQUIRE(kept->has_value());
    CHECK((*kept)->definition.description.empty());
  }

  TEST_CASE("a sync with one bad entry names it and plans nothing") {
    std::vector<CreateJobRequest> entries(2);
    entries[0].name = "good";
    entries[0].cron_expression = "0 2 * * *";
    entries[1].name = "bad\xFF";
    entries[1].cron_expression = "0 3 * * *";
    auto definitions = sync_definitions(entries, "UTC");
    REQUIRE_FALSE(definitions);
    CHECK(definitions.error().fields ==
          FieldErrors{{"cron_checks.1.name", {"The name is not valid UTF-8 (byte 4)."}}});
  }
}

}  // namespace certcron
