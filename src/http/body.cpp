#include "http/body.hpp"

#include "json/parse.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <initializer_list>

namespace certcron::http {
namespace {

using Json = nlohmann::json;

Result<Json> parse_object(std::string_view body, bool empty_is_object) {
  if (empty_is_object && body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Json::object();
  }
  auto read = json::parse_client_json(body, "The request body is not valid JSON.");
  if (!read) {
    return fail(read.error());
  }
  Json parsed = std::move(*read);
  if (!parsed.is_object()) {
    return fail(Error::usage("The request body must be a JSON object."));
  }
  return parsed;
}

// A misspelt field ("enabeld") silently ignored would create something other than what was
// asked; every field a body may carry is named here.
Result<void> reject_unknown_fields(const Json& object, std::initializer_list<std::string_view> known) {
  std::string names;
  for (std::string_view name : known) {
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  FieldErrors errors;
  for (const auto& item : object.items()) {
    if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
      errors[item.key()].push_back(names.empty() ? "Unknown field; this request takes no fields."
                                                 : "Unknown field; the fields are " + names + ".");
    }
  }
  if (!errors.empty()) {
    return fail(Error::invalid(std::move(errors)));
  }
  return {};
}

const std::initializer_list<std::string_view> kJobFields = {
    "name", "description", "type", "cron_expression", "frequency_in_minutes",
    "grace_time_in_minutes", "server_timezone", "enabled", "max_runtime_in_minutes",
    "catch_up"};

Error wrong_type(const std::string& field, const char* expected) {
  return Error::usage("The field '" + field + "' must be " + expected + ".");
}

// Each reader leaves `out` unset when the field is absent (null counts as absent).
Result<void> read_string(const Json& object, const std::string& field,
                         std::optional<std::string>& out) {
  auto found = object.find(field);
  if (found == object.end() || found->is_null()) {
    return {};
  }
  if (!found->is_string()) {
    return fail(wrong_type(field, "a string"));
  }
  out = found->get<std::string>();
  return {};
}

Result<void> read_int(const Json& object, const std::string& field, std::optional<int>& out) {
  auto found = object.find(field);
  if (found == object.end() || found->is_null()) {
    return {};
  }
  if (!found->is_number_integer()) {
    return fail(wrong_type(field, "a whole number"));
  }
  const auto value = json::whole_number_as_int(*found);
  if (!value) {
    return fail(Error::invalid(field, "The " + field + " is out of range."));
  }
  out = *value;
  return {};
}

Result<void> read_bool(const Json& object, const std::string& field, std::optional<bool>& out) {
  auto found = object.find(field);
  if (found == object.end() || found->is_null()) {
    return {};
  }
  if (!found->is_boolean()) {
    return fail(wrong_type(field, "true or false"));
  }
  out = found->get<bool>();
  return {};
}

Result<std::optional<ScheduleType>> read_type(const Json& object) {
  std::optional<std::string> text;
  if (auto read = read_string(object, "type", text); !read) {
    return fail(read.error());
  }
  if (!text) {
    return std::optional<ScheduleType>{};
  }
  if (*text == "cron") {
    return std::optional<ScheduleType>{ScheduleType::cron};
  }
  if (*text == "simple") {
    return std::optional<ScheduleType>{ScheduleType::simple};
  }
  return fail(Error::invalid("type", "The type must be cron or simple."));
}

// The fields create and update share, read into JobChanges.
Result<void> read_job_fields(const Json& object, JobChanges& changes) {
  Result<void> read = reject_unknown_fields(object, kJobFields);
  if (read) {
    read = read_string(object, "name", changes.name);
  }
  if (read) {
    read = read_string(object, "description", changes.description);
  }
  if (read) {
    read = read_string(object, "cron_expression", changes.cron_expression);
  }
  if (read) {
    read = read_int(object, "frequency_in_minutes", changes.frequency_in_minutes);
  }
  if (read) {
    read = read_int(object, "grace_time_in_minutes", changes.grace_time_in_minutes);
  }
  if (read) {
    read = read_string(object, "server_timezone", changes.server_timezone);
  }
  if (read) {
    read = read_bool(object, "enabled", changes.enabled);
  }
  if (read) {
    read = read_bool(object, "catch_up", changes.catch_up);
  }
  // Here null is a value: "no maximum".
  if (auto found = object.find("max_runtime_in_minutes"); read && found != object.end()) {
    std::optional<int> minutes;
    read = read_int(object, "max_runtime_in_minutes", minutes);
    changes.max_runtime_in_minutes = minutes;
  }
  return read;
}

}  // namespace

Result<CreateJobRequest> parse_create_body(std::string_view body,
                                           const RequiredFields& required) {
  auto object = parse_object(body, false);
  if (!object) {
    return fail(object.error());
  }
  JobChanges fields;
  if (auto read = read_job_fields(*object, fields); !read) {
    return fail(read.error());
  }
  auto type = read_type(*object);
  if (!type) {
    return fail(type.error());
  }
  CreateJobRequest request;
  request.name = fields.name.value_or("");
  request.description = fields.description.value_or("");
  request.type = *type;
  request.cron_expression = fields.cron_expression;
  request.frequency_in_minutes = fields.frequency_in_minutes;
  request.grace_time_in_minutes = fields.grace_time_in_minutes;
  request.server_timezone = fields.server_timezone;
  request.enabled = fields.enabled.value_or(true);
  request.max_runtime_in_minutes = fields.max_runtime_in_minutes.value_or(std::nullopt);
  request.catch_up = fields.catch_up.value_or(true);
  if (auto complete = check_required_fields(request, required); !complete) {
    return fail(complete.error());
  }
  return request;
}

Result<JobChanges> parse_update_body(std::string_view body) {
  auto object = parse_object(body, false);
  if (!object) {
    return fail(object.error());
  }
  JobChanges changes;
  if (auto read = read_job_fields(*object, changes); !read) {
    return fail(read.error());
  }
  auto type = read_type(*object);
  if (!type) {
    return fail(type.error());
  }
  if (auto agrees = check_update_type(*type, changes.cron_expression.has_value(),
                                      changes.frequency_in_minutes.has_value());
      !agrees) {
    return fail(agrees.error());
  }
  return changes;
}

Result<bool> parse_execute_body(std::string_view body) {
  auto object = parse_object(body, true);
  if (!object) {
    return fail(object.error());
  }
  std::optional<bool> dry_run;
  if (auto known = reject_unknown_fields(*object, {"dry_run"}); !known) {
    return fail(known.error());
  }
  if (auto read = read_bool(*object, "dry_run", dry_run); !read) {
    return fail(read.error());
  }
  return dry_run.value_or(false);
}

Result<int> parse_snooze_body(std::string_view body) {
  auto object = parse_object(body, false);
  if (!object) {
    return fail(object.error());
  }
  if (auto known = reject_unknown_fields(*object, {"minutes"}); !known) {
    return fail(known.error());
  }
  std::optional<int> minutes;
  if (auto read = read_int(*object, "minutes", minutes); !read) {
    return fail(read.error());
  }
  if (!minutes) {
    return fail(Error::invalid("minutes", "The minutes field is required."));
  }
  return *minutes;
}

Result<void> parse_empty_body(std::string_view body) {
  auto object = parse_object(body, true);
  if (!object) {
    return fail(object.error());
  }
  return reject_unknown_fields(*object, {});
}

namespace {

Result<int> whole_number(std::optional<std::string_view> text, const char* field, int fallback) {
  if (!text) {
    return fallback;
  }
  int value = 0;
  const char* end = text->data() + text->size();
  auto [next, error] = std::from_chars(text->data(), end, value);
  if (text->empty() || error != std::errc{} || next != end) {
    return fail(Error::invalid(field, std::string("The ") + field + " must be a whole number."));
  }
  return value;
}

}  // namespace

Result<PageRequest> parse_page_query(std::optional<std::string_view> page,
                                     std::optional<std::string_view> limit) {
  auto page_number = whole_number(page, "page", 1);
  auto page_limit = whole_number(limit, "limit", 20);
  // Both are reported at once: a value that is not a number, or one out of range.
  auto ranges = validate_page(page_number.value_or(1), page_limit.value_or(20));
  FieldErrors errors = ranges ? FieldErrors{} : ranges.error().fields;
  for (const auto* part : {&page_number, &page_limit}) {
    if (!*part) {
      for (const auto& [field, messages] : part->error().fields) {
        errors[field] = messages;
      }
    }
  }
  if (!errors.empty()) {
    return fail(Error::invalid(std::move(errors)));
  }
  return PageRequest{*page_number, *page_limit};
}

}  // namespace certcron::http
