#pragma once

// Plain HTTP request and response values. Routes and handlers see only these, never the
// transport's types: only server.cpp includes Boost.Beast.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace certcron::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // "GET", "POST", ... as sent
  std::string target;  // the raw request target, "/api/v1/x?page=2"
  std::string path;    // the target's path, percent-decoded
  Fields query;        // the target's query parameters, percent-decoded, in order
  Fields headers;      // names lower-cased
  std::string body;
  std::string remote;  // "127.0.0.1:54321"

  // The first header or query parameter of that name (header names are matched without case).
  std::optional<std::string_view> header(std::string_view name) const;
  std::optional<std::string_view> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  Fields headers;  // e.g. {"Content-Type", "application/json"}; the server adds Content-Length
  std::string body;

  static Response json(int status, std::string body);
  static Response text(int status, std::string body);
};

// Handles requests on one I/O thread. The server makes one per thread (so each may own a
// database connection) and calls it only from that thread.
class Handler {
 public:
  virtual ~Handler() = default;
  virtual Response handle(const Request& request) = 0;
};

using HandlerFactory = std::function<std::unique_ptr<Handler>()>;

// Decodes %XX escapes of `in` into `out`; in a query (form encoding) '+' also stands for a
// space. False on a bad escape.
bool percent_decode(std::string_view in, bool plus_is_space, std::string& out);

// Splits "a=1&b=%C3%A9+x" (a query, or an application/x-www-form-urlencoded body) into its
// decoded names and values, in order, after what `out` holds. False on a bad percent escape.
bool parse_form(std::string_view text, Fields& out);

// The target as a log line may show it: without the query (it may carry tokens) and with the
// uuid of a ping URL ("/ping/UUID/...") hidden, since that uuid is the job's ping secret.
std::string path_for_log(std::string_view target);

// Splits "/a%20b?x=1&y=%C3%A9" into its decoded path and query. False when the target is not
// an origin-form path or carries a bad percent escape.
bool parse_target(std::string_view target, std::string& path, Fields& query);

}  // namespace certcron::http
