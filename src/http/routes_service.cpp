#include "http/openapi.hpp"
#include "http/routes.hpp"

namespace certcron::http {
namespace {

Response healthz(RouteCall& call) {
  auto identity = call.app.store().identity();
  if (!identity) {
    return json_response(503, json::Json{{"status", "unavailable"},
                                         {"message", describe(identity.error())}});
  }
  return json_response(200, json::Json{{"status", "ok"}});
}

Response openapi(RouteCall&) { return Response::json(200, std::string(openapi_document())); }

}  // namespace

void add_service_routes(RouteTable& table) {
  table.add("GET", "/healthz", healthz);
  table.add("GET", "/openapi.json", openapi);
}

}  // namespace certcron::http
