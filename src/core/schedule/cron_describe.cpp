// English wording of a cron expression: a time clause ("At 02:00", "Every 5 minutes") then
// one clause per restricted day or month field, comma-separated.

#include "core/schedule/cron_syntax.hpp"
#include "core/schedule/schedule.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace certcron::schedule {
namespace {

using syntax::Field;
using syntax::FieldItem;
using Kind = syntax::FieldItem::Kind;

constexpr std::array<const char*, 13> kMonths{"",     "January", "February", "March",
                                              "April", "May",     "June",     "July",
                                              "August", "September", "October", "November",
                                              "December"};
constexpr std::array<const char*, 8> kWeekdays{"Sunday",   "Monday", "Tuesday",  "Wednesday",
                                               "Thursday", "Friday", "Saturday", "Sunday"};

std::string clock_time(int hour, int minute) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", hour, minute);
  return text;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) {
      out += i + 1 == words.size() ? " and " : ", ";
    }
    out += words[i];
  }
  return out;
}

// "every 5 minutes", "every minute"
std::string every(int step, const std::string& unit) {
  return step == 1 ? "every " + unit : "every " + std::to_string(step) + " " + unit + "s";
}

std::string capitalized(std::string text) {
  if (!text.empty() && text.front() >= 'a' && text.front() <= 'z') {
    text.front() = static_cast<char>(text.front() - 'a' + 'A');
  }
  return text;
}

bool is_any(const Field& field) {
  return field.items.size() == 1 && field.items[0].kind == Kind::star &&
         field.items[0].step == 1;
}

bool only_values(const Field& field) {
  return std::ranges::all_of(field.items, [](const FieldItem& item) {
    return item.kind == Kind::value;
  });
}

const FieldItem* single(const Field& field, Kind kind, bool stepped) {
  if (field.items.size() == 1 && field.items[0].kind == kind &&
      (field.items[0].step > 1) == stepped) {
    return &field.items[0];
  }
  return nullptr;
}

std::vector<int> sorted_values(const Field& field) {
  std::vector<int> values;
  for (const FieldItem& item : field.items) {
    values.push_back(item.first);
  }
  std::ranges::sort(values);
  values.erase(std::ranges::unique(values).begin(), values.end());
  return values;
}

// Words for each item of a list, with `name` giving a value's word.
template <class Name>
std::vector<std::string> item_words(const Field& field, const std::string& unit, Name name) {
  std::vector<std::string> words;
  for (const FieldItem& item : field.items) {
    std::string span = item.kind == Kind::value ? name(item.first)
                                                : name(item.first) + " through " + name(item.last);
    if (item.step > 1) {
      span = item.kind == Kind::star ? every(item.step, unit)
                                     : every(item.step, unit) + " from " + span;
    }
    words.push_back(span);
  }
  return words;
}

std::string number(int value) { return std::to_string(value); }

std::string hour_clause(const Field& hours) {
  if (is_any(hours)) {
    return "";
  }
  auto hour_start = [](int hour) { return clock_time(hour, 0); };
  if (const FieldItem* item = single(hours, Kind::star, true)) {
    return ", " + every(item->step, "hour");
  }
  if (const FieldItem* item = single(hours, Kind::value, false)) {
    return ", between " + clock_time(item->first, 0) + " and " + clock_time(item->first, 59);
  }
  for (bool stepped : {false, true}) {
    if (const FieldItem* item = single(hours, Kind::range, stepped)) {
      std::string between =
          "between " + clock_time(item->first, 0) + " and " + clock_time(item->last, 59);
      return stepped ? ", " + every(item->step, "hour") + ", " + between : ", " + between;
    }
  }
  if (only_values(hours)) {
    std::vector<std::string> words;
    for (int hour : sorted_values(hours)) {
      words.push_back(hour_start(hour));
    }
    return ", in the " + join(words) + " hours";
  }
  return ", in hours " + join(item_words(hours, "hour", hour_start));
}

std::string fixed_times(const Field& minutes, const Field& hours) {
  std::vector<std::string> times;
  for (int hour : sorted_values(hours)) {
    for (int minute : sorted_values(minutes)) {
      times.push_back(clock_time(hour, minute));
    }
  }
  return "At " + join(times);
}

