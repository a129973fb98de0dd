// The floor for `certcron serve`: the fastest honest server for the same two GET routes,
// written from the database schema alone. Boost.Beast HTTP/1.1 with keep-alive, one
// io_context and one thread per I/O thread, each thread with its own read-only sqlite3
// connection and prepared statements; hand-written JSON. No logging, no auth, no timeouts.
//   serve_floor DATABASE PORT THREADS PING_BASE
//     PING_BASE: what goes before the uuid in ping_url, e.g. http://127.0.0.1:8080/ping/
// Prints "serve_floor: listening on http://127.0.0.1:PORT" on stderr (PORT 0: ephemeral).
//
// One acceptor, on the first thread, hands each accepted connection to the threads in turn
// (Beast's async_accept into another io_context). With keep-alive the 32 benchmark
// connections are accepted once, so the acceptor is not on the hot path, and round-robin
// splits them exactly evenly; SO_REUSEPORT listeners would let the kernel's hash of the
// 4-tuple decide, which can leave one thread with noticeably more connections than the other.

#include "floor_job.hpp"
#include "floor_json.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace floor_bench {
namespace {

std::int64_t now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec;
}

// One I/O thread: its io_context, its read-only connection and its prepared statements.
class Worker {
 public:
  Worker(const char* database, std::string ping_base) : ping_base_(std::move(ping_base)) {
    if (sqlite3_open_v2(database, &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
      fail("open");
    }
    prepare(one_, std::string("SELECT") + kJobColumns + kJobFrom + " WHERE j.seq = ?1");
    // The count as a column: an uncorrelated subquery, computed once per statement, so the
    // page and its total come from one statement and one read snapshot.
    prepare(page_, std::string("SELECT") + kJobColumns + ", (SELECT count(*) FROM jobs)" +
                       kJobFrom + " ORDER BY j.seq LIMIT ?1 OFFSET ?2");
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker() {
    sqlite3_finalize(one_);
    sqlite3_finalize(page_);
    sqlite3_close(db_);
  }

  asio::io_context& context() { return context_; }

  // Fills `response` for GET `target`.
  void handle(std::string_view target, http::response<http::string_body>& response) {
    constexpr std::string_view kCollection = "/api/v1/certification-cron";
    std::string& body = response.body();
    body.clear();
    response.result(http::status::ok);
    std::string_view query;
    if (const auto mark = target.find('?'); mark != std::string_view::npos) {
      query = target.substr(mark + 1);
      target = target.substr(0, mark);
    }
    if (target == kCollection) {
      list(query, body);
    } else if (target.starts_with(kCollection) && target.substr(kCollection.size()).starts_with("/cron-")) {
      show(target.substr(kCollection.size() + 6), response);
    } else {
      not_found(response);
    }
  }

 private:
  [[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "serve_floor: %s: %s\n", what, sqlite3_errmsg(db_));
    std::exit(1);
  }

  void prepare(sqlite3_stmt*& statement, const std::string& sql) {
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement,
                           nullptr) != SQLITE_OK) {
      fail("prepare");
    }
  }

  void not_found(http::response<http::string_body>& response) {
    response.result(http::status::not_found);
    response.body() = R"({"message":"Not found."})";
  }

  void show(std::string_view digits, http::response<http::string_body>& response) {
    std::int64_t seq = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
    if (error != std::errc{} || end != digits.data() + digits.size()) {
      not_found(response);
      return;
    }
    sqlite3_bind_int64(one_, 1, seq);
    if (sqlite3_step(one_) == SQLITE_ROW) {
      append_job(response.body(), one_, ping_base_, now_seconds());
    } else {
      not_found(response);
    }
    sqlite3_reset(one_);
  }

  static std::int64_t query_number(std::string_view query, std::string_view key,
                                   std::int64_t fallback) {
    while (!query.empty()) {
      const auto amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      if (pair.size() > key.size() && pair.starts_with(key) && pair[key.size()] == '=') {
        std::int64_t value = 0;
        const auto digits = pair.substr(key.size() + 1);
        if (std::from_chars(digits.data(), digits.data() + digits.size(), value).ec ==
                std::errc{} && value > 0) {
          return value;
        }
        return fallback;
      }
      query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    }
    return fallback;
  }

