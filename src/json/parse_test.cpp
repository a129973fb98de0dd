#include "json/parse.hpp"

#include <doctest/doctest.h>

#include <string>

namespace certcron::json {
namespace {

const std::string kNotJson = "The request body is not valid JSON.";

// The error's one field and its one message, or the usage message.
std::string error_of(std::string_view text) {
  auto parsed = parse_client_json(text, kNotJson);
  if (parsed) {
    return "parsed";
  }
  const Error& error = parsed.error();
  if (error.kind == ErrorKind::usage) {
    return "usage: " + error.message;
  }
  REQUIRE(error.kind == ErrorKind::validation);
  REQUIRE(error.fields.size() == 1);
  REQUIRE(error.fields.begin()->second.size() == 1);
  return error.fields.begin()->first + ": " + error.fields.begin()->second.front();
}

}  // namespace

TEST_SUITE("json.parse") {
  TEST_CASE("JSON is parsed as it is, escaped control characters included (the core judges them)") {
    auto parsed = parse_client_json(R"({"name":"a\u0007b","n":[1,{"x":null}]})", kNotJson);
    REQUIRE(parsed);
    CHECK((*parsed)["name"] == "a\x07" "b");
  }

  TEST_CASE("a byte that is not UTF-8 in a value names the field and the byte in the value") {
    CHECK(error_of("{\"name\":\"abc\x80" "def\"}") ==
          "name: The name is not valid UTF-8 (byte 4).");
    CHECK(error_of("{\"cron_expression\":\"0 2 * * *\",\"server_timezone\":\"Europe/Br\xFCssel\"}") ==
          "server_timezone: The server timezone is not valid UTF-8 (byte 10).");
    CHECK(error_of("{\"name\":\"\xC0\xAF\"}") == "name: The name is not valid UTF-8 (byte 1).");
    CHECK(error_of("{\"name\":\"ab\xED\xA0\x80\"}") == "name: The name is not valid UTF-8 (byte 3).");
    CHECK(error_of("{\"name\":\"ab\xE2\x98\"}") == "name: The name is not valid UTF-8 (byte 3).");
  }

  TEST_CASE("the byte is counted in the decoded value, after escapes") {
    // "\"q\"\t" decodes to 4 bytes, so the bad byte is the 5th.
    CHECK(error_of("{\"description\":\"\\\"q\\\"\\t\xFF\"}") ==
          "description: The description is not valid UTF-8 (byte 5).");
    CHECK(error_of("{\"name\":\"\\u00e9\xFF\"}") == "name: The name is not valid UTF-8 (byte 3).");
  }

  TEST_CASE("an unpaired surrogate escape is not UTF-8 either") {
    CHECK(error_of(R"({"name":"ab\ud800"})") == "name: The name is not valid UTF-8 (byte 3).");
    CHECK(error_of(R"({"name":"ab\ud800\u0041"})") ==
          "name: The name is not valid UTF-8 (byte 3).");
    CHECK(error_of(R"({"name":"\ud83d\ude42x\udc00"})") ==
          "name: The name is not valid UTF-8 (byte 6).");
    CHECK(error_of(R"({"name":"\ud83d\ude42"})") == "parsed");
  }

  TEST_CASE("a raw control character in a value names the field") {
    CHECK(error_of("{\"name\":\"ab\x01\"}") ==
          "name: The name may not contain control characters (U+0001 at byte 3).");
    CHECK(error_of("{\"description\":\"line\nline\"}") ==
          "description: The description may not contain control characters (U+000A at byte 5).");
  }

  TEST_CASE("in a sync document the path names the entry") {
    CHECK(error_of("{\"cron_checks\":[{\"name\":\"ok\"},{\"enabled\":true,\"name\":\"x\xFF\"}]}") ==
          "cron_checks.1.name: The name is not valid UTF-8 (byte 2).");
    CHECK(error_of("{\"cron_checks\":[[],{\"a\":[1,2]},\"\xFF\"]}") ==
          "cron_checks.2: The value is not valid UTF-8 (byte 1).");
  }

  TEST_CASE("anything else is not JSON: a syntax error, or a bad byte outside a value") {
    CHECK(error_of("{\"name\":") == "usage: " + kNotJson);
    CHECK(error_of("{\"name\" \"x\"}") == "usage: " + kNotJson);
    CHECK(error_of("{\"na\xFFme\":\"x\"}") == "usage: " + kNotJson);  // in a key
    CHECK(error_of("\"\xFF\"") == "usage: " + kNotJson);              // not in an object
    CHECK(error_of("{\"name\":\"a\\x\"}") == "usage: " + kNotJson);   // a bad escape
    CHECK(error_of("") == "usage: " + kNotJson);
    CHECK(error_of("{\"a\":1} \xFF") == "usage: " + kNotJson);
  }
}

}  // namespace certcron::json
