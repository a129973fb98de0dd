#include "json/shapes.hpp"

#include "util/time.hpp"

namespace certcron::json {

Json optional_instant(std::optional<Seconds> instant) {
  return instant ? Json(util::format_rfc3339(*instant)) : Json(nullptr);
}

namespace {

void write_run_result(JsonWriter& out, const RunResult& result) {
  out.begin_object();
  out.field("mentors_checked", result.mentors_checked);
  out.field("reminders_sent", result.reminders_sent);
  out.field("errors", result.errors);
  out.field("certifications_checked", result.certifications_checked);
  out.end_object();
}

}  // namespace

Json run_result_to_json(const RunResult& result) {
  std::string text;
  JsonWriter out(text);
  write_run_result(out, result);
  return Json::parse(text);
}

void write_job(JsonWriter& out, const JobDetails& details, Seconds now,
               std::string_view ping_base_url) {
  const Job& job = details.job;
  const JobDefinition& def = job.definition;
  const bool is_cron = def.type == ScheduleType::cron;
  const auto label = label_for(job.latest_result);
  const auto& last = details.last_run;
  out.begin_object();
  out.field("id", job.id());
  out.field("name", def.name);
  out.field("description", def.description);
  out.field("type", to_string(def.type));
  out.field("cron_expression", is_cron ? std::optional<std::string_view>(def.cron_expression)
                                     : std::nullopt);
  out.field("frequency_in_minutes",
            is_cron ? std::nullopt : std::optional<int>(def.frequency_in_minutes));
  out.field("grace_time_in_minutes", def.grace_time_in_minutes);
  out.field("max_runtime_in_minutes", def.max_runtime_in_minutes);
  out.field("catch_up", def.catch_up);
  out.field("server_timezone", def.server_timezone);
  out.field("status", def.enabled ? "active" : "disabled");
  out.field("uuid", job.uuid);
  out.key("ping_url").string_parts({ping_base_url, "/ping/", job.uuid});
  out.field("human_readable_cron_expression", details.human_readable_cron_expression);
  out.field("last_run_at", last ? std::optional<Seconds>(last->started_at) : std::nullopt);
  out.field("last_run_status", last ? to_string(last->status) : nullptr);
  out.key("last_run_result");
  if (last && last->result) {
    write_run_result(out, *last->result);
  } else {
    out.null();
  }
  out.field("next_run_at", details.next_run_at);
  // Why next_run_at is null for an enabled job (a zone gone from tzdata); null otherwise.
  out.field("schedule_error", details.schedule_error.empty()
                                  ? std::nullopt
                                  : std::optional<std::string_view>(details.schedule_error));
  out.field("latest_result", job.latest_result ? to_string(*job.latest_result) : nullptr);
  out.field("latest_result_label", label.label);
  out.field("latest_result_label_color", label.color);
  out.field("latest_ping_at", job.latest_ping_at);
  out.key("active_snooze");
  if (job.snoozed_at(now)) {
    out.begin_object();
    out.field("ends_at", job.snooze->ends_at);
    out.field("minutes", job.snooze->minutes);
    out.end_object();
  } else {
    out.null();
  }
  out.field("created_at", job.created_at);
  out.field("updated_at", job.updated_at);
  out.end_object();
}

void write_job_page(JsonWriter& out, const Page<JobDetails>& page, Seconds now,
                    std::string_view ping_base_url) {
  out.begin_object();
  out.key("data").begin_array();
  for (const JobDetails& details : page.items) {
    write_job(out, details, now, ping_base_url);
  }
  out.end_array();
  out.key("pagination").begin_object();
  out.field("page", page.page);
  out.field("limit", page.limit);
  out.field("total", page.total);
  out.end_object();
  out.end_object();
}

Json job_to_json(const JobDetails& details, Seconds now, const std::string& ping_base_url) {
  std::string text;
  JsonWriter out(text);
  write_job(out, details, now, ping_base_url);
  return Json::parse(text);
}

Json job_page_to_json(const Page<JobDetails>& page, Seconds now, std::string_view ping_base_url) {
  std::string text;
  JsonWriter out(text);
  write_job_page(out, page, now, ping_base_url);
  return Json::parse(text);
}

Json run_to_json(const Run& run) {
  Json out;
  out["run_id"] = run.id();
  out["cron_id"] = run.job_id();
  out["trigger"] = to_string(run.trigger);
  out["scheduled_for"] = optional_instant(run.scheduled_for);
  out["started_at"] = util::format_rfc3339(run.started_at);
  out["completed_at"] = optional_instant(run.completed_at);
  out["status"] = to_string(run.status);
  out["dry_run"] = run.dry_run;
  out["result"] = run.result ? run_result_to_json(*run.result) : Json(nullptr);
  if (!run.error_message.empty()) {
    out["error"] = run.error_message;
  }
  return out;
}

Json deleted_to_json(const Job& job) { return Json{{"deleted", true}, {"id", job.id()}}; }

Json execute_accepted_to_json(const Run& run) {
  return Json{{"run_id", run.id()},
              {"cron_id", run.job_id()},
              {"triggered_at", util::format_rfc3339(run.started_at)},
              {"status", to_string(run.status)}};
}

Json page_to_json(Json data, int page, int limit, std::int64_t total) {
  return Json{{"data", std::move(data)},
              {"pagination", Json{{"page", page}, {"limit", limit}, {"total", total}}}};
}

Json error_to_json(const Error& error) {
  Json out{{"message", error.message}};
  if (error.kind == ErrorKind::validation) {
    Json fields = Json::object();
    for (const auto& [field, messages] : error.fields) {
      fields[field] = messages;
    }
    out["errors"] = std::move(fields);
  }
  return out;
}

}  // namespace certcron::json
