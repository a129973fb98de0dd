#include "json/writer.hpp"

#include "util/time.hpp"
#include "util/utf8.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace certcron::json {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

bool is_plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// How many bytes at the start of `text` are copied as they are (printable ASCII other than
// '"' and '\\'), looked at eight at a time: a job's strings are almost all such bytes.
std::size_t plain_prefix(std::string_view text) {
  constexpr std::uint64_t ones = 0x0101010101010101;
  constexpr std::uint64_t highs = 0x8080808080808080;
  // The high bit of some byte is set when any byte of `word` is zero (exact as a whole).
  const auto any_zero = [](std::uint64_t word) { return (word - ones) & ~word & highs; };
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, sizeof word);
    const std::uint64_t below_space = (word - ones * 0x20) & ~word & highs;
    const std::uint64_t special = below_space | any_zero(word ^ (ones * '"')) |
                                  any_zero(word ^ (ones * '\\')) | (word & highs);
    if (special != 0) {
      break;  // somewhere in these eight: found byte by byte below
    }
  }
  while (i < text.size() && is_plain(static_cast<unsigned char>(text[i]))) {
    ++i;
  }
  return i;
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (;;) {
    const std::size_t plain = plain_prefix(text);
    out.append(text.data(), plain);
    text.remove_prefix(plain);
    if (text.empty()) {
      return;
    }
    const auto c = static_cast<unsigned char>(text.front());
    if (c >= 0x80) {
      std::size_t bad = 0;
      // One U+FFFD per maximal ill-formed start, as Unicode recommends and nlohmann's
      // replacing dump does.
      if (const std::size_t length = util::utf8_sequence(text, 0, bad); length > 0) {
        out.append(text.data(), length);
        text.remove_prefix(length);
      } else {
        out.append(kReplacement);
        text.remove_prefix(bad);
      }
      continue;
    }
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default: {
        const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escape, sizeof escape);
      }
    }
    text.remove_prefix(1);
  }
}

void JsonWriter::separate() {
  if (need_comma_) {
    out_.push_back(',');
  }
  need_comma_ = true;
}

void JsonWriter::quoted(std::string_view text) {
  out_.push_back('"');
  append_escaped(out_, text);
  out_.push_back('"');
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_.push_back('{');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_.push_back('}');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  out_.push_back('[');
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_.push_back(']');
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(Key name) {
  if (need_comma_) {
    out_.push_back(',');
  }
  need_comma_ = false;  // the value follows the colon
  out_.push_back('"');
  if (name.plain()) {
    out_.append(name.text());
  } else {
    append_escaped(out_, name.text());
  }
  out_.append("\":", 2);
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view text) {
  separate();
  quoted(text);
  return *this;
}

JsonWriter& JsonWriter::string_parts(std::initializer_list<std::string_view> parts) {
  separate();
  out_.push_back('"');
  for (const std::string_view part : parts) {
    append_escaped(out_, part);
  }
  out_.push_back('"');
  return *this;
}

JsonWriter& JsonWriter::number(std::int64_t value) {
  separate();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out_.append(digits, static_cast<std::size_t>(end - digits));
  return *this;
}

JsonWriter& JsonWriter::boolean(bool value) {
  separate();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_.append("null");
  return *this;
}

JsonWriter& JsonWriter::instant(std::chrono::sys_seconds at) {
  separate();
  const auto day = std::chrono::floor<std::chrono::days>(at);
  const std::chrono::year_month_day ymd{day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    quoted(util::format_rfc3339(at));  // outside what four digits hold: the general path
    return *this;
  }
  const auto seconds = (at - day).count();  // 0..86399
  // "YYYY-MM-DDTHH:MM:SSZ" with its quotes, in one append.
  char text[] = "\"0000-00-00T00:00:00Z\"";
  const auto two = [&text](std::size_t at_index, unsigned value) {
    text[at_index] = static_cast<char>('0' + value / 10);
    text[at_index + 1] = static_cast<char>('0' + value % 10);
  };
  two(1, static_cast<unsigned>(year / 100));
  two(3, static_cast<unsigned>(year % 100));
  two(6, static_cast<unsigned>(ymd.month()));
  two(9, static_cast<unsigned>(ymd.day()));
  two(12, static_cast<unsigned>(seconds / 3600));
  two(15, static_cast<unsigned>(seconds / 60 % 60));
  two(18, static_cast<unsigned>(seconds % 60));
  out_.append(text, sizeof text - 1);
  return *this;
}

}  // namespace certcron::json
