#pragma once

// Internal to the HTTP transport: only server.cpp and connection.cpp include this, and with it
// Boost.Beast and Asio. One control io_context on the thread that calls Server::run() holds
// the acceptor, the signals and the shutdown timer; each I/O thread (a Worker) runs its own
// io_context. An accepted socket is bound to one worker's context and never leaves it, so each
// worker's Handler (which may own a SQLite connection) is only ever used on its own thread.

#include "http/message.hpp"
#include "http/server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>

namespace certcron::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

inline std::string host_port(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

// Exception texts may span lines; a log line must stay one line.
inline std::string one_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return text;
}

struct Shared {
  ServerOptions options;
  std::atomic<int> connections{0};
  // Set once by a stop; read by every worker, so a connection decides keep-alive from it.
  std::atomic<bool> stopping{false};
  std::mutex log_mutex;  // the callback need not be thread-safe itself

  void log(std::string_view line) {
    if (options.log) {
      std::lock_guard lock(log_mutex);
      options.log(line);
    }
  }
};

class Connection;

// One I/O thread and what only it touches. Member order matters: `context` is destroyed before
// `connections`, because destroying it destroys queued Connections, which erase themselves;
// `sweep` before `context`, whose timer service it uses.
struct Worker {
  std::unordered_set<Connection*> connections;
  std::unique_ptr<Handler> handler;
  asio::io_context context{1};
  asio::executor_work_guard<asio::io_context::executor_type> guard = asio::make_work_guard(context);
  // Time limits: each connection keeps its own deadline, and this one timer closes those past
  // it, a few times a second while the worker has connections. Moving a deadline is then a
  // store, not a timer to cancel and queue again on every read and write.
  asio::steady_timer sweep{context};
  bool sweeping = false;
  // Request log lines not yet handed to the log ('\n' after each), and whether a flush is queued.
  std::string pending_log;
  std::thread thread;

  // Starts the sweep if it is not running; it stops by itself when no connection is left.
  void start_sweep(const Shared& shared);
  // Adds a request's line; the lines are handed over together once the queued work has run.
  void log_request(Shared& shared, std::string_view line);
  // Hands the pending lines to the log now.
  void flush_log(Shared& shared);
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Shared& shared, Worker& worker, tcp::socket socket, bool counted);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // These run on the worker's thread: start() serves the connection (or answers 503 when it is
  // over max_connections), close_if_idle() ends it if it waits between requests, and
  // close_if_expired() ends it if it is past its deadline (its pending reads and writes then
  // complete with an error, and nothing more is sent).
  void start();
  void close_if_idle();
  bool close_if_expired(SteadyClock::time_point now);

 private:
  void wait_for_request();
  void read_header();
  void on_header(beast::error_code ec);
  void read_body();
  void on_request(beast::error_code ec);
  void answer_error(beast::error_code ec);
  Request make_request();
  Response call_handler(const Request& request);
  void respond(Response response, bool keep_alive, bool head = false, unsigned version = 11);
  void on_written(beast::error_code ec, bool keep_alive, int status);
  void linger();
  void drain();
  void close();
  template <class Duration>
  void expires_after(Duration limit) {
    deadline_ = SteadyClock::now() + limit;
  }

  Shared& shared_;
  Worker& worker_;
  tcp::socket socket_;
  SteadyClock::time_point deadline_ = SteadyClock::time_point::max();
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::string head_;  // the answer's status line and header fields, reused
  std::string body_;  // the answer's body while it is written
  std::string remote_;
  std::string log_method_ = "-";  // method and raw path (no query) for the log line
  std::string log_path_ = "-";
  std::string log_line_;  // reused for each request's log line
  SteadyClock::time_point started_ = SteadyClock::now();
  bool counted_;
  bool idle_ = false;
  bool first_request_ = true;
};

}  // namespace certcron::http::detail
