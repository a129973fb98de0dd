#include "floor_job.hpp"

#include "floor_json.hpp"
#include "floor_schedule.hpp"

#include <cstdio>
#include <optional>

namespace floor_bench {
namespace {

std::string_view column_text(sqlite3_stmt* s, int column) {
  const auto* text = sqlite3_column_text(s, column);
  return {reinterpret_cast<const char*>(text),
          static_cast<std::size_t>(sqlite3_column_bytes(s, column))};
}

bool is_null(sqlite3_stmt* s, int column) { return sqlite3_column_type(s, column) == SQLITE_NULL; }

void append_nullable_time(std::string& out, sqlite3_stmt* s, int column) {
  if (is_null(s, column)) {
    out.append("null");
  } else {
    append_rfc3339(out, sqlite3_column_int64(s, column));
  }
}

void append_nullable_int(std::string& out, sqlite3_stmt* s, int column) {
  if (is_null(s, column)) {
    out.append("null");
  } else {
    append_int(out, sqlite3_column_int64(s, column));
  }
}

}  // namespace

void append_job(std::string& out, sqlite3_stmt* s, std::string_view ping_base,
                std::int64_t now) {
  char id[32];
  const int id_size = std::snprintf(id, sizeof id, "cron-%03lld",
                                    static_cast<long long>(sqlite3_column_int64(s, kSeq)));
  const std::string_view type = column_text(s, kType);
  const bool is_cron = type == "cron";
  std::optional<CronFields> fields;
  if (is_cron) {
    fields = parse_cron(column_text(s, kCron));
  }

  out.append("{\"id\":\"").append(id, static_cast<std::size_t>(id_size)).append("\",\"name\":");
  append_json_string(out, column_text(s, kName));
  out.append(",\"description\":");
  append_json_string(out, column_text(s, kDescription));
  out.append(",\"type\":");
  append_json_string(out, type);
  out.append(",\"cron_expression\":");
  if (is_null(s, kCron)) {
    out.append("null");
  } else {
    append_json_string(out, column_text(s, kCron));
  }
  out.append(",\"frequency_in_minutes\":");
  append_nullable_int(out, s, kFrequency);
  out.append(",\"grace_time_in_minutes\":");
  append_int(out, sqlite3_column_int64(s, kGrace));
  out.append(",\"max_runtime_in_minutes\":");
  append_nullable_int(out, s, kMaxRuntime);
  out.append(sqlite3_column_int(s, kCatchUp) != 0 ? ",\"catch_up\":true" : ",\"catch_up\":false");
  out.append(",\"server_timezone\":");
  append_json_string(out, column_text(s, kZone));
  out.append(sqlite3_column_int(s, kEnabled) != 0 ? ",\"status\":\"active\""
                                                  : ",\"status\":\"disabled\"");
  const std::string_view uuid = column_text(s, kUuid);
  out.append(",\"uuid\":");
  append_json_string(out, uuid);
  out.append(",\"ping_url\":\"").append(ping_base).append(uuid).append("\"");
  out.append(",\"human_readable_cron_expression\":");
  if (fields) {
    out.push_back('"');
    describe_cron(*fields, out);
    out.push_back('"');
  } else if (!is_cron) {
    out.append("\"Every ");
    append_int(out, sqlite3_column_int64(s, kFrequency));
    out.append(" minutes\"");
  } else {
    out.append("null");
  }

  out.append(",\"last_run_at\":");
  append_nullable_time(out, s, kRunStarted);
  out.append(",\"last_run_status\":");
  if (is_null(s, kRunStatus)) {
    out.append("null");
  } else {
    append_json_string(out, column_text(s, kRunStatus));
  }
  // A run that has not finished has no result yet.
  if (is_null(s, kRunMentors)) {
    out.append(",\"last_run_result\":null");
  } else {
    out.append(",\"last_run_result\":{\"mentors_checked\":");
    append_nullable_int(out, s, kRunMentors);
    out.append(",\"reminders_sent\":");
    append_nullable_int(out, s, kRunReminders);
    out.append(",\"errors\":");
    append_nullable_int(out, s, kRunErrors);
    out.append(",\"certifications_checked\":");
    append_nullable_int(out, s, kRunCertifications);
    out.push_back('}');
  }

  out.append(",\"next_run_at\":");
  std::optional<std::int64_t> next;
  if (sqlite3_column_int(s, kEnabled) != 0) {
    if (fields && column_text(s, kZone) == "UTC") {
      next = next_fire_utc(*fields, now);
    } else if (!is_cron) {
      next = next_slot_every(sqlite3_column_int64(s, kFrequency), now);
    }
  }
  if (next) {
    append_rfc3339(out, *next);
  } else {
    out.append("null");
  }
  // Every zone the floor handles exists, so no schedule ever fails to compute.
  out.append(",\"schedule_error\":null");

  const std::string_view latest = column_text(s, kLatestResult);
  out.append(",\"latest_result\":");
  if (is_null(s, kLatestResult)) {
    out.append("null");
  } else {
    append_json_string(out, latest);
  }
  // From the API's enums (/openapi.json); only pingFinished and null occur in the benchmark.
  std::string_view label = "pending";
  std::string_view color = "grey";
  if (latest == "pingFinished") {
    label = "ok";
    color = "green";
  } else if (latest == "pingStarting") {
    label = "running";
    color = "blue";
  } else if (latest == "pingFailed" || latest == "checkFailed") {
    label = "failed";
    color = "red";
  } else if (latest == "checkRanTooLate") {
    label = "late";
    color = "orange";
  } else if (latest.starts_with("sent")) {
    label = "notified";
    color = "orange";
  } else if (latest == "cronCheckChanged") {
    label = "changed";
  }
  out.append(",\"latest_result_label\":\"").append(label);
  out.append("\",\"latest_result_label_color\":\"").append(color).append("\"");
  out.append(",\"latest_ping_at\":");
  append_nullable_time(out, s, kLatestPing);
  out.append(",\"active_snooze\":");
  if (!is_null(s, kSnoozeEnds) && sqlite3_column_int64(s, kSnoozeEnds) > now) {
    out.append("{\"ends_at\":");
    append_rfc3339(out, sqlite3_column_int64(s, kSnoozeEnds));
    out.append(",\"minutes\":");
    append_nullable_int(out, s, kSnoozeMinutes);
    out.push_back('}');
  } else {
    out.append("null");
  }
  out.append(",\"created_at\":");
  append_rfc3339(out, sqlite3_column_int64(s, kCreated));
  out.append(",\"updated_at\":");
  append_rfc3339(out, sqlite3_column_int64(s, kUpdated));
  out.push_back('}');
}

}  // namespace floor_bench
