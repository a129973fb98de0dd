#include "http/body.hpp"
#include "http/routes.hpp"
#include "json/pings.hpp"

#include <nlohmann/json.hpp>

namespace certcron::http {
namespace {

// {"minutes": N}: the one field snooze takes. A missing or out-of-range value is the core's
// 422 on "minutes"; a value of the wrong JSON type is 400, as for every body.
Result<int> parse_snooze_body(std::string_view body) {
  const auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return fail(Error::usage("The request body is not valid JSON."));
  }
  if (!parsed.is_object()) {
    return fail(Error::usage("The request body must be a JSON object."));
  }
  FieldErrors errors;
  for (const auto& item : parsed.items()) {
    if (item.key() != "minutes") {
      errors[item.key()].push_back("Unknown field; the fields are minutes.");
    }
  }
  auto minutes = parsed.find("minutes");
  if (minutes == parsed.end() || minutes->is_null()) {
    errors["minutes"].push_back("The minutes field is required.");
  } else if (!minutes->is_number_integer()) {
    return fail(Error::usage("The field 'minutes' must be a whole number."));
  }
  if (!errors.empty()) {
    return fail(Error::invalid(std::move(errors)));
  }
  const auto value = minutes->get<std::int64_t>();
  if (value < kMinSnoozeMinutes || value > kMaxSnoozeMinutes) {
    return fail(Error::invalid("minutes", "The minutes must be between 1 and 144000."));
  }
  return static_cast<int>(value);
}

// Unsnooze takes no field: an empty body or {}.
Result<void> parse_unsnooze_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return {};
  }
  const auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return fail(Error::usage("The request body is not valid JSON."));
  }
  if (!parsed.is_object()) {
    return fail(Error::usage("The request body must be a JSON object."));
  }
  FieldErrors errors;
  for (const auto& item : parsed.items()) {
    errors[item.key()].push_back("Unknown field; unsnooze takes no fields.");
  }
  if (!errors.empty()) {
    return fail(Error::invalid(std::move(errors)));
  }
  return {};
}

Response snooze(RouteCall& call) {
  auto minutes = parse_snooze_body(call.request.body);
  if (!minutes) {
    return error_response(minutes.error());
  }
  auto snoozed = call.app.jobs().snooze(call.captures.at("id"), *minutes);
  return snoozed ? json_response(200, job_json(call, *snoozed)) : error_response(snoozed.error());
}

Response unsnooze(RouteCall& call) {
  if (auto body = parse_unsnooze_body(call.request.body); !body) {
    return error_response(body.error());
  }
  auto unsnoozed = call.app.jobs().unsnooze(call.captures.at("id"));
  return unsnoozed ? json_response(200, job_json(call, *unsnoozed))
                   : error_response(unsnoozed.error());
}

Response pings(RouteCall& call) {
  auto page = parse_page_query(call.request.query_param("page"), call.request.query_param("limit"));
  if (!page) {
    return error_response(page.error());
  }
  auto listed = call.app.pings().history(call.captures.at("id"), *page);
  if (!listed) {
    return error_response(listed.error());
  }
  json::Json data = json::Json::array();
  for (const Ping& ping : listed->items) {
    data.push_back(json::ping_to_json(ping));
  }
  return json_response(200, json::page_to_json(std::move(data), listed->page, listed->limit,
                                               listed->total));
}

}  // namespace

void add_monitoring_routes(RouteTable& table) {
  const std::string prefix(kApiPrefix);
  table.add("POST", prefix + "/:id/snooze", snooze);
  table.add("POST", prefix + "/:id/unsnooze", unsnooze);
  table.add("GET", prefix + "/:id/pings", pings);
  add_ping_routes(table);
}

}  // namespace certcron::http
