// A real server on loopback, spoken to over plain POSIX sockets, so what is tested is what a
// client sees on the wire.

#include "http/server.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace certcron::http;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Reply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;

  bool has_header(const std::string& line) const {
    return head.find(line + "\r\n") != std::string::npos;
  }
};

// A blocking HTTP/1.1 client with a receive timeout, so a broken server fails a test rather
// than hanging it.
class Client {
 public:
  explicit Client(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    timeval timeout{3, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~Client() { close(); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

  bool send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // One response; for an answer to HEAD, the body announced by Content-Length is not sent.
  std::optional<Reply> read_reply(bool head_request = false) {
    std::size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) {
        return std::nullopt;
      }
    }
    Reply reply;
    reply.head = pending_.substr(0, end + 2);
    pending_.erase(0, end + 4);
    reply.status = std::stoi(reply.head.substr(9, 3));
    const std::size_t length_at = reply.head.find("Content-Length: ");
    const std::size_t length = (length_at == std::string::npos || head_request)
                                   ? 0
                                   : std::stoul(reply.head.substr(length_at + 16));
    while (pending_.size() < length) {
      if (!fill()) {
        return std::nullopt;
      }
    }
    reply.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return reply;
  }

  std::optional<Reply> request(const std::string& raw) {
    if (!send(raw)) {
      return std::nullopt;
    }
    return read_reply();
  }

  // True when the server closed its side (EOF or reset) before the receive timeout.
  bool closed_by_peer() {
    char byte;
    const ssize_t n = ::recv(fd_, &byte, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool fill() {
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      return false;
    }
    pending_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  std::string pending_;
};

// "<prefix> <digits>us", the shape of a request's log line.
bool is_log_line(const std::string& line, const std::string& prefix) {
  if (line.rfind(prefix + " ", 0) != 0 || line.size() < prefix.size() + 4 ||
      line.substr(line.size() - 2) != "us") {
    return false;
  }
  const std::string digits = line.substr(prefix.size() + 1, line.size() - prefix.size() - 3);
  return digits.find_first_not_of("0123456789") == std::string::npos;
}

std::string get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n";
}

struct Probe {
  std::atomic<int> handlers_made{0};
  std::atomic<int> calls_off_thread{0};
  std::mutex mutex;
  std::set<std::thread::id> handling_threads;
  std::function<void()> stop_server;
};

// Echoes what it was given; "/throw" throws, "/sleep" takes a while, "/stop" stops the server.
class EchoHandler : public Handler {
 public:
  explicit EchoHandler(Probe& probe) : probe_(probe) { ++probe_.handlers_made; }

  Response handle(const Request& request) override {
    if (std::this_thread::get_id() != made_on_) {
      ++probe_.calls_off_thread;
    }
    {
      std::lock_guard lock(probe_.mutex);
      probe_.handling_threads.insert(std::this_thread::get_id());
    }
    if (request.path == "/throw") {
      throw std::runtime_error("secret-detail-42");
    }
    if (request.path == "/sleep") {
      std::this_thread::sleep_for(400ms);
    }
    if (request.path == "/stop") {
      probe_.stop_server();
    }
    std::string query;
    for (const auto& [name, value] : request.query) {
      query += name + "=" + value + ";";
    }
    return Response::json(200, R"({"method":")" + request.method + R"(","path":")" + request.path +
                                   R"(","query":")" + query + R"(","body":)" +
                                   std::to_string(request.body.size()) + "}");
  }

 private:
  Probe& probe_;
  std::thread::id made_on_ = std::this_thread::get_id();
};

ServerOptions test_options() {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.read_timeout = 1s;
  options.idle_timeout = 2s;
  options.shutdown_timeout = 3s;
  return options;
}

