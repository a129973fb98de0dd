#include "http/api.hpp"

#include "app/app.hpp"
#include "app/error_codes.hpp"
#include "http/body.hpp"
#include "http/openapi.hpp"
#include "http/router.hpp"
#include "json/shapes.hpp"
#include "util/time.hpp"

#include <algorithm>
#include <exception>

namespace certcron::http {
namespace {

constexpr std::string_view kPrefix = "/api/v1/certification-cron";

Response json_response(int status, const json::Json& body) {
  return Response::json(status, body.dump());
}

Response error_response(const Error& error) {
  return json_response(app::http_status_for(error.kind), json::error_to_json(error));
}

Response message_response(int status, std::string message) {
  return json_response(status, json::Json{{"message", std::move(message)}});
}

// The contract's examples are written at the prefix doubled; both spellings are served.
std::string_view canonical_path(std::string_view path) {
  const std::string doubled = std::string(kPrefix) + std::string(kPrefix);
  if (path.starts_with(doubled) &&
      (path.size() == doubled.size() || path[doubled.size()] == '/')) {
    return path.substr(kPrefix.size());
  }
  return path;
}

class ApiHandler;
using Action = Response (ApiHandler::*)(const Request&, const Captures&);

class ApiHandler final : public Handler {
 public:
  ApiHandler(const ApiContext& context, Result<std::unique_ptr<app::App>> opened)
      : context_(context) {
    if (opened) {
      app_ = std::move(*opened);
    } else {
      open_error_ = opened.error();
    }
  }

  Response handle(const Request& request) override {
    // Routed on the path as sent, so that an encoded '/' in a job name stays in its segment.
    const std::string_view target = request.target;
    const std::string_view path = canonical_path(target.substr(0, target.find('?')));
    if (path.starts_with("/api") && !context_.token.empty() &&
        !bearer_matches(request.header("authorization").value_or(""), context_.token)) {
      Response denied = message_response(401, "Unauthenticated.");
      denied.headers.emplace_back("WWW-Authenticate", "Bearer");
      return denied;
    }
    auto match = routes().match(request.method, path);
    if (match.action == nullptr) {
      return no_route(request, match.allowed);
    }
    if (!app_) {
      return message_response(503, "The database cannot be opened: " + describe(open_error_));
    }
    return (this->**match.action)(request, match.captures);
  }

 private:
  static const Router<Action>& routes();
  static Response no_route(const Request& request, const std::vector<std::string>& allowed);

  Response list(const Request& request, const Captures&);
  Response create(const Request& request, const Captures&);
  Response show(const Request&, const Captures& captures);
  Response update(const Request& request, const Captures& captures);
  Response remove(const Request&, const Captures& captures);
  Response execute(const Request& request, const Captures& captures);
  Response runs(const Request& request, const Captures& captures);
  Response healthz(const Request&, const Captures&);
  Response openapi(const Request&, const Captures&);

  json::Json job_json(const JobDetails& details) {
    return json::job_to_json(details, app_->clock().now(), app_->ping_base_url());
  }
  void complete_in_background(Run run, std::unique_ptr<app::App> worker,
                              std::unique_ptr<reminders::Delivery> delivery);

