#pragma once

// The HTTP/1.1 transport of `certcron serve` (Boost.Beast, in server.cpp only): a listener,
// I/O threads each with its own Handler, limits on headers, bodies, connections and time, a
// log line per request, and a graceful stop.

#include "http/message.hpp"
#include "util/error.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace certcron::http {

struct ServerOptions {
  std::string address = "127.0.0.1";  // an IPv4 or IPv6 literal
  std::uint16_t port = 8080;           // 0: an ephemeral port (see Server::port)
  int threads = 0;                     // I/O threads; 0: one per core
  std::size_t max_header_bytes = 16 * 1024;   // larger: 431
  std::size_t max_body_bytes = 1024 * 1024;   // larger: 413
  int max_connections = 512;                  // beyond: accepted and closed at once (503)
  std::chrono::seconds read_timeout{10};      // a request must arrive whole within this
  std::chrono::seconds idle_timeout{30};      // a kept-alive connection with no request
  std::chrono::seconds shutdown_timeout{30};  // in-flight work gets this long after a stop
  // The server's log: start-up and errors, and one line per request (method, path without the
  // query, status, microseconds). Called with one or more lines joined by '\n', without a
  // final newline: each I/O thread hands over its request lines together once it has no
  // other ready work, so a busy server writes its log in blocks, not a write per request.
  std::function<void(std::string_view lines)> log;
  bool log_requests = true;  // false: no request lines (start-up and errors are still logged)
};

class Server {
 public:
  Server(ServerOptions options, HandlerFactory factory);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; a busy port or a bad address is an error naming it.
  Result<void> listen();
  // The bound port (after listen()).
  std::uint16_t port() const;
  // Serves until stop() or SIGTERM/SIGINT (when handle_signals), then stops accepting,
  // lets in-flight requests finish within shutdown_timeout, and returns.
  Result<void> run(bool handle_signals);
  // Thread-safe; may be called from a handler or another thread.
  void stop();
  // When the stop began (after run() returned), so that work outliving the server shares
  // one shutdown deadline with it.
  std::chrono::steady_clock::time_point stop_began() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace certcron::http