std::string time_clause(const Field& minutes, const Field& hours) {
  const bool listed_minutes = only_values(minutes);
  if (listed_minutes && only_values(hours) &&
      sorted_values(minutes).size() * sorted_values(hours).size() <= 8) {
    return fixed_times(minutes, hours);
  }
  if (is_any(minutes)) {
    return "Every minute" + hour_clause(hours);
  }
  if (const FieldItem* item = single(minutes, Kind::star, true)) {
    return capitalized(every(item->step, "minute")) + hour_clause(hours);
  }
  if (listed_minutes) {
    auto values = sorted_values(minutes);
    if (values == std::vector<int>{0}) {
      if (is_any(hours)) {
        return "Every hour";
      }
      if (const FieldItem* item = single(hours, Kind::star, true)) {
        return capitalized(every(item->step, "hour"));
      }
    }
    std::vector<std::string> words;
    for (int minute : values) {
      words.push_back(std::to_string(minute));
    }
    return "At " + join(words) + (values == std::vector<int>{1} ? " minute" : " minutes") +
           " past the hour" + hour_clause(hours);
  }
  if (const FieldItem* item = single(minutes, Kind::range, true)) {
    return capitalized(every(item->step, "minute")) + ", minutes " + number(item->first) +
           " through " + number(item->last) + " past the hour" + hour_clause(hours);
  }
  return "Minutes " + join(item_words(minutes, "minute", number)) + " past the hour" +
         hour_clause(hours);
}

std::string day_of_month_clause(const Field& days) {
  if (const FieldItem* item = single(days, Kind::star, true)) {
    return every(item->step, "day");
  }
  if (const FieldItem* item = single(days, Kind::range, false)) {
    return "between day " + number(item->first) + " and " + number(item->last) + " of the month";
  }
  if (const FieldItem* item = single(days, Kind::range, true)) {
    return every(item->step, "day") + ", between day " + number(item->first) + " and " +
           number(item->last) + " of the month";
  }
  return "on day " + join(item_words(days, "day", number)) + " of the month";
}

std::string weekday_name(int day) { return kWeekdays.at(static_cast<std::size_t>(day)); }

std::vector<std::string> weekday_list(const Field& days) {
  std::vector<std::string> names;
  for (int day : sorted_values(days)) {
    std::string name = weekday_name(day);
    if (std::ranges::find(names, name) == names.end()) {
      names.push_back(name);
    }
  }
  return names;
}

// `either` when day-of-month is restricted too: cron then runs on days matching either.
std::string day_of_week_clause(const Field& days, bool either) {
  if (either) {
    if (only_values(days)) {
      return "and on " + join(weekday_list(days));
    }
    return "and on " + join(item_words(days, "day", weekday_name));
  }
  if (const FieldItem* item = single(days, Kind::star, true)) {
    return every(item->step, "day") + " of the week";
  }
  if (only_values(days)) {
    return "only on " + join(weekday_list(days));
  }
  if (const FieldItem* item = single(days, Kind::range, false)) {
    return weekday_name(item->first) + " through " + weekday_name(item->last);
  }
  return "on " + join(item_words(days, "day", weekday_name));
}

std::string month_name(int month) { return kMonths.at(static_cast<std::size_t>(month)); }

std::string month_clause(const Field& months) {
  if (const FieldItem* item = single(months, Kind::star, true)) {
    return every(item->step, "month");
  }
  if (only_values(months)) {
    std::vector<std::string> names;
    for (int month : sorted_values(months)) {
      names.push_back(month_name(month));
    }
    return "only in " + join(names);
  }
  if (const FieldItem* item = single(months, Kind::range, false)) {
    return month_name(item->first) + " through " + month_name(item->last);
  }
  if (const FieldItem* item = single(months, Kind::range, true)) {
    return every(item->step, "month") + ", " + month_name(item->first) + " through " +
           month_name(item->last);
  }
  return "in " + join(item_words(months, "month", month_name));
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
  return out;
}

}  // namespace certcron::schedule
