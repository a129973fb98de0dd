#pragma once

// UTF-8 as RFC 3629 and the Unicode Standard (table 3-7) define it, for text that comes in:
// no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no sequence cut
// short. Every face checks its text fields through find_text_problem, and the JSON writer
// replaces what is ill-formed using utf8_sequence, so reading and writing agree on the rules.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace certcron::util {

// The length (2..4) of the well-formed multi-byte sequence at text[i], which must be a byte of
// 0x80 or more; or, when it is not one, 0 with `bad` set to the length of its maximal
// ill-formed start (at least 1), the part one U+FFFD stands for.
std::size_t utf8_sequence(std::string_view text, std::size_t i, std::size_t& bad);

// The offset of the first byte of the first ill-formed sequence; nullopt when `text` is
// well-formed UTF-8.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);
inline bool is_valid_utf8(std::string_view text) { return !find_invalid_utf8(text); }

// What makes a text unfit for a text field.
struct TextProblem {
  enum class Kind { invalid_utf8, control_character };
  Kind kind = Kind::invalid_utf8;
  std::size_t offset = 0;   // of the offending byte (sequence), from 0
  char32_t code_point = 0;  // the control character
};

// Control characters a field allows, as a set of C0 code points (bit n = U+000n).
using AllowedControls = std::uint32_t;
inline constexpr AllowedControls kNoControls = 0;
inline constexpr AllowedControls kTabAndLineFeed = (1u << '\t') | (1u << '\n');
inline constexpr AllowedControls kLineBreaks = (1u << '\n') | (1u << '\r');

// The problem of `text`: its first ill-formed sequence, else its first control character
// (U+0000..U+001F other than those `allowed`, U+007F, U+0080..U+009F); nullopt when none.
std::optional<TextProblem> find_text_problem(std::string_view text,
                                             AllowedControls allowed = kNoControls);

// "not valid UTF-8 (byte 4)", "a control character (U+0007) at byte 4": bytes counted from 1.
std::string describe(const TextProblem& problem);

// Code points in well-formed UTF-8.
std::size_t count_code_points(std::string_view text);

// True when `text` is well-formed and shows nothing: empty, or only white space (Unicode White_Space:
// U+0020, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, and the
// controls among it) and the invisible U+200B..U+200D, U+2060 and U+FEFF.
bool is_blank(std::string_view text);

}  // namespace certcron::util
