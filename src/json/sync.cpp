#include "json/sync.hpp"

#include "json/parse.hpp"

#include <algorithm>
#include <iterator>

namespace certcron::json {
namespace {

using Parsed = nlohmann::json;

constexpr std::string_view kEntryFields[] = {"name",
                                        "type",
                                        "cron_expression",
                                        "frequency_in_minutes",
                                        "grace_time_in_minutes",
                                        "server_timezone",
                                        "description",
                                        "enabled",
                                        "max_runtime_in_minutes",
                                        "catch_up"};

Error wrong_type(const std::string& where, const char* expected) {
  return Error::usage("The field '" + where + "' must be " + expected + ".");
}

// One entry's fields; a wrong JSON type ends the parse, anything about values is collected in
// `errors` (keyed as the seed's clients expect, "cron_checks.N.field").
Result<CreateJobRequest> read_entry(const Parsed& item, const std::string& where,
                                    FieldErrors& errors) {
  if (!item.is_object()) {
    return fail(wrong_type(where, "an object"));
  }
  CreateJobRequest entry;
  for (const auto& field : item.items()) {
    const std::string key = where + "." + field.key();
    const Parsed& value = field.value();
    if (std::ranges::find(kEntryFields, std::string_view(field.key())) ==
        std::end(kEntryFields)) {
      std::string names;
      for (std::string_view name : kEntryFields) {
        names += (names.empty() ? "" : ", ") + std::string(name);
      }
      errors[key].push_back("Unknown field; the fields are " + names + ".");
      continue;
    }
    if (value.is_null()) {
      continue;  // null is absent, as in create
    }
    if (field.key() == "enabled" || field.key() == "catch_up") {
      if (!value.is_boolean()) {
        return fail(wrong_type(key, "true or false"));
      }
      (field.key() == "enabled" ? entry.enabled : entry.catch_up) = value.get<bool>();
    } else if (field.key() == "frequency_in_minutes" || field.key() == "grace_time_in_minutes" ||
               field.key() == "max_runtime_in_minutes") {
      if (!value.is_number_integer()) {
        return fail(wrong_type(key, "a whole number"));
      }
      const auto number = whole_number_as_int(value);
      if (!number) {
        errors[key].push_back("The " + field.key() + " is out of range.");
        continue;
      }
      (field.key() == "frequency_in_minutes"     ? entry.frequency_in_minutes
       : field.key() == "grace_time_in_minutes" ? entry.grace_time_in_minutes
                                                : entry.max_runtime_in_minutes) = *number;
    } else {
      if (!value.is_string()) {
        return fail(wrong_type(key, "a string"));
      }
      const std::string text = value.get<std::string>();
      if (field.key() == "name") {
        entry.name = text;
      } else if (field.key() == "description") {
        entry.description = text;
      } else if (field.key() == "cron_expression") {
        entry.cron_expression = text;
      } else if (field.key() == "server_timezone") {
        entry.server_timezone = text;
      } else if (text == "cron" || text == "simple") {
        entry.type = text == "cron" ? ScheduleType::cron : ScheduleType::simple;
      } else {
        errors[key].push_back("The type must be cron or simple.");
      }
    }
  }
  return entry;
}

}  // namespace

Result<std::vector<CreateJobRequest>> parse_sync_document(std::string_view text) {
  auto read = parse_client_json(text, "The sync document is not valid JSON.");
  if (!read) {
    return fail(read.error());
  }
  const Parsed document = std::move(*read);
  if (!document.is_object()) {
    return fail(Error::usage("The sync document must be a JSON object with a cron_checks array."));
  }
  FieldErrors errors;
  for (const auto& field : document.items()) {
    if (field.key() != "cron_checks") {
      errors[field.key()].push_back("Unknown field; the field is cron_checks.");
    }
  }
  auto checks = document.find("cron_checks");
  if (checks == document.end() || checks->is_null()) {
    errors["cron_checks"].push_back("The cron checks field is required.");
    return fail(Error::invalid(std::move(errors)));
  }
  if (!checks->is_array()) {
    return fail(wrong_type("cron_checks", "an array"));
  }
  std::vector<CreateJobRequest> entries;
  for (std::size_t i = 0; i < checks->size(); ++i) {
    auto entry = read_entry((*checks)[i], "cron_checks." + std::to_string(i), errors);
    if (!entry) {
      return fail(entry.error());
    }
    entries.push_back(std::move(*entry));
  }
  if (!errors.empty()) {
    return fail(Error::invalid(std::move(errors)));
  }
  return entries;
}

Json sync_step_to_json(const SyncStep& step) {
  Json changes = Json::array();
  for (const std::string& field : step.changes) {
    changes.push_back(field);
  }
  return Json{{"action", to_string(step.action)},
              {"id", step.job ? Json(step.job->id()) : Json(nullptr)},
              {"name", step.name},
              {"changes", std::move(changes)}};
}

Json sync_outcome_to_json(const SyncOutcome& outcome, bool dry_run, Seconds now,
                          const std::string& ping_base_url) {
  Json plan = Json::array();
  for (const SyncStep& step : outcome.plan.steps) {
    plan.push_back(sync_step_to_json(step));
  }
  Json data = Json::array();
  for (const JobDetails& details : outcome.jobs) {
    data.push_back(job_to_json(details, now, ping_base_url));
  }
  return Json{{"dry_run", dry_run},
              {"applied", outcome.applied},
              {"plan", std::move(plan)},
              {"data", std::move(data)}};
}

}  // namespace certcron::json
