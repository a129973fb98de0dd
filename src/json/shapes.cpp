#include "json/shapes.hpp"

#include "util/time.hpp"

namespace certcron::json {

Json optional_instant(std::optional<Seconds> instant) {
  return instant ? Json(util::format_rfc3339(*instant)) : Json(nullptr);
}

Json run_result_to_json(const RunResult& result) {
  return Json{{"mentors_checked", result.mentors_checked},
              {"reminders_sent", result.reminders_sent},
              {"errors", result.errors},
              {"certifications_checked", result.certifications_checked}};
}

Json job_to_json(const JobDetails& details, Seconds now, const std::string& ping_base_url) {
  const Job& job = details.job;
  const JobDefinition& def = job.definition;
  const bool is_cron = def.type == ScheduleType::cron;
  const auto label = label_for(job.latest_result);
  Json out;
  out["id"] = job.id();
  out["name"] = def.name;
  out["description"] = def.description;
  out["type"] = to_string(def.type);
  out["cron_expression"] = is_cron ? Json(def.cron_expression) : Json(nullptr);
  out["frequency_in_minutes"] = is_cron ? Json(nullptr) : Json(def.frequency_in_minutes);
  out["grace_time_in_minutes"] = def.grace_time_in_minutes;
  out["max_runtime_in_minutes"] =
      def.max_runtime_in_minutes ? Json(*def.max_runtime_in_minutes) : Json(nullptr);
  out["catch_up"] = def.catch_up;
  out["server_timezone"] = def.server_timezone;
  out["status"] = def.enabled ? "active" : "disabled";
  out["uuid"] = job.uuid;
  out["ping_url"] = ping_base_url + "/ping/" + job.uuid;
  out["human_readable_cron_expression"] = details.human_readable_cron_expression;
  const auto& last = details.last_run;
  out["last_run_at"] = last ? Json(util::format_rfc3339(last->started_at)) : Json(nullptr);
  out["last_run_status"] = last ? Json(to_string(last->status)) : Json(nullptr);
  out["last_run_result"] =
      last && last->result ? run_result_to_json(*last->result) : Json(nullptr);
  out["next_run_at"] = optional_instant(details.next_run_at);
  // Why next_run_at is null for an enabled job (a zone gone from tzdata); null otherwise.
  out["schedule_error"] =
      details.schedule_error.empty() ? Json(nullptr) : Json(details.schedule_error);
  out["latest_result"] = job.latest_result ? Json(to_string(*job.latest_result)) : Json(nullptr);
  out["latest_result_label"] = label.label;
  out["latest_result_label_color"] = label.color;
  out["latest_ping_at"] = optional_instant(job.latest_ping_at);
  if (job.snooze && job.snooze->ends_at > now) {
    out["active_snooze"] = Json{{"ends_at", util::format_rfc3339(job.snooze->ends_at)},
                                {"minutes", job.snooze->minutes}};
  } else {
    out["active_snooze"] = nullptr;
  }
  out["created_at"] = util::format_rfc3339(job.created_at);
  out["updated_at"] = util::format_rfc3339(job.updated_at);
  return out;
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
