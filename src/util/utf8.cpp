#include "util/utf8.hpp"

#include <cstdio>

namespace certcron::util {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The code point of the well-formed sequence of `length` bytes at text[i].
char32_t decode(std::string_view text, std::size_t i, std::size_t length) {
  const auto lead = static_cast<unsigned char>(text[i]);
  char32_t code = length == 2 ? lead & 0x1Fu : length == 3 ? lead & 0x0Fu : lead & 0x07u;
  for (std::size_t k = 1; k < length; ++k) {
    code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
  }
  return code;
}

bool is_control(char32_t code, AllowedControls allowed) {
  if (code < 0x20) {
    return (allowed & (1u << code)) == 0;
  }
  return code == 0x7F || (code >= 0x80 && code <= 0x9F);
}

bool is_blank_code_point(char32_t code) {
  switch (code) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0x85: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
    case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
      return true;
    default:
      return code >= 0x2000 && code <= 0x200A;
  }
}

// Calls visit(code point, offset) for each code point of `text` until it returns false;
// returns the offset of the first ill-formed sequence, if it came to one.
template <class Visit>
std::optional<std::size_t> walk(std::string_view text, Visit visit) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (!visit(char32_t{c}, i)) {
        return std::nullopt;
      }
      ++i;
      continue;
    }
    std::size_t bad = 0;
    const std::size_t length = utf8_sequence(text, i, bad);
    if (length == 0) {
      return i;
    }
    if (!visit(decode(text, i, length), i)) {
      return std::nullopt;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace

std::size_t utf8_sequence(std::string_view text, std::size_t i, std::size_t& bad) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  unsigned char low = 0x80;  // the range the second byte must fall in (Unicode table 3-7)
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    low = lead == 0xE0 ? 0xA0 : 0x80;   // no overlong forms
    high = lead == 0xED ? 0x9F : 0xBF;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    low = lead == 0xF0 ? 0x90 : 0x80;   // no overlong forms
    high = lead == 0xF4 ? 0x8F : 0xBF;  // nothing past U+10FFFF
  } else {
    bad = 1;  // a continuation byte, C0/C1 (overlong 2-byte forms), F5..FF
    return 0;
  }
  std::size_t n = 1;
  for (; n < length && i + n < text.size(); ++n) {
    const auto c = static_cast<unsigned char>(text[i + n]);
    const bool fits = n == 1 ? (c >= low && c <= high) : is_continuation(c);
    if (!fits) {
      break;
    }
  }
  if (n == length) {
    return length;
  }
  bad = n;
  return 0;
}

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  return walk(text, [](char32_t, std::size_t) { return true; });
}

std::optional<TextProblem> find_text_problem(std::string_view text, AllowedControls allowed) {
  // Ill-formed first, wherever it is: such bytes are not text at all.
  if (auto invalid = find_invalid_utf8(text)) {
    return TextProblem{TextProblem::Kind::invalid_utf8, *invalid, 0};
  }
  std::optional<TextProblem> control;
  walk(text, [&](char32_t code, std::size_t offset) {
    if (is_control(code, allowed)) {
      control = TextProblem{TextProblem::Kind::control_character, offset, code};
      return false;
    }
    return true;
  });
  return control;
}

std::string describe(const TextProblem& problem) {
  const std::string byte = "byte " + std::to_string(problem.offset + 1);
  if (problem.kind == TextProblem::Kind::invalid_utf8) {
    return "not valid UTF-8 (" + byte + ")";
  }
  char code[16];
  std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(problem.code_point));
  return std::string("a control character (") + code + ") at " + byte;
}

std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if (!is_continuation(static_cast<unsigned char>(c))) {
      ++count;
    }
  }
  return count;
}

bool is_blank(std::string_view text) {
  bool blank = true;
  const auto invalid = walk(text, [&](char32_t code, std::size_t) {
    blank = is_blank_code_point(code);
    return blank;
  });
  return blank && !invalid;
}

}  // namespace certcron::util
