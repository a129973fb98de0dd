#include "util/utf8.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace certcron::util {
namespace {

using namespace std::string_view_literals;

// An encoder that knows nothing of the rules: any value up to 0x1FFFFF in `length` bytes, so
// that overlong forms, surrogates and values past U+10FFFF can be written too.
std::string encode(std::uint32_t code, int length) {
  std::string out;
  if (length == 1) {
    out += static_cast<char>(code);
    return out;
  }
  const unsigned lead_bits[] = {0, 0, 0xC0, 0xE0, 0xF0};
  out += static_cast<char>(lead_bits[length] | (code >> (6 * (length - 1))));
  for (int k = length - 2; k >= 0; --k) {
    out += static_cast<char>(0x80 | ((code >> (6 * k)) & 0x3F));
  }
  return out;
}

// The shortest encoding of a scalar value.
std::string encode(std::uint32_t code) {
  return encode(code, code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4);
}

std::string hex(std::uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "%X", static_cast<unsigned>(value));
  return text;
}

// A second, differently built judge: decode by the bit patterns, then reject what the value
// rules out (overlong, surrogate, past U+10FFFF).
bool reference_valid(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (b < 0x80) {
      ++i;
      continue;
    }
    if ((b & 0xE0) == 0xC0) {
      length = 2;
      code = b & 0x1Fu;
    } else if ((b & 0xF0) == 0xE0) {
      length = 3;
      code = b & 0x0Fu;
    } else if ((b & 0xF8) == 0xF0) {
      length = 4;
      code = b & 0x07u;
    } else {
      return false;
    }
    if (i + length > text.size()) {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) {
        return false;
      }
      code = (code << 6) | (c & 0x3Fu);
    }
    static constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

