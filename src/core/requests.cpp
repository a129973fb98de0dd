#include "core/requests.hpp"

#include <algorithm>
#include <cstdio>

namespace certcron {

Result<JobDefinition> definition_from(const CreateJobRequest& request,
                                      std::string_view default_zone) {
  const bool has_cron = request.cron_expression.has_value();
  const bool has_every = request.frequency_in_minutes.has_value();
  if (has_cron == has_every) {
    // Both faces read this: the CLI's flags and the API's fields are named together.
    return fail(Error::invalid("cron_expression",
                               "Give exactly one of --cron / cron_expression or --every / "
                               "frequency_in_minutes."));
  }
  const ScheduleType type = has_cron ? ScheduleType::cron : ScheduleType::simple;
  if (request.type && *request.type != type) {
    return fail(Error::invalid(
        "type", type == ScheduleType::cron
                    ? "A cron job takes a cron_expression, not a frequency_in_minutes."
                    : "A simple job takes a frequency_in_minutes, not a cron_expression."));
  }
  JobDefinition definition;
  definition.name = request.name;
  definition.description = request.description;
  definition.type = type;
  if (has_cron) {
    definition.cron_expression = *request.cron_expression;
  } else {
    definition.frequency_in_minutes = *request.frequency_in_minutes;
  }
  definition.grace_time_in_minutes =
      request.grace_time_in_minutes.value_or(definition.grace_time_in_minutes);
  definition.server_timezone = request.server_timezone.value_or(std::string(default_zone));
  definition.enabled = request.enabled;
  definition.max_runtime_in_minutes = request.max_runtime_in_minutes;
  definition.catch_up = request.catch_up;
  return definition;
}

Result<void> check_update_type(std::optional<ScheduleType> type, bool has_cron_expression,
                               bool has_frequency) {
  if (type == ScheduleType::simple && has_cron_expression) {
    return fail(Error::invalid(
        "type", "A simple job takes a frequency_in_minutes, not a cron_expression."));
  }
  if (type == ScheduleType::cron && has_frequency) {
    return fail(Error::invalid(
        "type", "A cron job takes a cron_expression, not a frequency_in_minutes."));
  }
  if (type && !has_cron_expression && !has_frequency) {
    return fail(Error::invalid(
        *type == ScheduleType::cron ? "cron_expression" : "frequency_in_minutes",
        "Changing the type needs the new schedule."));
  }
  return {};
}

Result<void> check_required_fields(const CreateJobRequest& request,
                                   const RequiredFields& required) {
  FieldErrors errors;
  if (required.type && !request.type) {
    errors["type"].push_back("The type field is required (cron or simple).");
  }
  if (required.grace_time && !request.grace_time_in_minutes) {
    errors["grace_time_in_minutes"].push_back("The grace time in minutes field is required.");
  }
  // A job given as cron: by its type, or by its expression when the type is left out.
  const bool is_cron = request.type ? *request.type == ScheduleType::cron
                                    : request.cron_expression.has_value();
  if (required.schedule_of_type && request.type == ScheduleType::simple &&
      !request.frequency_in_minutes) {
    errors["frequency_in_minutes"].push_back(
        "The frequency in minutes field is required when type is simple.");
  }
  if (required.schedule_of_type && request.type == ScheduleType::cron &&
      !request.cron_expression) {
    errors["cron_expression"].push_back("The cron expression field is required when type is cron.");
  }
  if (required.zone_for_cron && is_cron && !request.server_timezone) {
    errors["server_timezone"].push_back(
        "The server timezone field is required when type is cron.");
  }
  if (!errors.empty()) {
    return fail(Error::invalid(std::move(errors)));
  }
  return {};
}

std::string invalid_text_message(std::string_view field, const util::TextProblem& problem) {
  std::string label(field);
  std::ranges::replace(label, '_', ' ');
  const std::string byte = "byte " + std::to_string(problem.offset + 1);
  if (problem.kind == util::TextProblem::Kind::invalid_utf8) {
    return "The " + label + " is not valid UTF-8 (" + byte + ").";
  }
  char code[16];
  std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(problem.code_point));
  return "The " + label + " may not contain control characters (" + code + " at " + byte + ").";
}

Result<JobStatusFilter> parse_status_filter(std::string_view text) {
  if (text.empty()) {
    return JobStatusFilter::any;
  }
  if (text == "active") {
    return JobStatusFilter::active;
  }
  if (text == "disabled") {
    return JobStatusFilter::disabled;
  }
  return fail(Error::invalid("status", "The status must be active or disabled."));
}

Result<std::optional<RunStatus>> parse_run_status_filter(std::string_view text) {
  if (text.empty()) {
    return std::optional<RunStatus>{};
  }
  if (auto status = parse_run_status(text)) {
    return std::optional<RunStatus>{*status};
  }
  return fail(
      Error::invalid("status", "The status must be running, success, failed or abandoned."));
}

Result<void> validate_due_days(int days) {
  if (days < 0 || days > kMaxDueDays) {
    return fail(Error::invalid("days", "The days must be between 0 and 3650."));
  }
  return {};
}

}  // namespace certcron
