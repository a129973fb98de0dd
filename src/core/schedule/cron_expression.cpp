#include "core/schedule/cron_syntax.hpp"
#include "core/schedule/schedule.hpp"

#include <array>

namespace certcron::schedule {
namespace {

template <std::size_t N>
std::bitset<N> field_bits(const syntax::Field& field) {
  std::bitset<N> bits;
  for (const syntax::FieldItem& item : field.items) {
    for (int value = item.first; value <= item.last; value += item.step) {
      bits.set(static_cast<std::size_t>(value));
    }
  }
  return bits;
}

std::bitset<7> weekday_bits(const syntax::Field& field) {
  auto with_seven = field_bits<8>(field);
  std::bitset<7> bits;
  for (std::size_t day = 0; day < 7; ++day) {
    bits[day] = with_seven[day];
  }
  if (with_seven[7]) {
    bits.set(0);
  }
  return bits;
}

// A day-of-month list that no selected month contains (31 in February-only schedules)
// would never fire; cron accepts it silently, which is how such a job goes unnoticed.
bool some_day_exists(const CronExpression& cron) {
  if (cron.day_of_month_restricted && cron.day_of_week_restricted) {
    return true;  // either rule matches, and every weekday occurs in every month
  }
  constexpr std::array<std::size_t, 13> kLongest{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (std::size_t month = 1; month <= 12; ++month) {
    if (!cron.months[month]) {
      continue;
    }
    for (std::size_t day = 1; day <= kLongest.at(month); ++day) {
      if (cron.days_of_month[day]) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

Result<CronExpression> CronExpression::parse(std::string_view text) {
  auto fields = syntax::split_fields(text);
  if (!fields) {
    return fail(fields.error());
  }
  using syntax::FieldId;
  auto field = [&](FieldId id) -> const syntax::Field& {
    return (*fields)[static_cast<std::size_t>(id)];
  };
  CronExpression cron;
  cron.text = std::string(syntax::trim(text));
  cron.minutes = field_bits<60>(field(FieldId::minute));
  cron.hours = field_bits<24>(field(FieldId::hour));
  cron.days_of_month = field_bits<32>(field(FieldId::day_of_month));
  cron.months = field_bits<13>(field(FieldId::month));
  cron.days_of_week = weekday_bits(field(FieldId::day_of_week));
  cron.day_of_month_restricted = !field(FieldId::day_of_month).starts_with_star;
  cron.day_of_week_restricted = !field(FieldId::day_of_week).starts_with_star;
  cron.fixed_time =
      !field(FieldId::minute).starts_with_star && !field(FieldId::hour).starts_with_star;
  if (!some_day_exists(cron)) {
    return fail(Error::invalid("cron_expression",
                               "day-of-month field: '" + std::string(field(FieldId::day_of_month).text) +
                                   "' never occurs in the selected months, so the job would "
                                   "never run"));
  }
  return cron;
}

}  // namespace certcron::schedule
