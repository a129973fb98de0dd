// The monitoring seed's own API, in its own shapes, so that a client written for it works
// against certcron: /api/monitors/{monitorId}/cron-checks[/sync] and /api/cron-checks/{id}
// [/snooze|/unsnooze]. The database is monitor 1; {id} is a job's number (cron-007 is 7). Each
// route calls the same service as the contract's route of the same name, with the body rules
// of body.cpp and the seed's required fields (kSeedRequiredFields).

#include "http/body.hpp"
#include "http/routes.hpp"
#include "json/cron_check.hpp"
#include "json/sync.hpp"

#include <charconv>

namespace certcron::http {
namespace {

// The one monitor this server has.
constexpr std::int64_t kMonitorId = 1;

// A whole number of digits only ("7", "007"); nullopt otherwise.
std::optional<std::int64_t> whole_number(std::string_view text) {
  std::int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [next, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || text.front() < '0' || text.front() > '9' || error != std::errc{} ||
      next != end) {
    return std::nullopt;
  }
  return value;
}

// Empty when the path's monitor is this server's; otherwise the 404 to answer.
std::optional<Response> unknown_monitor(const RouteCall& call) {
  const std::string& given = call.captures.at("monitorId");
  if (whole_number(given) == kMonitorId) {
    return std::nullopt;
  }
  return message_response(404, "No monitor " + given + ": this server's jobs are monitor 1.");
}

// The job id ("cron-007") of the path's cron check number; an error answer (404) when the
// path does not hold a job number.
Result<std::string> job_id_of(const RouteCall& call) {
  const std::string& given = call.captures.at("id");
  const auto number = whole_number(given);
  if (!number || *number < 1) {
    return fail(Error::not_found("No cron check " + given +
                                 ": a cron check's id is its job's number (cron-007 is 7)."));
  }
  return format_job_id(*number);
}

json::Json cron_check_json(RouteCall& call, const JobDetails& details) {
  return json::cron_check_to_json(details, call.app.clock().now(), call.app.ping_base_url());
}

json::Json cron_checks_json(RouteCall& call, const std::vector<JobDetails>& jobs) {
  json::Json data = json::Json::array();
  for (const JobDetails& details : jobs) {
    data.push_back(cron_check_json(call, details));
  }
  return json::Json{{"data", std::move(data)}};
}

Response answer(RouteCall& call, int status, const Result<JobDetails>& outcome) {
  return outcome ? json_response(status, cron_check_json(call, *outcome))
                 : error_response(outcome.error());
}

Response list(RouteCall& call) {
  if (auto refused = unknown_monitor(call)) {
    return *refused;
  }
  // Every job: the seed's list has no pages, so the pages of the service are walked.
  std::vector<JobDetails> jobs;
  for (int page = 1;; ++page) {
    auto listed = call.app.jobs().list(JobStatusFilter::any, PageRequest{page, 100});
    if (!listed) {
      return error_response(listed.error());
    }
    for (JobDetails& details : listed->items) {
      jobs.push_back(std::move(details));
    }
    if (listed->items.empty() || static_cast<std::int64_t>(jobs.size()) >= listed->total) {
      break;
    }
  }
  return json_response(200, cron_checks_json(call, jobs));
}

Response create(RouteCall& call) {
  if (auto refused = unknown_monitor(call)) {
    return *refused;
  }
  auto parsed = parse_create_body(call.request.body, kSeedRequiredFields);
  if (!parsed) {
    return error_response(parsed.error());
  }
  return answer(call, 201, call.app.create_job(*parsed));
}

Response update(RouteCall& call) {
  auto id = job_id_of(call);
  if (!id) {
    return error_response(id.error());
  }
  auto changes = parse_update_body(call.request.body);
  if (!changes) {
    return error_response(changes.error());
  }
  return answer(call, 200, call.app.jobs().update(*id, *changes));
}

Response remove(RouteCall& call) {
  auto id = job_id_of(call);
  if (!id) {
    return error_response(id.error());
  }
  auto removed = call.app.jobs().remove(*id);
  if (!removed) {
    return error_response(removed.error());
  }
  return Response{204, {}, {}};
}

// The seed's required fields of every entry, keyed "cron_checks.N.field"; when some are
// missing, the entries' other problems are reported with them, as a sync reports all at once.
Result<void> check_sync_entries(RouteCall& call, std::span<const CreateJobRequest> entries) {
  FieldErrors errors;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (auto complete = check_required_fields(entries[i], kSeedRequiredFields); !complete) {
      for (const auto& [field, messages] : complete.error().fields) {
        auto& into = errors["cron_checks." + std::to_string(i) + "." + field];
        into.insert(into.end(), messages.begin(), messages.end());
      }
    }
  }
  if (errors.empty()) {
    return {};
  }
  if (auto others = sync_definitions(entries, call.app.default_timezone()); !others) {
    for (const auto& [field, messages] : others.error().fields) {
      auto& into = errors[field];
      into.insert(into.end(), messages.begin(), messages.end());
    }
  }
  return fail(Error::invalid(std::move(errors)));
}

Response sync(RouteCall& call) {
  if (auto refused = unknown_monitor(call)) {
    return *refused;
  }
  auto entries = json::parse_sync_document(call.request.body);
  if (!entries) {
    return error_response(entries.error());
  }
  if (auto complete = check_sync_entries(call, *entries); !complete) {
    return error_response(complete.error());
  }
  auto outcome = call.app.sync_jobs(*entries, SyncOptions{false, false, std::nullopt});
  if (!outcome) {
    return error_response(outcome.error());
  }
  return json_response(200, cron_checks_json(call, outcome->jobs));
}

Response snooze(RouteCall& call) {
  auto id = job_id_of(call);
  if (!id) {
    return error_response(id.error());
  }
  auto minutes = parse_snooze_body(call.request.body);
  if (!minutes) {
    return error_response(minutes.error());
  }
  return answer(call, 200, call.app.jobs().snooze(*id, *minutes));
}

Response unsnooze(RouteCall& call) {
  auto id = job_id_of(call);
  if (!id) {
    return error_response(id.error());
  }
  if (auto body = parse_empty_body(call.request.body); !body) {
    return error_response(body.error());
  }
  return answer(call, 200, call.app.jobs().unsnooze(*id));
}

}  // namespace

bool is_seed_path(std::string_view path) {
  const std::size_t api = path.find_first_not_of('/');
  if (api == std::string_view::npos || path.substr(api, 4) != "api/") {
    return false;
  }
  const std::size_t next = path.find_first_not_of('/', api + 4);
  if (next == std::string_view::npos) {
    return false;
  }
  const std::string_view second = path.substr(next, path.find('/', next) - next);
  return second == "monitors" || second == "cron-checks";
}

void add_seed_routes(RouteTable& table) {
  table.add("GET", "/api/monitors/:monitorId/cron-checks", list);
  table.add("POST", "/api/monitors/:monitorId/cron-checks", create);
  table.add("POST", "/api/monitors/:monitorId/cron-checks/sync", sync);
  table.add("PUT", "/api/cron-checks/:id", update);
  table.add("DELETE", "/api/cron-checks/:id", remove);
  table.add("POST", "/api/cron-checks/:id/snooze", snooze);
  table.add("POST", "/api/cron-checks/:id/unsnooze", unsnooze);
}

}  // namespace certcron::http
