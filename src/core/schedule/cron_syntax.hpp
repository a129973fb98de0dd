#pragma once

// The shape of a cron expression before it becomes bitsets: each field as the list of its
// comma-separated items. Shared by the parser (which builds bitsets from it) and by
// describe() (which words each item), so both read the text the same way.

#include "core/error.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace certcron::schedule::syntax {

enum class FieldId { minute, hour, day_of_month, month, day_of_week };

struct FieldSpec {
  FieldId id;
  const char* name;  // as used in messages: "minute", "day-of-month"
  int min;
  int max;
};

const FieldSpec& spec(FieldId id);

// One comma-separated item: `*`, `a`, `a-b`, `a-b/n` or `*/n`. For `*`, first and last are
// the field's bounds.
struct FieldItem {
  enum class Kind { star, value, range };
  Kind kind = Kind::value;
  int first = 0;
  int last = 0;
  int step = 1;
  bool has_step = false;
};

struct Field {
  FieldId id = FieldId::minute;
  std::string_view text;
  std::vector<FieldItem> items;
  bool starts_with_star = false;  // cron's notion of "unrestricted"
};

// The five fields of an expression, macros expanded. The string_views point into the
// text given to split_fields (or into the static macro expansion).
using Fields = std::array<Field, 5>;

// Parses one field's text. Errors are messages without the "<field> field: " prefix.
Result<Field> parse_field(FieldId id, std::string_view text);

// Trims, expands a macro, splits into five fields and parses each. Errors are
// Error::invalid("cron_expression", ...) with the field named.
Result<Fields> split_fields(std::string_view text);

// The five-field form of a macro such as "@daily", or an error for unknown ones and
// @reboot.
Result<std::string_view> expand_macro(std::string_view macro);

std::string_view trim(std::string_view text);

}  // namespace certcron::schedule::syntax
