#include "web/when.hpp"

#include "util/time.hpp"

namespace certcron::web {
namespace {

std::string counted(std::int64_t count, const char* unit) {
  return std::to_string(count) + " " + unit + (count == 1 ? "" : "s");
}

}  // namespace

std::string relative_to(Seconds then, Seconds now) {
  const std::int64_t seconds = (then - now).count();
  const std::int64_t span = seconds < 0 ? -seconds : seconds;
  if (span < 60) {
    return "just now";
  }
  std::string amount;
  if (span < 3600) {
    amount = counted(span / 60, "minute");
  } else if (span < 86400) {
    amount = counted(span / 3600, "hour");
  } else {
    amount = counted(span / 86400, "day");
  }
  return seconds < 0 ? amount + " ago" : "in " + amount;
}

std::string readable_utc(Seconds instant) {
  std::string text = util::format_rfc3339(instant);  // 2026-03-26T10:00:00Z
  if (text.size() != 20) {
    return text;  // a year outside 0000-9999: shown as stored
  }
  const bool whole_minute = text.compare(16, 3, ":00") == 0;
  return text.substr(0, 10) + " " + text.substr(11, whole_minute ? 5 : 8) + " UTC";
}

std::string duration_text(std::chrono::seconds duration) {
  const std::int64_t total = duration.count() < 0 ? 0 : duration.count();
  if (total < 60) {
    return std::to_string(total) + " s";
  }
  if (total < 3600) {
    const std::int64_t seconds = total % 60;
    return std::to_string(total / 60) + " min" +
           (seconds ? " " + std::to_string(seconds) + " s" : "");
  }
  if (total < 86400) {
    const std::int64_t minutes = total % 3600 / 60;
    return std::to_string(total / 3600) + " h" +
           (minutes ? " " + std::to_string(minutes) + " min" : "");
  }
  const std::int64_t hours = total % 86400 / 3600;
  return std::to_string(total / 86400) + " d" + (hours ? " " + std::to_string(hours) + " h" : "");
}

void write_instant(HtmlOut& out, Seconds instant, Seconds now) {
  out.raw("<time datetime=\"").text(util::format_rfc3339(instant)).raw("\">");
  out.text(readable_utc(instant)).raw("</time> <span class=\"rel\">");
  out.text(relative_to(instant, now)).raw("</span>");
}

}  // namespace certcron::web
