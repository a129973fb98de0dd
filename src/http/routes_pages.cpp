// The status pages in a browser: GET / (every job at a glance) and GET /jobs/:id (one job),
// rendered by web/ from the status board, read only. When the server has a token they need it
// as /api does, but a browser cannot send a bearer header: the login form (POST /login) or a
// link with ?token= sets an HttpOnly, SameSite=Strict cookie and redirects to the same page
// without the token in its URL. The token is compared in constant time, whichever way it came.

#include "app/error_codes.hpp"
#include "core/status_board.hpp"
#include "http/routes.hpp"
#include "util/constant_time.hpp"
#include "web/pages.hpp"

namespace certcron::http {
namespace {

constexpr std::string_view kCookieName = "certcron_token";

Response html_response(int status, std::string body) {
  return Response{status,
                  {{"Content-Type", "text/html; charset=utf-8"},
                   {"Cache-Control", "no-store"},
                   {"X-Content-Type-Options", "nosniff"},
                   {"Referrer-Policy", "no-referrer"},
                   {"Content-Security-Policy",
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                    "frame-ancestors 'none'; base-uri 'none'"}},
                  std::move(body)};
}

// The cookie's value holds the token percent-encoded, so that any byte of a token is safe in it.
std::string cookie_encoded(std::string_view token) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : token) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

// The first cookie of that name in the Cookie header(s), still encoded.
std::optional<std::string_view> cookie_of(const Request& request, std::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (header != "cookie") {
      continue;
    }
    std::string_view rest = value;
    while (!rest.empty()) {
      const std::size_t end = rest.find(';');
      std::string_view pair = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
      while (!pair.empty() && pair.front() == ' ') {
        pair.remove_prefix(1);
      }
      const std::size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
        return pair.substr(eq + 1);
      }
    }
  }
  return std::nullopt;
}

bool token_matches(std::string_view given, std::string_view token) {
  return !token.empty() && util::constant_time_equals(given, token);
}

bool signed_in(const RouteCall& call) {
  const std::string& token = call.context.token;
  if (token.empty() ||
      bearer_matches(call.request.header("authorization").value_or(""), token)) {
    return true;
  }
  const auto cookie = cookie_of(call.request, kCookieName);
  std::string decoded;
  return cookie && percent_decode(*cookie, false, decoded) && token_matches(decoded, token);
}

// The request's target without its `token` query parameter (the others kept as sent).
std::string target_without_token(const Request& request) {
  const std::string_view target = request.target;
  const std::size_t question = target.find('?');
  std::string kept(target.substr(0, question));
  if (question == std::string_view::npos) {
    return kept;
  }
  std::string_view query = target.substr(question + 1);
  char separator = '?';
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    std::string name;
    if (pair.empty() || (percent_decode(pair.substr(0, pair.find('=')), true, name) &&
                         name == "token")) {
      continue;
    }
    kept += separator;
    kept += pair;
    separator = '&';
  }
  return kept;
}

// Where a login may send the browser back to: a path of this server, nothing else ("//host"
// and "/\host" are other hosts to a browser).
std::string local_path_or_root(std::string_view next) {
  const bool local = next.size() >= 1 && next[0] == '/' &&
                     (next.size() == 1 || (next[1] != '/' && next[1] != '\\'));
  const bool printable = std::ranges::all_of(next, [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && c != 0x7f && c != '\\';
  });
  return local && printable ? std::string(next) : "/";
}

Response signed_in_redirect(std::string_view token, std::string_view location) {
  Response response{303, {}, {}};
  response.headers.emplace_back("Location", local_path_or_root(location));
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Set-Cookie", std::string(kCookieName) + "=" +
                                                  cookie_encoded(token) +
                                                  "; Path=/; HttpOnly; SameSite=Strict");
  return response;
}

Response login_form(std::string_view next, bool refused) {
  Response response = html_response(401, web::render_login_page(local_path_or_root(next), refused));
  response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"certcron\"");
  return response;
}

// The page `render` makes when the caller may see it; otherwise the login form, or the
// redirect that turns a ?token= into the cookie.
template <class Render>
Response guarded(RouteCall& call, Render render) {
  const std::string& token = call.context.token;
  if (const auto given = call.request.query_param("token"); given && !token.empty()) {
    if (token_matches(*given, token)) {
      return signed_in_redirect(token, target_without_token(call.request));
    }
    return login_form(target_without_token(call.request), true);
  }
  if (!signed_in(call)) {
    return login_form(target_without_token(call.request), false);
  }
  return render();
}

StatusBoard board_of(RouteCall& call) {
  return StatusBoard(call.app.store(), call.app.jobs(), call.app.pings());
}

Response error_page(const Error& error) {
  const int status = app::http_status_for(error.kind);
  return html_response(status, web::render_message_page(
                                   status == 404 ? "Not found" : "Cannot show this page",
                                   error.message));
}

Response overview(RouteCall& call) {
  return guarded(call, [&] {
    StatusBoard board = board_of(call);
    auto read = board.overview();
    if (!read) {
      return error_page(read.error());
    }
    return html_response(200, web::render_overview(*read, board.limits(), call.app.clock().now()));
  });
}

Response job_page(RouteCall& call) {
  return guarded(call, [&] {
    StatusBoard board = board_of(call);
    auto read = board.job(call.captures.at("id"));
    if (!read) {
      return error_page(read.error());
    }
    return html_response(
        200, web::render_job_page(*read, call.app.clock().now(), call.app.ping_base_url()));
  });
}

// A form body's field (application/x-www-form-urlencoded).
std::optional<std::string> form_field(std::string_view body, std::string_view wanted) {
  Fields fields;
  if (!parse_form(body, fields)) {
    return std::nullopt;
  }
  for (auto& [name, value] : fields) {
    if (name == wanted) {
      return std::move(value);
    }
  }
  return std::nullopt;
}

Response login_page(RouteCall& call) {
  const std::string next = local_path_or_root(call.request.query_param("next").value_or("/"));
  if (call.context.token.empty() || signed_in(call)) {
    Response response{303, {{"Location", next}, {"Cache-Control", "no-store"}}, {}};
    return response;
  }
  return login_form(next, false);
}

Response login(RouteCall& call) {
  const std::string next = local_path_or_root(form_field(call.request.body, "next").value_or("/"));
  const std::string& token = call.context.token;
  if (token.empty()) {
    return Response{303, {{"Location", next}, {"Cache-Control", "no-store"}}, {}};
  }
  if (token_matches(form_field(call.request.body, "token").value_or(""), token)) {
    return signed_in_redirect(token, next);
  }
  return login_form(next, true);
}

}  // namespace

void add_page_routes(RouteTable& table) {
  table.add("GET", "/", overview);
  table.add("GET", "/jobs/:id", job_page);
  table.add("GET", "/login", login_page);
  table.add("POST", "/login", login);
}

}  // namespace certcron::http
