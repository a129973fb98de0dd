#include "json/cron_check.hpp"

#include "util/time.hpp"

#include <array>
#include <chrono>

namespace certcron::json {
namespace {

Json optional_seed_time(std::optional<Seconds> instant) {
  return instant ? Json(format_seed_time(*instant)) : Json(nullptr);
}

}  // namespace

std::string format_seed_time(Seconds instant) {
  std::string text = util::format_rfc3339(instant);  // "2020-07-28T13:27:02Z"
  text[10] = ' ';
  text.pop_back();
  return text;
}

std::string human_readable_since(Seconds then, Seconds now) {
  struct Unit {
    std::int64_t length;  // in seconds
    const char* name;
  };
  // Largest first; the first unit that fits at least once names the distance.
  static constexpr std::array<Unit, 6> kUnits{{{365 * 86400, "year"},
                                               {30 * 86400, "month"},
                                               {7 * 86400, "week"},
                                               {86400, "day"},
                                               {3600, "hour"},
                                               {60, "minute"}}};
  const std::int64_t elapsed = (now - then).count();
  for (const Unit& unit : kUnits) {
    const std::int64_t count = elapsed / unit.length;
    if (count >= 1) {
      return std::to_string(count) + " " + unit.name + (count == 1 ? "" : "s") + " ago";
    }
  }
  return "just now";
}

Json cron_check_to_json(const JobDetails& details, Seconds now, const std::string& ping_base_url) {
  const Job& job = details.job;
  const JobDefinition& def = job.definition;
  const bool is_cron = def.type == ScheduleType::cron;
  const auto label = label_for(job.latest_result);
  Json out;
  out["id"] = job.seq;
  out["uuid"] = job.uuid;
  out["name"] = def.name;
  out["type"] = to_string(def.type);
  out["description"] = def.description;
  out["frequency_in_minutes"] = is_cron ? Json(nullptr) : Json(def.frequency_in_minutes);
  out["grace_time_in_minutes"] = def.grace_time_in_minutes;
  out["cron_expression"] = is_cron ? Json(def.cron_expression) : Json(nullptr);
  // The seed shows "" for a simple check, whose schedule is not a cron expression.
  out["human_readable_cron_expression"] =
      is_cron ? details.human_readable_cron_expression : std::string();
  out["server_timezone"] = def.server_timezone;
  out["ping_url"] = ping_base_url + "/ping/" + job.uuid;
  out["created_at"] = format_seed_time(job.created_at);
  out["latest_result"] = job.latest_result ? Json(to_string(*job.latest_result)) : Json(nullptr);
  out["latest_result_label"] = label.label;
  out["latest_result_label_color"] = label.color;
  out["latest_ping_at"] = optional_seed_time(job.latest_ping_at);
  out["human_readable_latest_ping_at"] =
      job.latest_ping_at ? Json(human_readable_since(*job.latest_ping_at, now)) : Json(nullptr);
  // As in the contract's job object: a snooze that has ended is no snooze.
  if (job.snooze && job.snooze->ends_at > now) {
    out["active_snooze"] = Json{{"ends_at", util::format_rfc3339(job.snooze->ends_at)},
                                {"minutes", job.snooze->minutes}};
  } else {
    out["active_snooze"] = nullptr;
  }
  return out;
}

}  // namespace certcron::json
