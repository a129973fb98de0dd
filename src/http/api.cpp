#include "http/api.hpp"

#include "app/app.hpp"
#include "app/error_codes.hpp"
#include "http/routes.hpp"
#include "util/constant_time.hpp"

namespace certcron::http {

// A message may quote what the client sent ("no job 'abc\x80'"): bytes that are not UTF-8
// become U+FFFD rather than a failed answer.
Response json_response(int status, const json::Json& body) {
  return Response::json(status, body.dump(-1, ' ', false, json::Json::error_handler_t::replace));
}

Response error_response(const Error& error) {
  return json_response(app::http_status_for(error.kind), json::error_to_json(error));
}

Response message_response(int status, std::string message) {
  return json_response(status, json::Json{{"message", std::move(message)}});
}

json::Json job_json(RouteCall& call, const JobDetails& details) {
  return json::job_to_json(details, call.app.clock().now(), call.app.ping_base_url());
}

namespace {

// The contract's examples are written at the prefix doubled; both spellings are served.
std::string_view canonical_path(std::string_view path) {
  const std::size_t doubled = 2 * kApiPrefix.size();
  if (path.starts_with(kApiPrefix) && path.substr(kApiPrefix.size()).starts_with(kApiPrefix) &&
      (path.size() == doubled || path[doubled] == '/')) {
    return path.substr(kApiPrefix.size());
  }
  return path;
}

// Whether the path is under /api as the router reads it: empty segments do not count, so
// "//api/..." reaches the same routes as "/api/..." and must meet the same token.
bool under_api(std::string_view path) {
  const std::size_t start = path.find_first_not_of('/');
  if (start == std::string_view::npos) {
    return false;
  }
  const std::string_view first = path.substr(start, path.find('/', start) - start);
  return first == "api";
}

const RouteTable& routes() {
  static const RouteTable table = [] {
    RouteTable built;
    add_job_routes(built);
    add_sync_routes(built);
    add_service_routes(built);
    add_monitoring_routes(built);
    add_page_routes(built);
    return built;
  }();
  return table;
}

// The monitoring seed's routes are matched apart, so that they cost the contract's routes
// nothing.
const RouteTable& seed_routes() {
  static const RouteTable table = [] {
    RouteTable built;
    add_seed_routes(built);
    return built;
  }();
  return table;
}

Response no_route(const Request& request, const std::vector<std::string>& allowed) {
  if (allowed.empty()) {
    return message_response(404, "No route for " + request.method + " " + request.path +
                                     "; GET /openapi.json lists the routes.");
  }
  std::string allow;
  for (const std::string& method : allowed) {
    allow += (allow.empty() ? "" : ", ") + method;
  }
  Response response =
      message_response(405, request.method + " is not allowed here; allowed: " + allow + ".");
  response.headers.emplace_back("Allow", allow);
  return response;
}

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
    if (under_api(path) && !context_.token.empty() &&
        !bearer_matches(request.header("authorization").value_or(""), context_.token)) {
      Response denied = message_response(401, "Unauthenticated.");
      denied.headers.emplace_back("WWW-Authenticate", "Bearer");
      return denied;
    }
    auto match = (is_seed_path(path) ? seed_routes() : routes()).match(request.method, path);
    if (match.action == nullptr) {
      return no_route(request, match.allowed);
    }
    if (!app_) {
      return message_response(503, "The database cannot be opened: " + describe(open_error_));
    }
    RouteCall call{*app_, context_, request, match.captures};
    return (*match.action)(call);
  }

 private:
  const ApiContext& context_;
  std::unique_ptr<app::App> app_;
  Error open_error_;
};

}  // namespace

bool bearer_matches(std::string_view given, std::string_view token) {
  constexpr std::string_view scheme = "Bearer ";
  if (given.size() < scheme.size() || token.empty()) {
    return false;
  }
  const bool same = util::constant_time_equals(given.substr(scheme.size()), token);
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    const char c = given[i];
    const char want = scheme[i];
    if ((c | 0x20) != (want | 0x20)) {  // the scheme name is case-insensitive
      return false;
    }
  }
  return same;
}

HandlerFactory api_handler_factory(const ApiContext& context) {
  return [&context]() -> std::unique_ptr<Handler> {
    return std::make_unique<ApiHandler>(context, app::App::open(context.settings, *context.clock));
  };
}

}  // namespace certcron::http