  const ApiContext& context_;
  std::unique_ptr<app::App> app_;
  Error open_error_;
};

const Router<Action>& ApiHandler::routes() {
  static const Router<Action> table = [] {
    Router<Action> router;
    const std::string p(kPrefix);
    router.add("GET", p, &ApiHandler::list);
    router.add("POST", p, &ApiHandler::create);
    router.add("GET", p + "/:id", &ApiHandler::show);
    router.add("PUT", p + "/:id", &ApiHandler::update);
    router.add("DELETE", p + "/:id", &ApiHandler::remove);
    router.add("POST", p + "/:id/execute", &ApiHandler::execute);
    router.add("GET", p + "/:id/runs", &ApiHandler::runs);
    router.add("GET", "/healthz", &ApiHandler::healthz);
    router.add("GET", "/openapi.json", &ApiHandler::openapi);
    return router;
  }();
  return table;
}

Response ApiHandler::no_route(const Request& request, const std::vector<std::string>& allowed) {
  if (allowed.empty()) {
    return message_response(404, "No route for " + request.method + " " + request.path +
                                     "; GET /openapi.json lists the routes.");
  }
  std::string allow;
  for (const std::string& method : allowed) {
    allow += (allow.empty() ? "" : ", ") + method;
  }
  Response response = message_response(405, request.method + " is not allowed here; allowed: " + allow + ".");
  response.headers.emplace_back("Allow", allow);
  return response;
}

Response ApiHandler::list(const Request& request, const Captures&) {
  auto filter = parse_status_filter(request.query_param("status").value_or(""));
  if (!filter) {
    return error_response(filter.error());
  }
  auto page = parse_page_query(request.query_param("page"), request.query_param("limit"));
  if (!page) {
    return error_response(page.error());
  }
  auto listed = app_->jobs().list(*filter, *page);
  if (!listed) {
    return error_response(listed.error());
  }
  json::Json data = json::Json::array();
  for (const JobDetails& details : listed->items) {
    data.push_back(job_json(details));
  }
  return json_response(200, json::page_to_json(std::move(data), listed->page, listed->limit,
                                               listed->total));
}

Response ApiHandler::create(const Request& request, const Captures&) {
  auto parsed = parse_create_body(request.body);
  if (!parsed) {
    return error_response(parsed.error());
  }
  auto created = app_->create_job(*parsed);
  if (!created) {
    return error_response(created.error());
  }
  Response response = json_response(201, job_json(*created));
  response.headers.emplace_back("Location", std::string(kPrefix) + "/" + created->job.id());
  return response;
}

Response ApiHandler::show(const Request&, const Captures& captures) {
  auto shown = app_->jobs().show(captures.at("id"));
  return shown ? json_response(200, job_json(*shown)) : error_response(shown.error());
}

Response ApiHandler::update(const Request& request, const Captures& captures) {
  auto changes = parse_update_body(request.body);
  if (!changes) {
    return error_response(changes.error());
  }
  auto updated = app_->jobs().update(captures.at("id"), *changes);
  return updated ? json_response(200, job_json(*updated)) : error_response(updated.error());
}

Response ApiHandler::remove(const Request&, const Captures& captures) {
  auto removed = app_->jobs().remove(captures.at("id"));
  return removed ? json_response(200, json::deleted_to_json(*removed))
                 : error_response(removed.error());
}

Response ApiHandler::runs(const Request& request, const Captures& captures) {
  auto status = parse_run_status_filter(request.query_param("status").value_or(""));
  if (!status) {
    return error_response(status.error());
  }
  auto page = parse_page_query(request.query_param("page"), request.query_param("limit"));
  if (!page) {
    return error_response(page.error());
  }
  auto listed = app_->runs().runs(captures.at("id"), *status, *page);
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

Response ApiHandler::execute(const Request& request, const Captures& captures) {
  auto dry_run = parse_execute_body(request.body);
  if (!dry_run) {
    return error_response(dry_run.error());
  }
  // Built before the claim, so that a misconfigured delivery or an unopenable database is an
  // answer, not a run left behind. The worker's connection is its own.
  auto delivery = app_->reminder_delivery();
  if (!delivery) {
    return error_response(delivery.error());
  }
  auto worker = app::App::open(context_.settings, *context_.clock);
  if (!worker) {
    return error_response(worker.error());
  }
  ExecuteRequest execute_request{captures.at("id"), RunTrigger::api, *dry_run, false};
  auto claimed = app_->runs().claim(execute_request);
  if (!claimed) {
    return error_response(claimed.error());
  }
  if (!claimed->run) {
    return message_response(409, claimed->skipped);
  }
  const Run run = *claimed->run;
  complete_in_background(run, std::move(*worker), std::move(*delivery));
  Response response = json_response(202, json::execute_accepted_to_json(run));
  response.headers.emplace_back("Location", std::string(kPrefix) + "/" + run.job_id() + "/runs");
  return response;
}

// The run continues on a thread of its own with its own connection; whatever happens there,
// the run is finished (as failed when the check could not complete), never left running.
void ApiHandler::complete_in_background(Run run, std::unique_ptr<app::App> worker,
                                        std::unique_ptr<reminders::Delivery> delivery) {
  // std::function needs a copyable callable: the task's parts travel as shared pointers.
  auto work = [run, worker = std::shared_ptr<app::App>(std::move(worker)),
               delivery = std::shared_ptr<reminders::Delivery>(std::move(delivery))] {
    std::string why;
    try {
      auto completed = worker->runs().complete(run, *delivery, worker->settings().reminders, {});
      if (completed) {
        return;
      }
      why = describe(completed.error());
    } catch (const std::exception& error) {
      why = std::string("the run stopped on an internal error: ") + error.what();
    } catch (...) {
      why = "the run stopped on an unknown internal error";
    }
    (void)worker->runs().abort(run, why);
  };
  if (!context_.runs->spawn(std::move(work))) {
    (void)app_->runs().abort(run, "no thread could be started for the run");
  }
}

Response ApiHandler::healthz(const Request&, const Captures&) {
  auto identity = app_->store().identity();
  if (!identity) {
    return json_response(503, json::Json{{"status", "unavailable"},
                                         {"message", describe(identity.error())}});
  }
  return json_response(200, json::Json{{"status", "ok"}});
}

Response ApiHandler::openapi(const Request&, const Captures&) {
  return Response::json(200, std::string(openapi_document()));
}

}  // namespace

bool bearer_matches(std::string_view given, std::string_view token) {
  constexpr std::string_view scheme = "Bearer ";
  if (given.size() < scheme.size() || token.empty()) {
    return false;
  }
  const std::string_view presented = given.substr(scheme.size());
  // Every byte of the longer is looked at, so the time does not tell where they differ.
  unsigned difference = presented.size() == token.size() ? 0u : 1u;
  for (std::size_t i = 0; i < std::max(presented.size(), token.size()); ++i) {
    const unsigned char a = i < presented.size() ? presented[i] : 0;
    const unsigned char b = i < token.size() ? token[i] : 0;
    difference |= static_cast<unsigned>(a ^ b);
  }
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const char c = given[i];
    const char want = scheme[i];
    if ((c | 0x20) != (want | 0x20)) {  // the scheme name is case-insensitive
      return false;
    }
  }
  return difference == 0;
}

HandlerFactory api_handler_factory(const ApiContext& context) {
  return [&context]() -> std::unique_ptr<Handler> {
    return std::make_unique<ApiHandler>(context, app::App::open(context.settings, *context.clock));
  };
}

}  // namespace certcron::http
