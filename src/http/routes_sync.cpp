#include "http/routes.hpp"
#include "json/sync.hpp"

namespace certcron::http {
namespace {

// ?dry_run=1 / keep_missing=true; absent is false.
Result<bool> flag_query(const Request& request, const char* name) {
  auto value = request.query_param(name);
  if (!value) {
    return false;
  }
  if (*value == "1" || *value == "true") {
    return true;
  }
  if (*value == "0" || *value == "false" || value->empty()) {
    return false;
  }
  return fail(Error::invalid(name, std::string("The ") + name + " must be 1, 0, true or false."));
}

Response sync_jobs(RouteCall& call) {
  auto dry_run = flag_query(call.request, "dry_run");
  auto keep_missing = flag_query(call.request, "keep_missing");
  if (!dry_run || !keep_missing) {
    return error_response(!dry_run ? dry_run.error() : keep_missing.error());
  }
  auto entries = json::parse_sync_document(call.request.body);
  if (!entries) {
    return error_response(entries.error());
  }
  auto outcome = call.app.sync_jobs(*entries, SyncOptions{*keep_missing, *dry_run, std::nullopt});
  if (!outcome) {
    return error_response(outcome.error());
  }
  return json_response(200, json::sync_outcome_to_json(*outcome, *dry_run, call.app.clock().now(),
                                                       call.app.ping_base_url()));
}

}  // namespace

void add_sync_routes(RouteTable& table) {
  table.add("POST", std::string(kApiPrefix) + "/sync", sync_jobs);
}

}  // namespace certcron::http
