// The TZif reader, the POSIX TZ rule of its footer and the zone table built from both, then
// fire times over that table.
//
// Input: a TZif file (RFC 8536); anything that does not start with "TZif" is taken as a
// POSIX TZ rule on its own, so the rule parser is reached without a well-formed file.

#include "core/schedule/fire_times.hpp"
#include "core/schedule/posix_tz.hpp"
#include "core/schedule/tzif.hpp"
#include "core/schedule/zone_table.hpp"
#include "fuzz_check.hpp"

#include <array>
#include <chrono>
#include <string>

namespace {

using namespace std::chrono;
using certcron::fuzz::check;
using namespace certcron::schedule;

constexpr seconds kMaxOffset{26 * 3600};

bool sane(seconds offset) { return offset >= -kMaxOffset && offset <= kMaxOffset; }

void check_rule(std::string_view text) {
  auto rule = PosixZoneRule::parse(text);
  if (!rule) {
    return;
  }
  check(sane(rule->standard_offset()), "a rule's standard offset is within a day or so");
  for (int year : {1970, 2024, 2038, 2400}) {
    Seconds previous = Seconds::min();
    for (const auto& [instant, offset] : rule->changes_in(year)) {
      check(instant >= previous, "a rule's changes come in time order");
      check(sane(offset), "a rule's offsets are within a day or so");
      previous = instant;
    }
  }
}

// Walks a few fires of a fixed-time and a wildcard expression through the table.
void walk_fires(const ZoneTable& table) {
  static const std::array<CronExpression, 2> kExpressions{*CronExpression::parse("30 2 * * *"),
                                                           *CronExpression::parse("*/20 * * * *")};
  for (const CronExpression& cron : kExpressions) {
    for (Seconds start : {Seconds{sys_days{1970y / 1 / 1}}, Seconds{sys_days{2024y / 3 / 30}},
                          Seconds{sys_days{2399y / 12 / 31}}}) {
      CronFireFinder finder(cron, table);
      Seconds previous = start;
      for (int i = 0; i < 8; ++i) {
        Seconds fire = finder.next_after(previous);
        if (fire == Seconds::max()) {
          break;
        }
        check(fire > previous, "fires ascend strictly");
        previous = fire;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view file = certcron::fuzz::as_text(data, size);
  if (!file.starts_with("TZif")) {
    check_rule(file);
    return 0;
  }
  auto history = parse_tzif(file);
  if (!history) {
    return 0;
  }
  check(sane(history->initial_offset), "the initial offset is within a day or so");
  for (std::size_t i = 0; i < history->changes.size(); ++i) {
    check(sane(history->changes[i].second), "offsets are within a day or so");
    check(i == 0 || history->changes[i - 1].first < history->changes[i].first,
          "changes ascend strictly");
  }
  check(history->footer.find('\n') == std::string::npos, "the footer is one line");
  check_rule(history->footer);

  const ZoneTable table = zone_table_from(*history);
  for (std::size_t i = 0; i < table.size(); ++i) {
    const ZoneTable::Period period = table.period(i);
    check(period.begin < period.end, "periods are not empty");
    check(i == 0 || period.offset != period.prev_offset, "adjacent periods differ in offset");
    check(table.locate(period.begin) == i, "a period's start is located in it");
  }
  walk_fires(table);
  return 0;
}
