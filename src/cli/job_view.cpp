#include "cli/job_view.hpp"

#include "json/shapes.hpp"
#include "util/time.hpp"

namespace certcron::cli {

std::string schedule_text(const JobDefinition& definition) {
  if (definition.type == ScheduleType::simple) {
    return "every " + std::to_string(definition.frequency_in_minutes) + " min";
  }
  return definition.cron_expression;
}

std::string status_cell(const Context& context, const Job& job) {
  const bool enabled = job.definition.enabled;
  return context.out().paint(enabled ? "active" : "disabled",
                             enabled ? Color::green : Color::grey);
}

std::string run_status_cell(const Context& context, RunStatus status) {
  Color color = Color::none;
  switch (status) {
    case RunStatus::success: color = Color::green; break;
    case RunStatus::failed: color = Color::red; break;
    case RunStatus::running: color = Color::blue; break;
    case RunStatus::abandoned: color = Color::orange; break;
  }
  return context.out().paint(to_string(status), color);
}

std::string monitoring_cell(Context& context, const Job& job) {
  const auto label = label_for(job.latest_result);
  std::string cell = context.out().paint(label.label, context.out().color_named(label.color));
  if (job.snoozed_at(context.clock().now())) {
    cell += " (snoozed)";
  }
  return cell;
}

std::string instant_text(std::optional<Seconds> instant) {
  return instant ? util::format_rfc3339(*instant) : "-";
}

void print_job(Context& context, const JobDetails& details) {
  if (context.options.json) {
    context.out().print_json(
        json::job_to_json(details, context.clock().now(), context.ping_base_url()));
    return;
  }
  if (context.options.quiet) {
    return;
  }
  const Job& job = details.job;
  const JobDefinition& def = job.definition;
  const auto label = label_for(job.latest_result);
  std::string last_run = "-";
  if (details.last_run) {
    const Run& run = *details.last_run;
    last_run = run.id() + " " + run_status_cell(context, run.status) + " at " +
               util::format_rfc3339(run.started_at);
    if (run.result) {
      last_run += " (" + std::to_string(run.result->mentors_checked) + " mentors checked, " +
                  std::to_string(run.result->reminders_sent) + " reminders sent, " +
                  std::to_string(run.result->errors) + " errors)";
    }
  }
  std::string snooze = "-";
  if (job.snooze && job.snooze->ends_at > context.clock().now()) {
    snooze = "until " + util::format_rfc3339(job.snooze->ends_at);
  }
  context.out().print_fields({
      {"id", job.id()},
      {"name", def.name},
      {"description", def.description.empty() ? "-" : def.description},
      {"status", status_cell(context, job)},
      {"schedule", schedule_text(def) + (details.schedule_error.empty()
                                             ? " (" + details.human_readable_cron_expression + ")"
                                             : " (cannot be computed: " + details.schedule_error + ")")},
      {"timezone", def.server_timezone},
      {"grace", std::to_string(def.grace_time_in_minutes) + " min"},
      {"max runtime", def.max_runtime_in_minutes
                          ? std::to_string(*def.max_runtime_in_minutes) + " min"
                          : std::string("-")},
      {"catch-up", def.catch_up ? "yes" : "no"},
      {"next run", instant_text(details.next_run_at)},
      {"last run", last_run},
      {"monitoring", context.out().paint(label.label, context.out().color_named(label.color)) +
                         (job.latest_result ? std::string(" (") + to_string(*job.latest_result) + ")"
                                            : std::string())},
      {"snoozed", snooze},
      {"ping url", context.ping_base_url() + "/ping/" + job.uuid},
      {"created", util::format_rfc3339(job.created_at)},
      {"updated", util::format_rfc3339(job.updated_at)},
  });
}

}  // namespace certcron::cli
