#include "json/parse.hpp"

#include "core/requests.hpp"
#include "util/utf8.hpp"

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace certcron::json {
namespace {

using Parsed = nlohmann::json;

// Follows where a SAX parse is, so that when it stops, the path of the value it was reading
// is known: "name" in a body, "cron_checks.1.name" in a sync document.
class PathTracker {
 public:
  using number_integer_t = Parsed::number_integer_t;
  using number_unsigned_t = Parsed::number_unsigned_t;
  using number_float_t = Parsed::number_float_t;
  using string_t = Parsed::string_t;
  using binary_t = Parsed::binary_t;

  bool null() { return value(); }
  bool boolean(bool) { return value(); }
  bool number_integer(number_integer_t) { return value(); }
  bool number_unsigned(number_unsigned_t) { return value(); }
  bool number_float(number_float_t, const string_t&) { return value(); }
  bool string(string_t&) { return value(); }
  bool binary(binary_t&) { return value(); }
  bool start_object(std::size_t) {
    levels_.push_back(Level{});
    return true;
  }
  bool key(string_t& name) {
    levels_.back().key = name;
    levels_.back().in_value = true;
    return true;
  }
  bool end_object() {
    levels_.pop_back();
    return value();
  }
  bool start_array(std::size_t) {
    levels_.push_back(Level{true});
    return true;
  }
  bool end_array() {
    levels_.pop_back();
    return value();
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    position_ = position;
    message_ = e.what();
    return false;
  }

  std::size_t position() const { return position_; }
  const std::string& message() const { return message_; }

  // The path of the value being read when the parse stopped; none when it stopped elsewhere
  // (in a key, between values).
  std::optional<std::string> value_path() const {
    if (levels_.empty() || (!levels_.back().array && !levels_.back().in_value)) {
      return std::nullopt;
    }
    std::string path;
    for (const Level& level : levels_) {
      path += (path.empty() ? "" : ".") + (level.array ? std::to_string(level.index) : level.key);
    }
    return path;
  }

 private:
  struct Level {
    bool array = false;
    std::size_t index = 0;  // of the element being read (array)
    std::string key{};      // of the value being read (object)
    bool in_value = false;  // a key was read and its value was not yet
  };

  bool value() {
    if (!levels_.empty()) {
      Level& top = levels_.back();
      if (top.array) {
        ++top.index;
      } else {
        top.in_value = false;
      }
    }
    return true;
  }

  std::vector<Level> levels_;
  std::size_t position_ = 0;
  std::string message_;
};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Where the string that holds text[at] begins: just past the nearest quote before `at` that
// no backslash escapes.
std::optional<std::size_t> string_start(std::string_view text, std::size_t at) {
  for (std::size_t j = at; j-- > 0;) {
    if (text[j] != '"') {
      continue;
    }
    std::size_t backslashes = 0;
    while (backslashes < j && text[j - 1 - backslashes] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 0) {
      return j + 1;
    }
  }
  return std::nullopt;
}

// How many bytes the raw string text `raw` (escapes and all) stands for once decoded; the raw
// length when it cannot be decoded on its own.
std::size_t decoded_length(std::string_view raw) {
  Parsed decoded = Parsed::parse("\"" + std::string(raw) + "\"", nullptr, false);
  return decoded.is_string() ? decoded.get_ref<const std::string&>().size() : raw.size();
}

// The value of the four hex digits at raw[at], if there are four.
std::optional<unsigned> hex4(std::string_view raw, std::size_t at) {
  if (at + 4 > raw.size()) {
    return std::nullopt;
  }
  unsigned value = 0;
  for (std::size_t k = at; k < at + 4; ++k) {
    const char c = raw[k];
    const int digit = c >= '0' && c <= '9'   ? c - '0'
                      : c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                             : -1;
    if (digit < 0) {
      return std::nullopt;
    }
    value = value * 16 + static_cast<unsigned>(digit);
  }
  return value;
}

// Where in the raw string text the first \u escape of a surrogate that has no partner starts
// (its end when there is none).
std::size_t unpaired_surrogate(std::string_view raw) {
  std::size_t i = 0;
  while (i + 1 < raw.size()) {
    if (raw[i] != '\\') {
      ++i;
      continue;
    }
    if (raw[i + 1] != 'u') {
      i += 2;
      continue;
    }
    const auto unit = hex4(raw, i + 2);
    if (!unit || *unit < 0xD800 || *unit > 0xDFFF) {
      i += 6;
      continue;
    }
    const auto next = raw.substr(i + 6, 2) == "\\u" ? hex4(raw, i + 8) : std::nullopt;
    if (*unit > 0xDBFF || !next || *next < 0xDC00 || *next > 0xDFFF) {
      return i;
    }
    i += 12;
  }
  return raw.size();
}

// What is wrong with the string the parse stopped in, when that is what stopped it.
std::optional<util::TextProblem> string_problem(std::string_view text, const PathTracker& parse) {
  const std::string& message = parse.message();
  if (!contains(message, "invalid string") || parse.position() == 0 ||
      parse.position() > text.size()) {
    return std::nullopt;
  }
  const std::size_t stopped_at = parse.position() - 1;  // the byte the lexer could not take
  const auto start = string_start(text, stopped_at);
  if (!start) {
    return std::nullopt;
  }
  const std::string_view raw = text.substr(*start, stopped_at + 1 - *start);
  if (contains(message, "ill-formed UTF-8")) {
    const auto bad = util::find_invalid_utf8(raw);
    if (!bad) {
      return std::nullopt;
    }
    return util::TextProblem{util::TextProblem::Kind::invalid_utf8,
                             decoded_length(raw.substr(0, *bad)), 0};
  }
  if (contains(message, "control character")) {
    return util::TextProblem{util::TextProblem::Kind::control_character,
                             decoded_length(raw.substr(0, raw.size() - 1)),
                             static_cast<unsigned char>(text[stopped_at])};
  }
  if (contains(message, "surrogate")) {
    return util::TextProblem{util::TextProblem::Kind::invalid_utf8,
                             decoded_length(raw.substr(0, unpaired_surrogate(raw))), 0};
  }
  return std::nullopt;
}

}  // namespace

Result<nlohmann::json> parse_client_json(std::string_view text, const std::string& not_json) {
  Parsed parsed = Parsed::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded()) {
    return parsed;
  }
  PathTracker tracker;
  (void)Parsed::sax_parse(text, &tracker);
  const auto path = tracker.value_path();
  const auto problem = path ? string_problem(text, tracker) : std::nullopt;
  if (!problem) {
    return fail(Error::usage(not_json));
  }
  const std::size_t last_dot = path->rfind('.');
  std::string field = last_dot == std::string::npos ? *path : path->substr(last_dot + 1);
  if (field.find_first_not_of("0123456789") == std::string::npos) {
    field = "value";  // an element of an array
  }
  return fail(Error::invalid(*path, invalid_text_message(field, *problem)));
}

std::optional<int> whole_number_as_int(const nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
      return std::nullopt;
    }
    return static_cast<int>(number);
  }
  const auto number = value.get<std::int64_t>();
  if (number < std::numeric_limits<int>::min() || number > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  return static_cast<int>(number);
}

}  // namespace certcron::json
