#include "json/writer.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <random>
#include <string>
#include <vector>

using certcron::json::JsonWriter;

namespace {

std::string escaped(std::string_view text) {
  std::string out;
  JsonWriter(out).string(text);
  return out;
}

// What nlohmann's dump() writes for the same text (the shapes used to be written by it).
std::string dumped(std::string_view text) {
  return nlohmann::json(std::string(text)).dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::replace);
}

}  // namespace

TEST_SUITE("json.writer") {
  TEST_CASE("quotes, backslashes and the named control characters get their short escapes") {
    CHECK(escaped(R"(say "hi" \ bye)") == R"("say \"hi\" \\ bye")");
    CHECK(escaped("a\nb\rc\td\be\ff") == R"("a\nb\rc\td\be\ff")");
  }

  TEST_CASE("other control characters are written as lower-case \\u00XX, DEL and / as they are") {
    CHECK(escaped(std::string_view("\x00\x01\x1f", 3)) == R"("\u0000\u0001\u001f")");
    CHECK(escaped("\x7f/") == "\"\x7f/\"");
  }

  TEST_CASE("every byte value is escaped as nlohmann's dump escapes it") {
    for (int c = 0; c < 0x80; ++c) {
      const std::string text = "x" + std::string(1, static_cast<char>(c)) + "y";
      CAPTURE(c);
      CHECK(escaped(text) == dumped(text));
    }
  }

  TEST_CASE("every byte value at every place of a longer text is escaped as dump() does") {
    // Texts are scanned eight bytes at a time: the byte is put in each lane of two words, and
    // in the tail after them.
    for (int c = 0; c < 0x100; ++c) {
      for (std::size_t at = 0; at < 19; ++at) {
        std::string text(19, 'a');
        text[at] = static_cast<char>(c);
        CAPTURE(c);
        CAPTURE(at);
        CHECK(escaped(text) == dumped(text));
      }
    }
  }

  TEST_CASE("random texts of ASCII, UTF-8 and broken sequences are escaped as dump() does") {
    const std::vector<std::string> pieces = {
        "a", "Z", " ", "~", "\x7f", "\"", "\\", "\n", "\t", std::string(1, '\0'), "\x01", "\x1f",
        "é", "東", "😀", "\xC3", "\xE2\x82", "\xFF", "\xC0\xAF", "\xED\xA0\x80", "abcdefgh"};
    std::mt19937 random(20261130);
    for (int round = 0; round < 2000; ++round) {
      std::string text;
      const auto count = random() % 24;
      for (std::size_t i = 0; i < count; ++i) {
        text += pieces[random() % pieces.size()];
      }
      CAPTURE(text);
      CHECK(escaped(text) == dumped(text));
    }
  }

  TEST_CASE("UTF-8 passes through unchanged") {
    const std::string text = "Zürich – 東京 😀";
    CHECK(escaped(text) == "\"" + text + "\"");
    CHECK(escaped(text) == dumped(text));
  }

  TEST_CASE("bytes that are not UTF-8 become U+FFFD, so the output is still valid JSON") {
    const std::string replacement = "\xEF\xBF\xBD";
    CHECK(escaped("a\xFF" "b") == "\"a" + replacement + "b\"");
    CHECK(escaped("\xC3") == "\"" + replacement + "\"");             // cut short at the end
    CHECK(escaped("\xE2\x82" "x") == "\"" + replacement + "x\"");    // cut short mid-text
    CHECK(escaped("\xC0\xAF") == "\"" + replacement + replacement + "\"");  // overlong '/'
    CHECK(escaped("\xED\xA0\x80") ==                                 // a UTF-16 surrogate
          "\"" + replacement + replacement + replacement + "\"");
    for (const std::string text : {"a\xFF" "b", "\xC3", "\xE2\x82" "x", "\xC0\xAF", "\xF4\x90\x80\x80"}) {
      CAPTURE(text);
      CHECK(nlohmann::json::parse(escaped(text)).is_string());  // valid JSON: parse does not throw
      CHECK(escaped(text) == dumped(text));
    }
  }

  TEST_CASE("objects and arrays get their commas, with no spaces, as dump() writes them") {
    std::string out;
    JsonWriter json(out);
    json.begin_object();
    json.field("a", 1);
    json.key("list").begin_array();
    json.number(-2).boolean(true).null().string("x");
    json.begin_object().end_object();
    json.begin_array().end_array();
    json.end_array();
    json.field("nested", false);
    json.end_object();
    CHECK(out == R"({"a":1,"list":[-2,true,null,"x",{},[]],"nested":false})");
  }

  TEST_CASE("absent optional values and null text are null; present ones are their value") {
    std::string out;
    JsonWriter json(out);
    const char* no_text = nullptr;
    json.begin_object();
    json.field("none", std::optional<int>());
    json.field("some", std::optional<int>(7));
    json.field("no_text", no_text);
    json.field("text", std::optional<std::string_view>("t"));
    json.field("nothing", nullptr);
    json.field("big", std::int64_t{9007199254740993});
    json.end_object();
    CHECK(out == R"({"none":null,"some":7,"no_text":null,"text":"t","nothing":null,"big":9007199254740993})");
  }

  TEST_CASE("keys are escaped like strings") {
    std::string out;
    JsonWriter(out).begin_object().field("a\"b", "c").end_object();
    CHECK(out == R"({"a\"b":"c"})");
    static_assert(!certcron::json::Key("a\"b").plain() && certcron::json::Key("ab").plain());
    out.clear();
    const std::string name = "line\nbreak";
    JsonWriter(out).begin_object().field(certcron::json::Key(name), 1).end_object();
    CHECK(out == R"({"line\nbreak":1})");
  }

  TEST_CASE("instants are RFC 3339 in UTC with four-digit years, padded") {
    using namespace std::chrono;
    std::string out;
    JsonWriter json(out);
    json.begin_array();
    json.instant(sys_days{year{2026} / 3 / 5} + hours{2} + minutes{4} + seconds{9});
    json.instant(sys_seconds{});
    json.instant(sys_days{year{9} / 12 / 31} + hours{23} + minutes{59} + seconds{59});
    json.end_array();
    CHECK(out == R"(["2026-03-05T02:04:09Z","1970-01-01T00:00:00Z","0009-12-31T23:59:59Z"])");
  }

  TEST_CASE("one string can be written from parts, each part escaped") {
    std::string out;
    JsonWriter(out).string_parts({"http://h", "/ping/", "u\"1"});
    CHECK(out == R"("http://h/ping/u\"1")");
  }
}
