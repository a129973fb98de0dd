// English wording of a cron expression, phrased as cronstrue phrases it with 24-hour times
// (the wording most cron tools show): a time clause ("At 02:00", "Every 5 minutes, between
// 09:00 and 17:59"), then a clause for each restricted field: day of month, day of week,
// month. tests/data/describe_vectors.json holds cronstrue's wording for the comparison.
//
// Where cronstrue misstates which days cron runs on, the wording is cron's instead:
// - cronstrue joins a restricted day of week to a restricted day of month with "and on"
//   whatever the fields say, but cron runs on days matching either field only when neither
//   starts with '*', and on days matching both otherwise. Here "and on" marks exactly the
//   first case, for ranges and steps too, and the day of week reads as on its own ("only on
//   Friday") in the second;
// - a day-of-week range 0-7 (7 is Sunday again) is the whole week, not "Sunday through
//   Sunday".

#include "core/schedule/cron_syntax.hpp"
#include "core/schedule/schedule.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace certcron::schedule {
namespace {

using syntax::Field;
using syntax::FieldItem;
using Kind = syntax::FieldItem::Kind;

constexpr std::array<const char*, 13> kMonths{
    "",     "January", "February",  "March",   "April",    "May",     "June",
    "July", "August",  "September", "October", "November", "December"};
constexpr std::array<const char*, 8> kWeekdays{"Sunday",   "Monday", "Tuesday",  "Wednesday",
                                               "Thursday", "Friday", "Saturday", "Sunday"};

std::string clock_time(int hour, int minute) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", hour, minute);
  return text;
}

// "a and b", "a, b, and c": how a field's list reads.
std::string listed(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) {
      out += words.size() == 2 ? " and " : i + 1 == words.size() ? ", and " : ", ";
    }
    out += words[i];
  }
  return out;
}

// "a, b and c": how a list of clock times reads (cronstrue has no serial comma there).
std::string listed_times(const std::vector<std::string>& times) {
  std::string out;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (i > 0) {
      out += i + 1 == times.size() ? " and " : ", ";
    }
    out += times[i];
  }
  return out;
}

std::string capitalized(std::string text) {
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') {
    text.front() = static_cast<char>(text.front() - 'a' + 'A');
  }
  return text;
}

bool stepped(const FieldItem& item) {
  return item.step > 1;
}

bool is_any(const Field& field) {
  return field.items.size() == 1 && field.items[0].kind == Kind::star && !stepped(field.items[0]);
}

bool has_step(const Field& field) {
  return std::ranges::any_of(field.items, stepped);
}

// The field's only item, if it is of `kind` and has no step.
const FieldItem* single(const Field& field, Kind kind) {
  if (field.items.size() == 1 && field.items[0].kind == kind && !stepped(field.items[0])) {
    return &field.items[0];
  }
  return nullptr;
}

bool only_values(const Field& field) {
  return std::ranges::all_of(field.items,
                             [](const FieldItem& item) { return item.kind == Kind::value; });
}

// A list written as plain numbers reads in ascending order; one written with names or
// ranges reads as written.
std::vector<FieldItem> reading_order(const Field& field) {
  std::vector<FieldItem> items = field.items;
  bool plain_numbers =
      std::ranges::all_of(field.text, [](char c) { return (c >= '0' && c <= '9') || c == ','; });
  if (plain_numbers) {
    std::ranges::stable_sort(items, {}, &FieldItem::first);
  }
  return items;
}

// `pattern` with each "{}" replaced by the next of `values`.
std::string fill(std::string_view pattern, std::initializer_list<std::string> values) {
  std::string out;
  auto value = values.begin();
  for (std::size_t at = 0; at < pattern.size(); ++at) {
    if (pattern.substr(at, 2) == "{}" && value != values.end()) {
      out += *value++;
      ++at;
    } else {
      out += pattern[at];
    }
  }
  return out;
}

// How one field's values, ranges, steps and lists read.
struct Phrasing {
  // A value's word; `range_end` for the last value of a range.
  std::function<std::string(int value, bool range_end)> word;
  const char* every = "";  // "every {} minutes"
  const char* range = "";  // "between day {} and {} of the month"
  const char* at = "";     // one value or a list of them: "only on {}"
  // The wording of a value standing alone, where it is not `at`'s.
  std::function<std::optional<std::string>(int value)> lone_value = nullptr;
};

std::string range_words(const FieldItem& item, const Phrasing& phrasing) {
  return fill(phrasing.range, {phrasing.word(item.first, false), phrasing.word(item.last, true)});
}

// One item read on its own: "every 2 hours, between 08:00 and 17:59", "at 05:00".
std::string item_phrase(const FieldItem& item, const Phrasing& phrasing) {
  if (stepped(item)) {
    std::string text = fill(phrasing.every, {std::to_string(item.step)});
    return item.kind == Kind::range ? text + ", " + range_words(item, phrasing) : text;
  }
  if (item.kind == Kind::range) {
    return range_words(item, phrasing);
  }
  if (phrasing.lone_value) {
    if (auto text = phrasing.lone_value(item.first)) {
      return *text;
    }
  }
  return fill(phrasing.at, {phrasing.word(item.first, false)});
}