  void list(std::string_view query, std::string& body) {
    const std::int64_t page = query_number(query, "page", 1);
    const std::int64_t limit = std::min<std::int64_t>(query_number(query, "limit", 20), 100);
    sqlite3_bind_int64(page_, 1, limit);
    sqlite3_bind_int64(page_, 2, (page - 1) * limit);
    const std::int64_t now = now_seconds();
    std::int64_t total = -1;
    body.append("{\"data\":[");
    while (sqlite3_step(page_) == SQLITE_ROW) {
      if (total >= 0) {
        body.push_back(',');
      }
      total = sqlite3_column_int64(page_, kTotal);
      append_job(body, page_, ping_base_, now);
    }
    sqlite3_reset(page_);
    if (total < 0) {
      // A page past the end has no row to carry the count.
      sqlite3_stmt* count = nullptr;
      sqlite3_prepare_v2(db_, "SELECT count(*) FROM jobs", -1, &count, nullptr);
      total = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int64(count, 0) : 0;
      sqlite3_finalize(count);
    }
    body.append("],\"pagination\":{\"page\":");
    append_int(body, page);
    body.append(",\"limit\":");
    append_int(body, limit);
    body.append(",\"total\":");
    append_int(body, total);
    body.append("}}");
  }

  asio::io_context context_{1};
  sqlite3* db_ = nullptr;
  sqlite3_stmt* one_ = nullptr;
  sqlite3_stmt* page_ = nullptr;
  std::string ping_base_;
};

// One keep-alive connection: read a request, answer it, again until the peer closes.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Worker& worker) : socket_(std::move(socket)), worker_(worker) {}

  void start() { read(); }

 private:
  void read() {
    parser_.emplace();
    parser_->body_limit(0);
    http::async_read(socket_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code error, std::size_t) {
                       self->on_read(error);
                     });
  }

  void on_read(beast::error_code error) {
    if (error) {
      close();
      return;
    }
    const auto& request = parser_->get();
    response_.version(request.version());
    response_.keep_alive(request.keep_alive());
    response_.set(http::field::server, "floor");
    response_.set(http::field::content_type, "application/json");
    if (request.method() != http::verb::get) {
      response_.result(http::status::method_not_allowed);
      response_.body() = R"({"message":"Method not allowed."})";
    } else {
      worker_.handle(request.target(), response_);
    }
    response_.prepare_payload();
    http::async_write(socket_, response_,
                      [self = shared_from_this()](beast::error_code write_error, std::size_t) {
                        self->on_write(write_error);
                      });
  }

  void on_write(beast::error_code error) {
    if (error || !response_.keep_alive()) {
      close();
      return;
    }
    read();
  }

  void close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
  }

  tcp::socket socket_;
  Worker& worker_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::response<http::string_body> response_;
};

class Acceptor {
 public:
  Acceptor(std::vector<std::unique_ptr<Worker>>& workers, tcp::endpoint endpoint)
      : workers_(workers), acceptor_(workers.front()->context()) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  void accept() {
    Worker& worker = *workers_[next_];
    next_ = (next_ + 1) % workers_.size();
    acceptor_.async_accept(worker.context(),
                           [this, &worker](beast::error_code error, tcp::socket socket) {
                             if (!error) {
                               socket.set_option(tcp::no_delay(true), error);
                               asio::dispatch(socket.get_executor(),
                                              [&worker, s = std::move(socket)]() mutable {
                                                std::make_shared<Session>(std::move(s), worker)
                                                    ->start();
                                              });
                             }
                             accept();
                           });
  }

 private:
  std::vector<std::unique_ptr<Worker>>& workers_;
  tcp::acceptor acceptor_;
  std::size_t next_ = 0;
};

}  // namespace
}  // namespace floor_bench

int main(int argc, char** argv) {
  using namespace floor_bench;
  if (argc != 5) {
    std::fprintf(stderr, "usage: serve_floor DATABASE PORT THREADS PING_BASE\n");
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[2]));
  const int threads = std::max(1, std::atoi(argv[3]));
  // Each connection is used by one thread only (SQLITE_OPEN_NOMUTEX), and without memory
  // statistics SQLite takes no process-wide mutex around every allocation.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) {
    workers.push_back(std::make_unique<Worker>(argv[1], argv[4]));
  }
  Acceptor acceptor(workers, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  acceptor.accept();
  std::fprintf(stderr, "serve_floor: listening on http://127.0.0.1:%u\n", acceptor.port());
  std::vector<std::thread> running;
  for (int i = 1; i < threads; ++i) {
    running.emplace_back([&worker = *workers[static_cast<std::size_t>(i)]] {
      auto guard = asio::make_work_guard(worker.context());
      worker.context().run();
    });
  }
  workers.front()->context().run();
  for (auto& t : running) {
    t.join();
  }
  return 0;
}