TEST_SUITE("util.utf8") {
  TEST_CASE("every scalar value in its shortest form is valid; every surrogate is not") {
    for (std::uint32_t code = 0; code <= 0x10FFFF; ++code) {
      const std::string text = encode(code);
      const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
      if (is_valid_utf8(text) == surrogate) {
        FAIL("U+" << hex(code) << (surrogate ? " accepted" : " rejected"));
      }
    }
  }

  TEST_CASE("every value in a longer form than it needs (overlong) is rejected at byte 1") {
    for (std::uint32_t code = 0; code < 0x10000; ++code) {
      const int shortest = code < 0x80 ? 1 : code < 0x800 ? 2 : 3;
      for (int length = shortest + 1; length <= 4; ++length) {
        if (find_invalid_utf8(encode(code, length)) != std::size_t{0}) {
          FAIL("overlong U+" << hex(code) << " in " << length << " bytes accepted");
        }
      }
    }
    CHECK(find_invalid_utf8("\xC0\xAF") == 0u);  // the classic overlong '/'
    CHECK(find_invalid_utf8("\xE0\x80\xAF") == 0u);
    CHECK(find_invalid_utf8("\xF0\x80\x80\xAF") == 0u);
    CHECK(find_invalid_utf8("\xC1\xBF") == 0u);
  }

  TEST_CASE("values past U+10FFFF and the bytes F5..FF are rejected") {
    for (std::uint32_t code = 0x110000; code <= 0x1FFFFF; code += 0x101) {
      if (is_valid_utf8(encode(code, 4))) {
        FAIL("U+" << hex(code) << " accepted");
      }
    }
    CHECK_FALSE(is_valid_utf8(encode(0x110000, 4)));
    CHECK(is_valid_utf8(encode(0x10FFFF, 4)));
    for (unsigned byte = 0xF5; byte <= 0xFF; ++byte) {
      CHECK_FALSE(is_valid_utf8(std::string(1, static_cast<char>(byte)) + "\x80\x80\x80"));
    }
  }

  TEST_CASE("every string of one, two and three bytes is judged as the reference judges it") {
    std::string text(1, '\0');
    for (unsigned a = 0; a < 256; ++a) {
      text[0] = static_cast<char>(a);
      REQUIRE(is_valid_utf8(text) == reference_valid(text));
    }
    text.assign(2, '\0');
    for (unsigned a = 0; a < 256; ++a) {
      for (unsigned b = 0; b < 256; ++b) {
        text[0] = static_cast<char>(a);
        text[1] = static_cast<char>(b);
        if (is_valid_utf8(text) != reference_valid(text)) {
          FAIL("disagree on " << hex(a) << " " << hex(b));
        }
      }
    }
    text.assign(3, '\0');
    for (unsigned a = 0x80; a < 256; ++a) {  // an ASCII first byte leaves a two-byte string
      for (unsigned b = 0; b < 256; ++b) {
        for (unsigned c = 0; c < 256; ++c) {
          text[0] = static_cast<char>(a);
          text[1] = static_cast<char>(b);
          text[2] = static_cast<char>(c);
          if (is_valid_utf8(text) != reference_valid(text)) {
            FAIL("disagree on " << hex(a) << " " << hex(b) << " " << hex(c));
          }
        }
      }
    }
  }

  TEST_CASE("every four-byte lead and second byte, with continuations and cut short") {
    std::string text(4, '\x80');
    for (unsigned a = 0x80; a < 256; ++a) {
      for (unsigned b = 0; b < 256; ++b) {
        for (unsigned tail : {0x00u, 0x41u, 0x80u, 0xBFu, 0xC0u}) {
          text[0] = static_cast<char>(a);
          text[1] = static_cast<char>(b);
          text[2] = static_cast<char>(tail);
          text[3] = static_cast<char>(tail);
          if (is_valid_utf8(text) != reference_valid(text)) {
            FAIL("disagree on " << hex(a) << " " << hex(b) << " " << hex(tail));
          }
        }
      }
    }
  }

  TEST_CASE("a sequence cut short is found, at its first byte, wherever it is") {
    const std::string snowman = "\xE2\x98\x83";
    const std::string smile = "\xF0\x9F\x99\x82";
    CHECK(find_invalid_utf8(snowman.substr(0, 1)) == 0u);
    CHECK(find_invalid_utf8(snowman.substr(0, 2)) == 0u);
    CHECK(find_invalid_utf8("ab" + smile.substr(0, 3)) == 2u);
    CHECK(find_invalid_utf8("ab" + smile.substr(0, 3) + "cd") == 2u);
    CHECK(find_invalid_utf8("abc\x80" "def") == 3u);
    CHECK(find_invalid_utf8(snowman + "\xC3") == 3u);
    CHECK(find_invalid_utf8("caf\xE9") == 3u);  // Latin-1, not UTF-8
    CHECK(find_invalid_utf8("") == std::nullopt);
    CHECK(find_invalid_utf8("Zo\xC3\xAB \xC3\x85ngstr\xC3\xB6m \xE6\x97\xA5\xE6\x9C\xAC " + smile) ==
          std::nullopt);
  }

  TEST_CASE("a surrogate, paired or not, is rejected as encoded UTF-8 (CESU-8 included)") {
    CHECK(find_invalid_utf8("x\xED\xA0\x80") == 1u);                  // U+D800
    CHECK(find_invalid_utf8("\xED\xBF\xBF") == 0u);                   // U+DFFF
    CHECK(find_invalid_utf8("\xED\xA0\xBD\xED\xB8\x80") == 0u);      // a pair, CESU-8 style
    CHECK(is_valid_utf8("\xED\x9F\xBF"));                             // U+D7FF
    CHECK(is_valid_utf8("\xEE\x80\x80"));                             // U+E000
  }

  TEST_CASE("utf8_sequence gives the maximal ill-formed start for U+FFFD") {
    std::size_t bad = 0;
    CHECK(utf8_sequence("\xE2\x98\x83", 0, bad) == 3);
    CHECK(utf8_sequence("\xE2\x98", 0, bad) == 0);
    CHECK(bad == 2);
    CHECK(utf8_sequence("\xE2\x41", 0, bad) == 0);
    CHECK(bad == 1);
    CHECK(utf8_sequence("\xED\xA0\x80", 0, bad) == 0);  // a surrogate: the lead alone
    CHECK(bad == 1);
    CHECK(utf8_sequence("\xF0\x9F\x99", 0, bad) == 0);
    CHECK(bad == 3);
    CHECK(utf8_sequence("\x80", 0, bad) == 0);
    CHECK(bad == 1);
  }

  TEST_CASE("control characters: C0, DEL and C1 are problems, other text is not") {
    for (char32_t code = 0; code < 0x20; ++code) {
      auto problem = find_text_problem("ab" + encode(code));
      REQUIRE(problem);
      CHECK(problem->kind == TextProblem::Kind::control_character);
      CHECK(problem->offset == 2u);
      CHECK(problem->code_point == code);
    }
    CHECK(find_text_problem("\x7F")->code_point == 0x7F);
    for (char32_t code = 0x80; code <= 0x9F; ++code) {
      CHECK(find_text_problem(encode(code))->code_point == code);
    }
    CHECK_FALSE(find_text_problem(encode(0xA0)));
    CHECK_FALSE(find_text_problem("nightly expiry check \xE2\x80\x94 Zo\xC3\xAB"));
    CHECK_FALSE(find_text_problem(""));
    CHECK(find_text_problem("a\0b"sv)->offset == 1u);
  }

  TEST_CASE("a field may allow tab and line feed, and only those") {
    CHECK_FALSE(find_text_problem("line one\n\tline two", kTabAndLineFeed));
    CHECK(find_text_problem("line one\r\nline two", kTabAndLineFeed)->code_point == U'\r');
    CHECK(find_text_problem("a\x1b[31m", kTabAndLineFeed)->code_point == 0x1B);
    CHECK(find_text_problem("tab\there")->code_point == U'\t');
    CHECK_FALSE(find_text_problem("a\r\nb", kLineBreaks));
  }

  TEST_CASE("ill-formed UTF-8 is the problem reported, wherever it is beside a control character") {
    auto first = find_text_problem("a\x80\x01");
    REQUIRE(first);
    CHECK(first->kind == TextProblem::Kind::invalid_utf8);
    CHECK(first->offset == 1u);
    auto second = find_text_problem("a\x01\x80");
    REQUIRE(second);
    CHECK(second->kind == TextProblem::Kind::invalid_utf8);  // the text is not text at all
  }

  TEST_CASE("describe counts bytes from 1 and names the code point") {
    CHECK(describe(*find_text_problem("abc\x80" "def")) == "not valid UTF-8 (byte 4)");
    CHECK(describe(*find_text_problem("ab\x07")) == "a control character (U+0007) at byte 3");
    CHECK(describe(*find_text_problem("\xC2\x85")) == "a control character (U+0085) at byte 1");
  }

  TEST_CASE("code points are counted, not bytes") {
    CHECK(count_code_points("") == 0u);
    CHECK(count_code_points("abc") == 3u);
    CHECK(count_code_points("Zo\xC3\xAB") == 3u);
    CHECK(count_code_points("\xE6\x97\xA5\xF0\x9F\x99\x82") == 2u);
    CHECK(count_code_points(std::string(255, 'x')) == 255u);
  }

  TEST_CASE("blank: empty, white space and invisible characters only") {
    CHECK(is_blank(""));
    CHECK(is_blank(" "));
    CHECK(is_blank(" \t "));
    CHECK(is_blank("\xC2\xA0"));           // no-break space
    CHECK(is_blank("\xE3\x80\x80"));       // ideographic space
    CHECK(is_blank("\xE2\x80\x8B\xEF\xBB\xBF"));  // zero-width space, BOM
    CHECK(is_blank("\xE2\x80\x83 \xE2\x80\xAF"));
    CHECK_FALSE(is_blank(" a "));
    CHECK_FALSE(is_blank("_"));
    CHECK_FALSE(is_blank(" \x80"));  // not text at all, so not blank text
  }
}

}  // namespace certcron::util
