// The ping routes, in the two dialects existing wrappers speak, so they can report to certcron
// unchanged. They carry no bearer token: the job's uuid (122 random bits) in the path is the
// secret. Every answer is 200 "OK" as both services give, or a JSON error (404 for a uuid no
// job has, 422 for a bad field).
//
//   Oh Dear:         /ping/UUID (= finished), /ping/UUID/starting|finished|failed; the fields
//                    exit_code, runtime (seconds) and failure_message, from a JSON or form
//                    body or the query.
//   healthchecks.io: /ping/UUID/start|fail|log, /ping/UUID/<exit status 0-255>, ?rid= pairing
//                    a start with its end; a POST body is kept as the ping's body.

#include "http/routes.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <optional>

namespace certcron::http {
namespace {

struct Dialect {
  PingKind kind = PingKind::finished;
  std::optional<int> exit_code;
  bool oh_dear_fields = false;  // exit_code, runtime, failure_message are read
};

std::optional<int> exit_status_segment(std::string_view text) {
  int value = 0;
  const char* end = text.data() + text.size();
  auto [next, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || text.size() > 3 || error != std::errc{} || next != end || value > 255) {
    return std::nullopt;
  }
  return value;
}

std::optional<Dialect> dialect_of(std::string_view action) {
  if (action.empty() || action == "finished") {
    return Dialect{PingKind::finished, std::nullopt, true};
  }
  if (action == "starting") {
    return Dialect{PingKind::starting, std::nullopt, true};
  }
  if (action == "failed") {
    return Dialect{PingKind::failed, std::nullopt, true};
  }
  if (action == "start") {
    return Dialect{PingKind::starting, std::nullopt, false};
  }
  if (action == "fail") {
    return Dialect{PingKind::failed, std::nullopt, false};
  }
  if (action == "log") {
    return Dialect{PingKind::log, std::nullopt, false};
  }
  if (auto status = exit_status_segment(action)) {
    return Dialect{PingKind::finished, status, false};
  }
  return std::nullopt;
}

// The Oh Dear fields as text, whatever carried them: the query, then a form or JSON body.
struct RawFields {
  std::optional<std::string> exit_code;
  std::optional<std::string> runtime;
  std::optional<std::string> failure_message;

  static bool is_field(std::string_view name) {
    return name == "exit_code" || name == "runtime" || name == "failure_message";
  }

  void set(std::string_view name, std::string value) {
    if (name == "exit_code") {
      exit_code = std::move(value);
    } else if (name == "runtime") {
      runtime = std::move(value);
    } else if (name == "failure_message") {
      failure_message = std::move(value);
    }
  }
};

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if ((text[i] | 0x20) != (prefix[i] | 0x20)) {
      return false;
    }
  }
  return true;
}

Result<void> read_json_fields(std::string_view body, RawFields& fields) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return {};
  }
  const auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return fail(Error::usage("The request body is not a JSON object."));
  }
  for (const auto& item : parsed.items()) {
    const auto& value = item.value();
    // Other fields are ignored unread: dumping an array nested 100,000 deep would overflow the
    // stack (nlohmann's dump recurses), and the body is anyone's who knows a ping URL's shape.
    if (value.is_null() || !RawFields::is_field(item.key())) {
      continue;
    }
    if (value.is_structured()) {
      return fail(Error::invalid(item.key(), "The " + item.key() + " must be a number or a string."));
    }
    // Numbers are taken as written ("1.5"); a wrapper may also send them as strings.
    fields.set(item.key(), value.is_string() ? value.get<std::string>() : value.dump());
  }
  return {};
}

Result<void> read_form_fields(std::string_view body, RawFields& fields) {
  Fields form;
  if (!parse_form(body, form)) {
    return fail(Error::usage("The form body has a bad percent escape."));
  }
  for (auto& [name, value] : form) {
    fields.set(name, std::move(value));
  }
  return {};
}

Result<RawFields> oh_dear_fields(const Request& request) {
  RawFields fields;
  for (const auto& [name, value] : request.query) {
    fields.set(name, value);
  }
  const std::string_view type = request.header("content-type").value_or("");
  Result<void> read;
  if (starts_with_ignoring_case(type, "application/json")) {
    read = read_json_fields(request.body, fields);
  } else if (starts_with_ignoring_case(type, "application/x-www-form-urlencoded")) {
    read = read_form_fields(request.body, fields);
  }
  if (!read) {
    return fail(read.error());
  }
  return fields;
}

// Fills the request from the fields; a value that is not a number is a 422 naming its field
// (the range is the core's to check).
Result<void> apply_fields(const RawFields& fields, PingRequest& ping) {
  FieldErrors errors;
  if (fields.exit_code && !fields.exit_code->empty()) {
    const std::string& text = *fields.exit_code;
    int value = 0;
    auto [next, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || next != text.data() + text.size()) {
      errors["exit_code"].push_back("The exit code must be a whole number between 0 and 255.");
    } else {
      ping.exit_code = value;
    }
  }
  if (fields.runtime && !fields.runtime->empty()) {
    const std::string& text = *fields.runtime;
    double value = 0;
    auto [next, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || next != text.data() + text.size()) {
      errors["runtime"].push_back("The runtime must be a number of seconds.");
    } else {
      ping.runtime = value;
    }
  }
  if (fields.failure_message) {
    ping.message = *fields.failure_message;
  }
  if (!errors.empty()) {
    return fail(Error::invalid(std::move(errors)));
  }
  return {};
}

// "127.0.0.1:54321" -> "127.0.0.1"
std::string client_address(const std::string& remote) {
  const std::size_t colon = remote.rfind(':');
  return colon == std::string::npos ? remote : remote.substr(0, colon);
}

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return text;
}

Response record_ping(RouteCall& call, std::string_view action) {
  auto dialect = dialect_of(action);
  if (!dialect) {
    return message_response(404, "No ping route " + call.request.path +
                                     "; the endings are starting, finished, failed, start, fail, "
                                     "log and an exit status 0-255.");
  }
  PingRequest ping;
  ping.kind = dialect->kind;
  ping.exit_code = dialect->exit_code;
  ping.source = PingSource::http;
  ping.remote = client_address(call.request.remote);
  ping.rid = std::string(call.request.query_param("rid").value_or(""));
  if (call.request.method == "POST") {
    ping.body = call.request.body;
  }
  if (dialect->oh_dear_fields) {
    auto fields = oh_dear_fields(call.request);
    if (!fields) {
      return error_response(fields.error());
    }
    if (auto applied = apply_fields(*fields, ping); !applied) {
      return error_response(applied.error());
    }
  }
  auto recorded = call.app.pings().record_for_uuid(lower(call.captures.at("uuid")), ping);
  return recorded ? Response::text(200, "OK") : error_response(recorded.error());
}

Response ping_finished(RouteCall& call) { return record_ping(call, ""); }
Response ping_action(RouteCall& call) { return record_ping(call, call.captures.at("action")); }

}  // namespace

void add_ping_routes(RouteTable& table) {
  for (const char* method : {"GET", "POST"}) {
    table.add(method, "/ping/:uuid", ping_finished);
    table.add(method, "/ping/:uuid/:action", ping_action);
  }
}

}  // namespace certcron::http
