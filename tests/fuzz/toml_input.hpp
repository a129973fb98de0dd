#pragma once

// Inputs the TOML targets leave out: Debian 12's toml++ (3.3.0) reaches __builtin_unreachable
// in is_non_ascii_horizontal_whitespace() for most code points from U+00A1 to U+0499, U+2CEE
// to U+30E7 and U+FB26 to U+FEFE wherever it asks whether a character is whitespace (upstream
// issues 190 and 295; later versions return false there). g++'s code happens to return false;
// UBSan stops on it at once, which would keep the fuzzer from anything else in the file.

#include <cstdint>
#include <string_view>

namespace certcron::fuzz {

inline bool hits_toml_whitespace_table_bug(char32_t c) {
  if (c <= U'\xA0' || c >= U'\uFEFF' || c == U'\u3000') {
    return false;
  }
  // The table's own arithmetic: blocks 0, 11 and 63 of 0x3FA code points reach the switch,
  // which has cases for blocks 5 and 7 only.
  const auto block = (static_cast<std::uint64_t>(c) - 0xA0) / 0x3FA;
  return block == 0 || block == 11 || block == 63;
}

// Decodes two- and three-byte UTF-8 sequences (the only ones that can encode those code
// points); anything else is skipped a byte at a time, as it cannot be one of them.
inline bool has_toml_whitespace_table_bug(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    auto continuation = [&](std::size_t at) {
      return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
    };
    auto bits = [&](std::size_t at) { return static_cast<char32_t>(text[at] & 0x3F); };
    if ((lead & 0xE0) == 0xC0 && continuation(i + 1) &&
        hits_toml_whitespace_table_bug((char32_t(lead & 0x1F) << 6) | bits(i + 1))) {
      return true;
    }
    if ((lead & 0xF0) == 0xE0 && continuation(i + 1) && continuation(i + 2) &&
        hits_toml_whitespace_table_bug((char32_t(lead & 0x0F) << 12) | (bits(i + 1) << 6) |
                                       bits(i + 2))) {
      return true;
    }
  }
  return false;
}

}  // namespace certcron::fuzz
