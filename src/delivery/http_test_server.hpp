#pragma once

// For the webhook tests: a tiny blocking HTTP/1.1 server on 127.0.0.1 (an ephemeral port) in a
// thread of its own. It answers each request with the next status of a script, records what
// it received, and stops by itself after a bounded number of requests or seconds.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace certcron::delivery::testing {

struct ReceivedRequest {
  std::string head;  // request line and headers
  std::string body;
};

class HttpTestServer {
 public:
  // `statuses`: the answer to each request in turn (then 200). A status of 0 never answers:
  // the connection is held open until the server stops (to test client timeouts).
  explicit HttpTestServer(std::deque<int> statuses, int max_requests = 32,
                          std::chrono::seconds lifetime = std::chrono::seconds{20})
      : statuses_(std::move(statuses)), max_requests_(max_requests) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    if (listener_ < 0 ||
        ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    deadline_ = std::chrono::steady_clock::now() + lifetime;
    thread_ = std::thread([this] { serve(); });
  }

  ~HttpTestServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  std::vector<ReceivedRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  bool running() const { return !stop_ && std::chrono::steady_clock::now() < deadline_; }

  // Waits for `fd` to be readable, in short slices so that a stop is noticed.
  bool wait_readable(int fd) const {
    while (running()) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) {
        return true;
      }
    }
    return false;
  }

  void serve() {
    for (int served = 0; served < max_requests_ && wait_readable(listener_); ++served) {
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) {
        continue;
      }
      handle(client);
      ::close(client);
    }
  }

  void handle(int client) {
    std::string data;
    std::size_t header_end = std::string::npos;
    std::size_t wanted = 0;
    char buffer[4096];
    while (data.size() < (1u << 20) && wait_readable(client)) {
      const auto got = ::recv(client, buffer, sizeof buffer, 0);
      if (got <= 0) {
        break;
      }
      data.append(buffer, static_cast<std::size_t>(got));
      if (header_end == std::string::npos &&
          (header_end = data.find("\r\n\r\n")) != std::string::npos) {
        const auto at = data.find("Content-Length: ");
        wanted = at == std::string::npos ? 0 : std::stoul(data.substr(at + 16));
      }
      if (header_end != std::string::npos && data.size() >= header_end + 4 + wanted) {
        break;
      }
    }
    if (header_end == std::string::npos) {
      return;
    }
    int status = 200;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back({data.substr(0, header_end), data.substr(header_end + 4, wanted)});
      if (!statuses_.empty()) {
        status = statuses_.front();
        statuses_.pop_front();
      }
    }
    if (status == 0) {
      while (running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
      }
      return;
    }
    const std::string body = status < 300 ? "ok" : "something broke on the receiving side";
    const std::string answer = "HTTP/1.1 " + std::to_string(status) +
                               " Test\r\nContent-Length: " + std::to_string(body.size()) +
                               "\r\nConnection: close\r\n\r\n" + body;
    (void)::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
  }

  int listener_ = -1;
  int port_ = 0;
  std::deque<int> statuses_;
  int max_requests_;
  std::chrono::steady_clock::time_point deadline_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<ReceivedRequest> requests_;
  std::thread thread_;
};

}  // namespace certcron::delivery::testing
