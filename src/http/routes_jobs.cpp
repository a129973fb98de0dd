#include "http/body.hpp"
#include "http/routes.hpp"

#include <chrono>
#include <exception>
#include <thread>

namespace certcron::http {
namespace {

std::string job_path(const std::string& job_id) { return std::string(kApiPrefix) + "/" + job_id; }

// About what a job's object takes, so the body is allocated once.
constexpr std::size_t kJobBytes = 1024;

// A job (json::write_job) straight into the body, with this server's ping URL.
Response job_response(int status, RouteCall& call, const JobDetails& details) {
  Response response = Response::json(status, {});
  response.body.reserve(kJobBytes);
  json::JsonWriter out(response.body);
  json::write_job(out, details, call.app.clock().now(), call.app.ping_base_url());
  return response;
}

Response list(RouteCall& call) {
  auto filter = parse_status_filter(call.request.query_param("status").value_or(""));
  if (!filter) {
    return error_response(filter.error());
  }
  auto page = parse_page_query(call.request.query_param("page"), call.request.query_param("limit"));
  if (!page) {
    return error_response(page.error());
  }
  auto listed = call.app.jobs().list(*filter, *page);
  if (!listed) {
    return error_response(listed.error());
  }
  Response response = Response::json(200, {});
  response.body.reserve(kJobBytes * (listed->items.size() + 1));
  json::JsonWriter out(response.body);
  json::write_job_page(out, *listed, call.app.clock().now(), call.app.ping_base_url());
  return response;
}

Response create(RouteCall& call) {
  auto parsed = parse_create_body(call.request.body);
  if (!parsed) {
    return error_response(parsed.error());
  }
  auto created = call.app.create_job(*parsed);
  if (!created) {
    return error_response(created.error());
  }
  Response response = job_response(201, call, *created);
  response.headers.emplace_back("Location", job_path(created->job.id()));
  return response;
}

Response show(RouteCall& call) {
  auto shown = call.app.jobs().show(call.captures.at("id"));
  return shown ? job_response(200, call, *shown) : error_response(shown.error());
}

Response update(RouteCall& call) {
  auto changes = parse_update_body(call.request.body);
  if (!changes) {
    return error_response(changes.error());
  }
  auto updated = call.app.jobs().update(call.captures.at("id"), *changes);
  return updated ? job_response(200, call, *updated) : error_response(updated.error());
}

Response remove(RouteCall& call) {
  auto removed = call.app.jobs().remove(call.captures.at("id"));
  return removed ? json_response(200, json::deleted_to_json(*removed))
                 : error_response(removed.error());
}

Response runs(RouteCall& call) {
  auto status = parse_run_status_filter(call.request.query_param("status").value_or(""));
  if (!status) {
    return error_response(status.error());
  }
  auto page = parse_page_query(call.request.query_param("page"), call.request.query_param("limit"));
  if (!page) {
    return error_response(page.error());
  }
  auto listed = call.app.runs().runs(call.captures.at("id"), *status, *page);
  if (!listed) {
    return error_response(listed.error());
  }
  json::Json data = json::Json::array();
  for (const Run& run : listed->items) {
    data.push_back(json::run_to_json(run));
  }
  return json_response(200, json::page_to_json(std::move(data), listed->page, listed->limit,
                                               listed->total));
}

// Finishes a claimed run as failed. The database may be busy just then, and a run left
// `running` under the server's own pid would look alive until the server stops: so a few
// tries, a little apart, before giving up.
void abort_run(app::App& app, const Run& run, const std::string& why) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (app.abort(run, why)) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200) * (attempt + 1));
  }
}

// The run continues on a thread of its own with its own connection; whatever happens there,
// the run is finished (as failed when the check could not complete). False when no thread
// could be started: the run is then aborted at once.
bool complete_in_background(RouteCall& call, Run run, std::unique_ptr<app::App> worker,
                            std::unique_ptr<reminders::Delivery> delivery) {
  // std::function needs a copyable callable: the task's parts travel as shared pointers.
  auto work = [run, worker = std::shared_ptr<app::App>(std::move(worker)),
               delivery = std::shared_ptr<reminders::Delivery>(std::move(delivery))] {
    std::string why;
    try {
      auto completed = worker->complete(run, *delivery);
      if (completed) {
        return;
      }
      why = describe(completed.error());
    } catch (const std::exception& error) {
      why = std::string("the run stopped on an internal error: ") + error.what();
    } catch (...) {
      why = "the run stopped on an unknown internal error";
    }
    abort_run(*worker, run, why);
  };
  if (!call.context.runs->spawn(std::move(work))) {
    abort_run(call.app, run, "no thread could be started for the run");
    return false;
  }
  return true;
}

Response execute(RouteCall& call) {
  auto dry_run = parse_execute_body(call.request.body);
  if (!dry_run) {
    return error_response(dry_run.error());
  }
  // Built before the claim, so that a misconfigured delivery or an unopenable database is an
  // answer, not a run left behind. The worker's connection is its own.
  auto delivery = call.app.reminder_delivery();
  if (!delivery) {
    return error_response(delivery.error());
  }
  auto worker = app::App::open(call.context.settings, *call.context.clock);
  if (!worker) {
    return error_response(worker.error());
  }
  ExecuteRequest request{call.captures.at("id"), RunTrigger::api, *dry_run, false};
  auto claimed = call.app.runs().claim(request);
  if (!claimed) {
    return error_response(claimed.error());
  }
  if (!claimed->run) {
    return message_response(409, claimed->skipped);
  }
  const Run run = *claimed->run;
  if (!complete_in_background(call, run, std::move(*worker), std::move(*delivery))) {
    return message_response(503, "The run could not be started (no thread available); it was "
                                 "recorded as failed. Try again later.");
  }
  Response response = json_response(202, json::execute_accepted_to_json(run));
  response.headers.emplace_back("Location", job_path(run.job_id()) + "/runs");
  return response;
}

}  // namespace

void add_job_routes(RouteTable& table) {
  const std::string prefix(kApiPrefix);
  table.add("GET", prefix, list);
  table.add("POST", prefix, create);
  table.add("GET", prefix + "/:id", show);
  table.add("PUT", prefix + "/:id", update);
  table.add("DELETE", prefix + "/:id", remove);
  table.add("POST", prefix + "/:id/execute", execute);
  table.add("GET", prefix + "/:id/runs", runs);
}

}  // namespace certcron::http