// A server running run(false) on its own thread; stopped and joined on destruction.
class TestServer {
 public:
  explicit TestServer(ServerOptions options = test_options()) {
    options.log = [this](std::string_view lines) {
      std::lock_guard lock(log_mutex_);
      ++log_calls_;
      for (std::size_t start = 0;;) {  // one or more lines joined by '\n'
        const std::size_t end = lines.find('\n', start);
        log_.emplace_back(lines.substr(start, end - start));
        if (end == std::string_view::npos) {
          break;
        }
        start = end + 1;
      }
    };
    probe.stop_server = [this] { server_->stop(); };
    server_ = std::make_unique<Server>(std::move(options),
                                       [this] { return std::make_unique<EchoHandler>(probe); });
    REQUIRE(server_->listen().has_value());
    runner_ = std::thread([this] {
      outcome_ = server_->run(false);
      finished_ = true;
    });
  }
  ~TestServer() {
    server_->stop();
    runner_.join();
  }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::uint16_t port() const { return server_->port(); }
  void stop() { server_->stop(); }

  // Waits (briefly) for run() to return; true if it returned without an error.
  bool wait_finished(std::chrono::milliseconds limit) {
    const auto deadline = SteadyClock::now() + limit;
    while (!finished_ && SteadyClock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    return finished_ && outcome_.has_value();
  }

  // The log, once it holds at least `count` lines (lines are written after the answer is sent).
  std::vector<std::string> log_lines(std::size_t count) {
    const auto deadline = SteadyClock::now() + 1s;
    for (;;) {
      {
        std::lock_guard lock(log_mutex_);
        if (log_.size() >= count || SteadyClock::now() > deadline) {
          return log_;
        }
      }
      std::this_thread::sleep_for(5ms);
    }
  }

  // How many times the log was called (each call may carry several lines).
  int log_calls() {
    std::lock_guard lock(log_mutex_);
    return log_calls_;
  }

  Probe probe;

 private:
  std::mutex log_mutex_;
  std::vector<std::string> log_;
  int log_calls_ = 0;
  std::unique_ptr<Server> server_;
  std::thread runner_;
  certcron::Result<void> outcome_;
  std::atomic<bool> finished_{false};
};

}  // namespace

