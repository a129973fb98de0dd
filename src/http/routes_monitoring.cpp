#include "http/body.hpp"
#include "http/routes.hpp"
#include "json/pings.hpp"

namespace certcron::http {
namespace {

Response snooze(RouteCall& call) {
  auto minutes = parse_snooze_body(call.request.body);
  if (!minutes) {
    return error_response(minutes.error());
  }
  auto snoozed = call.app.jobs().snooze(call.captures.at("id"), *minutes);
  return snoozed ? json_response(200, job_json(call, *snoozed)) : error_response(snoozed.error());
}

Response unsnooze(RouteCall& call) {
  if (auto body = parse_empty_body(call.request.body); !body) {
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
