#pragma once

// What a face (the CLI or the HTTP API) asks of the services, and the rules that turn it into
// core values. They live here so that both faces apply them the same way: a face only
// collects fields.

#include "core/error.hpp"
#include "core/job.hpp"
#include "core/store.hpp"
#include "util/utf8.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace certcron {

// A new job as a face received it: exactly one of a cron expression or a frequency; the
// type, when given, must agree with it.
struct CreateJobRequest {
  std::string name;
  std::string description;
  std::optional<ScheduleType> type;
  std::optional<std::string> cron_expression;
  std::optional<int> frequency_in_minutes;
  std::optional<int> grace_time_in_minutes;
  std::optional<std::string> server_timezone;  // absent: `default_zone`
  bool enabled = true;
  std::optional<int> max_runtime_in_minutes;  // absent: never "running too long"
  bool catch_up = true;
};

// The definition `request` asks for, with `default_zone` when it names none. Field errors in
// the seed's shape; the definition's own checks (validate_definition) come after.
Result<JobDefinition> definition_from(const CreateJobRequest& request,
                                      std::string_view default_zone);

// An update that names a type must carry that type's schedule and not the other's (the CLI
// says the type through --cron or --every, so only the API names it).
Result<void> check_update_type(std::optional<ScheduleType> type, bool has_cron_expression,
                               bool has_frequency);

// Fields a face requires beyond what definition_from needs. The contract's API and the CLI
// require none of these; the monitoring seed's own API requires the type and the grace time of
// every job, the schedule field its type names, and the zone of a cron job.
struct RequiredFields {
  bool type = false;
  bool grace_time = false;
  bool schedule_of_type = false;  // frequency_in_minutes for simple, cron_expression for cron
  bool zone_for_cron = false;
};
inline constexpr RequiredFields kSeedRequiredFields{true, true, true, true};

// Every field `required` names that `request` lacks, as validation errors keyed by field.
Result<void> check_required_fields(const CreateJobRequest& request,
                                   const RequiredFields& required);

// The seed's sentence for a text field whose value is not valid text, after the field's name
// ("server_timezone": "The server timezone is not valid UTF-8 (byte 4).", "The description may
// not contain control characters (U+0007 at byte 3)."). Bytes are counted from 1.
std::string invalid_text_message(std::string_view field, const util::TextProblem& problem);

// "" (any), "active" or "disabled".
Result<JobStatusFilter> parse_status_filter(std::string_view text);
// "" (any) or a run status.
Result<std::optional<RunStatus>> parse_run_status_filter(std::string_view text);

// `due --days N`: how far ahead to look.
inline constexpr int kMaxDueDays = 3650;
Result<void> validate_due_days(int days);

}  // namespace certcron