TEST_SUITE("http.server") {
  TEST_CASE("a GET is answered 200 with the handler's JSON body and its Content-Length") {
    TestServer server;
    Client client(server.port());
    const auto reply = client.request(get("/hello"));
    REQUIRE(reply.has_value());
    CHECK(reply->status == 200);
    CHECK(reply->body == R"({"method":"GET","path":"/hello","query":"","body":0})");
    CHECK(reply->has_header("Content-Length: " + std::to_string(reply->body.size())));
    CHECK(reply->has_header("Content-Type: application/json"));
    CHECK(reply->has_header("Server: certcron"));
  }

  TEST_CASE("two requests on one kept-alive connection are both answered") {
    TestServer server;
    Client client(server.port());
    const auto first = client.request(get("/one"));
    const auto second = client.request(get("/two"));
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    CHECK(first->body.find(R"("path":"/one")") != std::string::npos);
    CHECK(second->body.find(R"("path":"/two")") != std::string::npos);
  }

  TEST_CASE("an HTTP/1.0 request is answered and then the connection is closed") {
    TestServer server;
    Client client(server.port());
    const auto reply = client.request("GET /old HTTP/1.0\r\n\r\n");
    REQUIRE(reply.has_value());
    CHECK(reply->status == 200);
    CHECK(reply->head.rfind("HTTP/1.0 200", 0) == 0);
    CHECK(client.closed_by_peer());
  }

  TEST_CASE("the handler sees the percent-decoded path and query") {
    TestServer server;
    Client client(server.port());
    const auto reply = client.request(get("/a%20b?name=J+D%C3%A9&x=%2F"));
    REQUIRE(reply.has_value());
    CHECK(reply->body.find(R"("path":"/a b")") != std::string::npos);
    CHECK(reply->body.find("\"query\":\"name=J D\xC3\xA9;x=/;\"") != std::string::npos);
  }

  TEST_CASE("a target with a bad percent escape is answered 400 in JSON") {
    TestServer server;
    Client client(server.port());
    const auto reply = client.request(get("/a%zz"));
    REQUIRE(reply.has_value());
    CHECK(reply->status == 400);
    CHECK(reply->has_header("Content-Type: application/json"));
    CHECK(server.probe.handling_threads.empty());
  }

  TEST_CASE("malformed HTTP is answered 400 and the connection closed") {
    TestServer server;
    Client client(server.port());
    const auto reply = client.request("GET /x HTTP/1.1\r\nBad Header Line\r\n\r\n");
    REQUIRE(reply.has_value());
    CHECK(reply->status == 400);
    CHECK(client.closed_by_peer());
  }

  TEST_CASE("a header block over max_header_bytes is answered 431 and the connection closed") {
    TestServer server;
    Client client(server.port());
    const auto reply = client.request(
        "GET /x HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(20 * 1024, 'a') + "\r\n\r\n");
    REQUIRE(reply.has_value());
    CHECK(reply->status == 431);
    CHECK(reply->body == R"({"message":"Request header fields too large."})");
    CHECK(reply->body.find("aaaa") == std::string::npos);
    CHECK(client.closed_by_peer());
  }

  TEST_CASE("a Content-Length over max_body_bytes is answered 413 before the body is sent") {
    TestServer server;
    Client client(server.port());
    // Only the header goes out: the answer must come without the server waiting for 2 MiB.
    const auto reply =
        client.request("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 2097152\r\n\r\n");
    REQUIRE(reply.has_value());
    CHECK(reply->status == 413);
    CHECK(reply->body == R"({"message":"Request body too large (limit 1048576 bytes)."})");
    CHECK(client.closed_by_peer());
  }

  TEST_CASE("a body within the limit reaches the handler whole") {
    TestServer server;
    Client client(server.port());
    const std::string body(100 * 1024, 'b');
    const auto reply = client.request("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                                      std::to_string(body.size()) + "\r\n\r\n" + body);
    REQUIRE(reply.has_value());
    CHECK(reply->body.find(R"("method":"POST")") != std::string::npos);
    CHECK(reply->body.find("\"body\":" + std::to_string(body.size())) != std::string::npos);
  }

  TEST_CASE("a HEAD request gets the GET's Content-Length but no body") {
    TestServer server;
    Client client(server.port());
    REQUIRE(client.send("HEAD /same HTTP/1.1\r\nHost: t\r\n\r\n"));
    const auto head = client.read_reply(true);
    // Any body bytes sent for HEAD would corrupt the next answer on the connection.
    const auto next = client.request(get("/same"));
    REQUIRE(head.has_value());
    REQUIRE(next.has_value());
    CHECK(head->status == 200);
    CHECK(next->status == 200);
    const std::string get_length =
        std::to_string(next->body.size() - std::string("GET").size() + std::string("HEAD").size());
    CHECK(head->has_header("Content-Length: " + get_length));
    CHECK(next->body.find(R"("method":"GET")") != std::string::npos);
  }

  TEST_CASE("a throwing handler is answered 500 without the exception's text, which is logged") {
    TestServer server;
    Client client(server.port());
    const auto reply = client.request(get("/throw"));
    REQUIRE(reply.has_value());
    CHECK(reply->status == 500);
    CHECK(reply->body == R"({"message":"Internal server error."})");
    CHECK(reply->body.find("secret-detail-42") == std::string::npos);
    const auto lines = server.log_lines(2);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].find("secret-detail-42") != std::string::npos);
    CHECK(is_log_line(lines[1], "GET /throw 500"));
  }

  TEST_CASE("the log gets one line per request, with neither the query nor headers") {
    TestServer server;
    Client client(server.port());
    REQUIRE(client.request(
        "GET /echo?token=s3cr3t HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer abc\r\n\r\n"));
    REQUIRE(client.request("POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi"));
    const auto lines = server.log_lines(2);
    REQUIRE(lines.size() == 2);
    CHECK(is_log_line(lines[0], "GET /echo 200"));
    CHECK(is_log_line(lines[1], "POST /other 200"));
    std::this_thread::sleep_for(50ms);
    CHECK(server.log_lines(2).size() == 2);  // and no further line came late
  }

  TEST_CASE("request lines reach the log whole, several in one call when they come together") {
    ServerOptions options = test_options();
    options.threads = 1;
    TestServer server(options);
    // While the first request's handler sleeps, five more arrive; they are answered in one
    // round of the I/O thread, and their lines are handed over together.
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 6; ++i) {
      clients.push_back(std::make_unique<Client>(server.port()));
    }
    REQUIRE(clients[0]->send(get("/sleep")));
    std::this_thread::sleep_for(100ms);
    for (int i = 1; i < 6; ++i) {
      REQUIRE(clients[static_cast<std::size_t>(i)]->send(get("/n" + std::to_string(i))));
    }
    for (auto& client : clients) {
      const auto reply = client->read_reply();
      REQUIRE(reply.has_value());
      CHECK(reply->status == 200);
    }
    const auto lines = server.log_lines(6);
    REQUIRE(lines.size() == 6);
    CHECK(is_log_line(lines[0], "GET /sleep 200"));
    std::set<std::string> paths;
    for (std::size_t i = 1; i < lines.size(); ++i) {
      paths.insert(lines[i].substr(0, lines[i].find(' ', 4)));
    }
    CHECK(paths == std::set<std::string>{"GET /n1", "GET /n2", "GET /n3", "GET /n4", "GET /n5"});
    CHECK(server.log_calls() < 6);
  }

  TEST_CASE("without log_requests the log gets no request lines") {
    ServerOptions options = test_options();
    options.log_requests = false;
    TestServer server(options);
    Client client(server.port());
    REQUIRE(client.request(get("/quiet")));
    REQUIRE(client.request(get("/throw")));
    const auto lines = server.log_lines(2);
    REQUIRE(lines.size() == 1);  // the handler's failure, not a request line
    CHECK(lines[0].find("secret-detail-42") != std::string::npos);
  }

  TEST_CASE("a kept-alive connection with no next request is closed after idle_timeout") {
    TestServer server;  // idle_timeout 2 s
    Client client(server.port());
    REQUIRE(client.request(get("/first")));
    const auto answered_at = SteadyClock::now();
    CHECK(client.closed_by_peer());
    const auto idle_for = SteadyClock::now() - answered_at;
    CHECK(idle_for >= 1900ms);
    CHECK(idle_for < 3s);
  }

  TEST_CASE("a stalled half request does not delay others and is closed after read_timeout") {
    ServerOptions options = test_options();
    options.threads = 1;  // the stalled client shares the only I/O thread with the other one
    TestServer server(options);
    Client stalled(server.port());
    REQUIRE(stalled.send("GET /slow HTTP/1.1\r\nHost: t\r\n"));
    const auto stalled_at = SteadyClock::now();
    std::this_thread::sleep_for(100ms);

    Client other(server.port());
    const auto asked_at = SteadyClock::now();
    const auto reply = other.request(get("/quick"));
    REQUIRE(reply.has_value());
    CHECK(reply->status == 200);
    CHECK(SteadyClock::now() - asked_at < 1s);

    CHECK(stalled.closed_by_peer());
    const auto stalled_for = SteadyClock::now() - stalled_at;
    CHECK(stalled_for >= 900ms);
    CHECK(stalled_for < 2500ms);
  }

  TEST_CASE("stop() from another thread lets an in-flight request finish and makes run() return") {
    TestServer server;
    Client idle(server.port());
    REQUIRE(idle.request(get("/warm-up")));
    Client busy(server.port());
    REQUIRE(busy.send(get("/sleep")));
    std::this_thread::sleep_for(100ms);  // the handler is now sleeping
    std::thread stopper([&] { server.stop(); });
    stopper.join();

    const auto reply = busy.read_reply();
    REQUIRE(reply.has_value());
    CHECK(reply->status == 200);
    INFO(reply->head);
    CHECK(reply->has_header("Connection: close"));
    CHECK(idle.closed_by_peer());  // a kept-alive connection with no request is closed at once
    CHECK(server.wait_finished(2s));
  }

  TEST_CASE("stop() may be called from a handler, and more than once") {
    TestServer server;
    Client client(server.port());
    const auto reply = client.request(get("/stop"));
    REQUIRE(reply.has_value());
    CHECK(reply->status == 200);
    server.stop();
    CHECK(server.wait_finished(2s));
  }

  TEST_CASE("each handler is made on its I/O thread and only ever called there") {
    ServerOptions options = test_options();
    options.threads = 3;
    TestServer server(options);
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 12; ++i) {
      clients.push_back(std::make_unique<Client>(server.port()));
    }
    for (int round = 0; round < 2; ++round) {
      for (auto& client : clients) {
        REQUIRE(client->send(get("/r")));
      }
      for (auto& client : clients) {
        const auto reply = client->read_reply();
        REQUIRE(reply.has_value());
        CHECK(reply->status == 200);
      }
    }
    CHECK(server.probe.handlers_made == 3);
    CHECK(server.probe.calls_off_thread == 0);
    std::lock_guard lock(server.probe.mutex);
    CHECK(server.probe.handling_threads.size() == 3);  // connections are spread over the threads
  }

  TEST_CASE("connections beyond max_connections are answered 503 and closed") {
    ServerOptions options = test_options();
    options.max_connections = 2;
    TestServer server(options);
    Client first(server.port());
    Client second(server.port());
    REQUIRE(first.request(get("/1")));
    REQUIRE(second.request(get("/2")));

    Client third(server.port());
    const auto refused = third.request(get("/3"));
    REQUIRE(refused.has_value());
    CHECK(refused->status == 503);
    CHECK(refused->has_header("Content-Type: application/json"));
    CHECK(third.closed_by_peer());

    // A freed slot is usable again.
    first.close();
    int status = 0;
    for (int attempt = 0; attempt < 20 && status != 200; ++attempt) {
      std::this_thread::sleep_for(20ms);
      Client again(server.port());
      const auto reply = again.request(get("/4"));
      status = reply ? reply->status : 0;
    }
    CHECK(status == 200);
  }

  TEST_CASE("listen() on a port in use fails with a message naming the address") {
    TestServer server;
    ServerOptions options = test_options();
    options.port = server.port();
    Server second(options, [] { return std::unique_ptr<Handler>(); });
    const auto listened = second.listen();
    REQUIRE_FALSE(listened.has_value());
    CHECK(listened.error().message ==
          "cannot listen on 127.0.0.1:" + std::to_string(server.port()) +
              ": Address already in use");
  }

  TEST_CASE("listen() refuses an address that is not an IP literal") {
    ServerOptions options = test_options();
    options.address = "localhost";
    Server server(options, [] { return std::unique_ptr<Handler>(); });
    const auto listened = server.listen();
    REQUIRE_FALSE(listened.has_value());
    CHECK(listened.error().message.rfind("cannot listen on localhost:0: ", 0) == 0);
  }

  TEST_CASE("run() fails when the handler factory cannot make a handler") {
    ServerOptions options = test_options();
    Server server(options,
                  []() -> std::unique_ptr<Handler> { throw std::runtime_error("no database"); });
    REQUIRE(server.listen().has_value());
    const auto ran = server.run(false);
    REQUIRE_FALSE(ran.has_value());
    CHECK(ran.error().message == "cannot start the HTTP server: no database");
  }

}  // TEST_SUITE
