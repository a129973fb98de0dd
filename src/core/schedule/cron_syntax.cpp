#include "core/schedule/cron_syntax.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <utility>

namespace certcron::schedule::syntax {
namespace {

constexpr std::array<FieldSpec, 5> kSpecs{{
    {FieldId::minute, "minute", 0, 59},
    {FieldId::hour, "hour", 0, 23},
    {FieldId::day_of_month, "day-of-month", 1, 31},
    {FieldId::month, "month", 1, 12},
    {FieldId::day_of_week, "day-of-week", 0, 7},
}};

constexpr std::array<std::string_view, 12> kMonthNames{"jan", "feb", "mar", "apr", "may", "jun",
                                                        "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> kDayNames{"sun", "mon", "tue", "wed",
                                                     "thu", "fri", "sat"};

struct Macro {
  std::string_view name;
  std::string_view fields;
};

constexpr std::array<Macro, 7> kMacros{{
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
}};

constexpr std::string_view kFieldList = "(minute hour day-of-month month day-of-week)";

Error field_error(const FieldSpec& field, const std::string& message) {
  return Error::invalid("cron_expression", std::string(field.name) + " field: " + message);
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](unsigned char c) { return std::isdigit(c); });
}

bool all_letters(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](unsigned char c) { return std::isalpha(c); });
}

// Saturates instead of overflowing: anything past 6 digits is out of every range anyway.
long long to_number(std::string_view digits) {
  long long value = 0;
  for (char c : digits) {
    value = std::min(value * 10 + (c - '0'), 10'000'000LL);
  }
  return value;
}

std::optional<int> name_value(FieldId id, std::string_view token) {
  auto name = lowercase(token);
  if (id == FieldId::month) {
    auto it = std::ranges::find(kMonthNames, name);
    if (it != kMonthNames.end()) {
      return static_cast<int>(it - kMonthNames.begin()) + 1;
    }
  } else if (id == FieldId::day_of_week) {
    auto it = std::ranges::find(kDayNames, name);
    if (it != kDayNames.end()) {
      return static_cast<int>(it - kDayNames.begin());
    }
  }
  return std::nullopt;
}

Result<int> parse_value(const FieldSpec& field, std::string_view token) {
  if (all_digits(token)) {
    long long value = to_number(token);
    if (value < field.min || value > field.max) {
      return fail(field_error(field, std::string(token) + " is out of range " +
                                         std::to_string(field.min) + "-" +
                                         std::to_string(field.max)));
    }
    return static_cast<int>(value);
  }
  bool takes_names = field.id == FieldId::month || field.id == FieldId::day_of_week;
  if (takes_names && all_letters(token)) {
    if (auto value = name_value(field.id, token)) {
      return *value;
    }
    const char* examples = field.id == FieldId::month ? "jan-dec" : "sun-sat";
    return fail(field_error(field, "unknown name " + quoted(token) + " (names are " + examples + ")"));
  }
  if (token.empty()) {
    return fail(field_error(field, "a value is missing"));
  }
  return fail(field_error(field, quoted(token) + (takes_names ? " is not a number or name"
                                                              : " is not a number")));
}

Result<int> parse_step(const FieldSpec& field, std::string_view item, std::string_view token) {
  if (!all_digits(token)) {
    return fail(field_error(field, "step " + quoted(token) + " in " + quoted(item) +
                                       " is not a number"));
  }
  long long step = to_number(token);
  long long span = field.max - field.min + 1;
  if (step == 0) {
    return fail(field_error(field, "step 0 in " + quoted(item) + " must be at least 1"));
  }
  if (step > span) {
    return fail(field_error(field, "step " + std::string(token) + " in " + quoted(item) +
                                       " is out of range 1-" + std::to_string(span)));
  }
  return static_cast<int>(step);
}