// A restricted field. In a list without steps, values and ranges share one `at` phrase
// ("on day 1 through 5 and 10 of the month"); with a step, each item reads on its own.
std::string field_phrase(const Field& field, const Phrasing& phrasing) {
  if (field.items.size() == 1) {
    return item_phrase(field.items[0], phrasing);
  }
  const bool each_alone = has_step(field);
  std::vector<std::string> words;
  for (const FieldItem& item : reading_order(field)) {
    std::string word;
    if (stepped(item) || (each_alone && item.kind == Kind::value)) {
      word = item_phrase(item, phrasing);
    } else if (item.kind == Kind::range) {
      word = phrasing.word(item.first, false) + " through " + phrasing.word(item.last, true);
    } else {
      word = phrasing.word(item.first, false);
    }
    if (std::ranges::find(words, word) == words.end()) {
      words.push_back(word);  // 0 and 7 are both Sunday
    }
  }
  return each_alone ? listed(words) : fill(phrasing.at, {listed(words)});
}

std::string number(int value, bool /*range_end*/) {
  return std::to_string(value);
}

std::string weekday_name(int day, bool /*range_end*/) {
  return kWeekdays.at(static_cast<std::size_t>(day));
}

std::string month_name(int month, bool /*range_end*/) {
  return kMonths.at(static_cast<std::size_t>(month));
}

// Minute 0 alone is "every hour", or "on the hour" next to an hour step.
Phrasing minute_phrasing(bool hour_stepped) {
  return {.word = number,
          .every = "every {} minutes",
          .range = "minutes {} through {} past the hour",
          .at = "at {} minutes past the hour",
          .lone_value = [hour_stepped](int minute) -> std::optional<std::string> {
            if (minute == 0) {
              return hour_stepped ? "on the hour" : "every hour";
            }
            if (minute == 1) {
              return "at 1 minute past the hour";
            }
            return std::nullopt;
          }};
}

// A range of hours ends at its last minute unless the job runs only on the hour.
Phrasing hour_phrasing(bool on_the_hour) {
  return {.word =
              [on_the_hour](int hour, bool range_end) {
                return clock_time(hour, range_end && !on_the_hour ? 59 : 0);
              },
          .every = "every {} hours",
          .range = "between {} and {}",
          .at = "at {}"};
}

std::string time_clause(const Field& minutes, const Field& hours) {
  const FieldItem* minute = single(minutes, Kind::value);
  const FieldItem* hour = single(hours, Kind::value);
  if (minute != nullptr && hour != nullptr) {
    return "at " + clock_time(hour->first, minute->first);
  }
  if (const FieldItem* span = single(minutes, Kind::range); span != nullptr && hour != nullptr) {
    return "every minute between " + clock_time(hour->first, span->first) + " and " +
           clock_time(hour->first, span->last);
  }
  if (minute != nullptr && only_values(hours)) {
    std::vector<std::string> times;
    for (const FieldItem& item : reading_order(hours)) {
      times.push_back(clock_time(item.first, minute->first));
    }
    return "at " + listed_times(times);
  }
  std::string text =
      is_any(minutes) ? "every minute" : field_phrase(minutes, minute_phrasing(has_step(hours)));
  if (is_any(hours)) {
    return text;
  }
  const Phrasing hour_words = hour_phrasing(minute != nullptr && minute->first == 0);
  // An hour given alone, for a job running every minute or every few within it, reads as
  // that hour's span.
  const bool repeating = std::ranges::any_of(minutes.items, [](const FieldItem& item) {
    return item.kind == Kind::star || stepped(item);
  });
  if (hour != nullptr && repeating) {
    FieldItem span{.kind = Kind::range, .first = hour->first, .last = hour->first};
    return text + ", " + range_words(span, hour_words);
  }
  return text + ", " + field_phrase(hours, hour_words);
}

std::string day_of_month_clause(const Field& days) {
  return field_phrase(days, {.word = number,
                             .every = "every {} days in a month",
                             .range = "between day {} and {} of the month",
                             .at = "on day {} of the month"});
}

// `either` when cron runs on days matching either day field ("and on Friday"); otherwise
// the day of week narrows the days ("only on Friday").
std::string day_of_week_clause(const Field& days, bool either) {
  Field week = days;
  for (FieldItem& item : week.items) {
    if (item.kind == Kind::range && item.first == 0 && item.last == 7) {
      item.last = 6;  // the whole week, not "Sunday through Sunday"
    }
  }
  std::string text = field_phrase(week, {.word = weekday_name,
                                         .every = "every {} days of the week",
                                         .range = "{} through {}",
                                         .at = either ? "and on {}" : "only on {}"});
  const bool worded_as_values = !has_step(week) && single(week, Kind::range) == nullptr;
  return either && !worded_as_values ? "and on " + text : text;
}

std::string month_clause(const Field& months) {
  return field_phrase(months, {.word = month_name,
                               .every = "every {} months",
                               .range = "{} through {}",
                               .at = "only in {}"});
}

}  // namespace

std::string CronExpression::describe() const {
  auto fields = syntax::split_fields(text);
  if (!fields) {
    return text;  // only for an expression that did not come from parse()
  }
  const auto& [minute, hour, day_of_month, month, day_of_week] = *fields;
  std::string out = time_clause(minute, hour);
  if (!is_any(day_of_month)) {
    out += ", " + day_of_month_clause(day_of_month);
  }
  if (!is_any(day_of_week)) {
    bool either = day_of_month_restricted && day_of_week_restricted;
    out += ", " + day_of_week_clause(day_of_week, either);
  }
  if (!is_any(month)) {
    out += ", " + month_clause(month);
  }
  return capitalized(out);
}

}  // namespace certcron::schedule
