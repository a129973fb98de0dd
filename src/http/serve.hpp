#pragma once

// `certcron serve`: resolves the listen address and the token, refuses an open non-loopback
// listener, opens the database once (so a bad path fails before listening), then serves the
// API until SIGTERM or SIGINT and lets runs in progress finish.

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/settings.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace certcron::http {

struct ServeRequest {
  std::string listen;                  // "ADDR:PORT"; empty: [server] listen
  int threads = 0;                     // I/O threads; 0: one per core
  bool allow_unauthenticated = false;  // a non-loopback address without a token
  std::string token;                   // CERTCRON_TOKEN; empty: [server] token_file, if any
  std::chrono::seconds shutdown_timeout{30};
  bool log_requests = true;  // false (-q): no line per request
};

struct ListenAddress {
  std::string host;  // an IP literal ("::1" without brackets)
  std::uint16_t port = 0;
  bool loopback = false;
};

// "127.0.0.1:8080", "[::1]:8080", "localhost:8080" (127.0.0.1), ":8080" is refused: say which
// address. Errors are usage errors on --listen.
Result<ListenAddress> parse_listen_address(std::string_view text);

// The token from `request`, else the first line of `token_file`; "" when neither is set.
Result<std::string> resolve_token(const ServeRequest& request, const ServerConfig& server);

// Serves until a signal; `log` gets the "listening on" line and one line per request.
Result<void> serve(const Settings& settings, const Clock& clock, const ServeRequest& request,
                   const std::function<void(std::string_view)>& log);

}  // namespace certcron::http