Result<FieldItem> parse_item(const FieldSpec& field, std::string_view item) {
  if (item.empty()) {
    return fail(field_error(field, "a list item is empty"));
  }
  auto slash = item.find('/');
  std::string_view base = item.substr(0, slash);
  FieldItem out;
  if (slash != std::string_view::npos) {
    auto step = parse_step(field, item, item.substr(slash + 1));
    if (!step) {
      return fail(step.error());
    }
    out.step = *step;
    out.has_step = true;
  }
  if (base == "*") {
    out.kind = FieldItem::Kind::star;
    out.first = field.min;
    out.last = field.max;
    return out;
  }
  auto dash = base.find('-');
  if (dash == std::string_view::npos) {
    if (out.has_step) {
      return fail(field_error(field, quoted(item) + " has a step after a single number; write " +
                                         std::string(base) + "-" + std::to_string(field.max) +
                                         std::string(item.substr(slash)) + " or *" +
                                         std::string(item.substr(slash))));
    }
    auto value = parse_value(field, base);
    if (!value) {
      return fail(value.error());
    }
    out.kind = FieldItem::Kind::value;
    out.first = out.last = *value;
    return out;
  }
  auto first = parse_value(field, base.substr(0, dash));
  if (!first) {
    return fail(first.error());
  }
  auto last = parse_value(field, base.substr(dash + 1));
  if (!last) {
    return fail(last.error());
  }
  if (*first > *last) {
    return fail(field_error(field, "range " + quoted(base) + " runs backwards"));
  }
  out.kind = FieldItem::Kind::range;
  out.first = *first;
  out.last = *last;
  return out;
}

std::vector<std::string_view> split_on(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string_view::npos) {
      return parts;
    }
    start = end + 1;
  }
}

std::vector<std::string_view> split_whitespace(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    if (i > start) {
      words.push_back(text.substr(start, i - start));
    }
  }
  return words;
}

}  // namespace

const FieldSpec& spec(FieldId id) { return kSpecs.at(static_cast<std::size_t>(id)); }

std::string_view trim(std::string_view text) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

Result<Field> parse_field(FieldId id, std::string_view text) {
  const FieldSpec& field = spec(id);
  Field out;
  out.id = id;
  out.text = text;
  out.starts_with_star = !text.empty() && text.front() == '*';
  for (std::string_view item : split_on(text, ',')) {
    auto parsed = parse_item(field, item);
    if (!parsed) {
      return fail(parsed.error());
    }
    out.items.push_back(*parsed);
  }
  return out;
}

Result<std::string_view> expand_macro(std::string_view macro) {
  auto name = lowercase(macro);
  if (name == "@reboot") {
    return fail(Error::invalid("cron_expression",
                               "@reboot runs once at boot, not on a schedule; use a five-field "
                               "expression or a macro such as @daily"));
  }
  for (const Macro& known : kMacros) {
    if (known.name == name) {
      return known.fields;
    }
  }
  return fail(Error::invalid("cron_expression",
                             "unknown macro " + quoted(macro) +
                                 "; use @yearly, @annually, @monthly, @weekly, @daily, "
                                 "@midnight or @hourly"));
}

Result<Fields> split_fields(std::string_view text) {
  text = trim(text);
  if (text.empty()) {
    return fail(Error::invalid("cron_expression", "the expression is empty; expected 5 fields " +
                                                      std::string(kFieldList) +
                                                      " or a macro such as @daily"));
  }
  auto words = split_whitespace(text);
  if (text.front() == '@') {
    auto expanded = expand_macro(words.front());
    if (!expanded) {
      return fail(expanded.error());
    }
    if (words.size() > 1) {
      return fail(Error::invalid("cron_expression", "unexpected text after " +
                                                        std::string(words.front()) +
                                                        "; a macro stands alone"));
    }
    words = split_whitespace(*expanded);
  }
  if (words.size() != 5) {
    return fail(Error::invalid("cron_expression", "expected 5 fields " + std::string(kFieldList) +
                                                      " but got " + std::to_string(words.size())));
  }
  Fields fields;
  for (std::size_t i = 0; i < 5; ++i) {
    auto field = parse_field(static_cast<FieldId>(i), words[i]);
    if (!field) {
      return fail(field.error());
    }
    fields[i] = std::move(*field);
  }
  return fields;
}

}  // namespace certcron::schedule::syntax
