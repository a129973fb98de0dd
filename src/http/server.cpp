// Server: the listener, the I/O threads and the stop. Connections are in connection.cpp; the
// layout of contexts and threads is described in connection.hpp.

#include "http/server.hpp"

#include "http/connection.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <latch>
#include <system_error>
#include <vector>

namespace certcron::http {

using namespace detail;

struct Server::Impl {
  Shared shared;
  HandlerFactory factory;
  // Workers are declared before the control context so that a pending accept, which refers to
  // a worker's context, is destroyed first.
  std::vector<std::unique_ptr<Worker>> workers;
  asio::io_context control{1};
  tcp::acceptor acceptor{control};
  asio::signal_set signals{control};
  asio::steady_timer shutdown_timer{control};
  asio::steady_timer retry_timer{control};
  std::size_t next_worker = 0;
  int running_workers = 0;  // control thread only
  std::atomic<bool> stop_requested{false};
  bool stopping = false;  // control thread only
  std::chrono::steady_clock::time_point stop_began{};  // set once stopping; read after run()
  bool has_run = false;
  std::uint16_t bound_port = 0;
  std::mutex startup_mutex;
  std::string startup_error;

  Result<void> listen();
  Result<void> run(bool handle_signals);
  Result<void> start_workers();
  void worker_main(Worker& worker, std::latch& ready);
  void join_workers();
  void accept();
  void on_accept(beast::error_code ec, tcp::socket socket, Worker& worker);
  void begin_stop();
  void on_worker_finished();
};

Result<void> Server::Impl::listen() {
  const auto& o = shared.options;
  const std::string where = host_port(o.address, o.port);
  if (acceptor.is_open()) {
    return fail(Error::failed("cannot listen on " + where + ": the server is already listening"));
  }
  beast::error_code ec;
  const auto address = asio::ip::make_address(o.address, ec);
  if (ec) {
    return fail(Error::failed("cannot listen on " + where + ": not an IPv4 or IPv6 address"));
  }
  const tcp::endpoint endpoint(address, o.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (!ec) {
    bound_port = acceptor.local_endpoint(ec).port();
  }
  if (ec) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return fail(Error::failed("cannot listen on " + where + ": " + ec.message()));
  }
  return {};
}

Result<void> Server::Impl::run(bool handle_signals) {
  if (!acceptor.is_open() || has_run) {
    return fail(
        Error::failed("the HTTP server cannot run: it is not listening or has already run"));
  }
  has_run = true;
  if (auto started = start_workers(); !started) {
    return started;
  }
  if (handle_signals) {
    // Without the handlers the server still serves; it then stops only through stop().
    beast::error_code ignored;
    signals.add(SIGTERM, ignored);
    signals.add(SIGINT, ignored);
    signals.async_wait([this](beast::error_code ec, int) {
      if (!ec) {
        begin_stop();
      }
    });
  }
  accept();
  control.run();
  join_workers();
  return {};
}

Result<void> Server::Impl::start_workers() {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const int count = shared.options.threads > 0 ? shared.options.threads : static_cast<int>(cores);
  std::latch ready(count);
  for (int i = 0; i < count; ++i) {
    workers.push_back(std::make_unique<Worker>());
  }
  for (int i = 0; i < count; ++i) {
    try {
      workers[static_cast<std::size_t>(i)]->thread =
          std::thread([this, &worker = *workers[static_cast<std::size_t>(i)], &ready] {
            worker_main(worker, ready);
          });
    } catch (const std::system_error& e) {
      std::lock_guard lock(startup_mutex);
      startup_error = e.what();
      ready.count_down(count - i);
      break;
    }
  }
  ready.wait();
  if (!startup_error.empty()) {
    for (auto& worker : workers) {
      worker->context.stop();
    }
    join_workers();
    return fail(Error::failed("cannot start the HTTP server: " + startup_error));
  }
  running_workers = count;
  return {};
}

void Server::Impl::worker_main(Worker& worker, std::latch& ready) {
  std::string error;
  try {
    worker.handler = factory();
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown exception";
  }
  if (!worker.handler) {
    std::lock_guard lock(startup_mutex);
    startup_error = error.empty() ? "the request handler could not be created" : error;
  }
  ready.count_down();  // `ready` may be gone after this
  while (worker.handler) {
    try {
      worker.context.run();
      break;
    } catch (const std::exception& e) {
      shared.log(one_line(std::string("http: I/O thread error: ") + e.what()));
    }
  }
  worker.flush_log(shared);  // lines of a forced stop's last requests
  worker.handler.reset();  // on the thread that made it, like every use of it
  asio::post(control, [this] { on_worker_finished(); });
}

void Server::Impl::join_workers() {
  for (auto& worker : workers) {
    if (worker->thread.joinable()) {
      worker->thread.join();
    }
  }
  workers.clear();  // closes whatever connections a forced stop left behind
}

// Sockets are handed out round-robin, each bound to its worker's context for its whole life.
void Server::Impl::accept() {
  Worker& worker = *workers[next_worker++ % workers.size()];
  acceptor.async_accept(worker.context, [this, &worker](beast::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket), worker);
  });
}

void Server::Impl::on_accept(beast::error_code ec, tcp::socket socket, Worker& worker) {
  if (stopping || ec == asio::error::operation_aborted) {
    return;
  }
  if (ec && ec != asio::error::connection_aborted) {
    // Out of descriptors or memory: retrying at once would spin, so pause briefly.
    shared.log("http: accept failed: " + ec.message());
    retry_timer.expires_after(std::chrono::milliseconds(100));
    retry_timer.async_wait([this](beast::error_code timer_ec) {
      if (!timer_ec && !stopping) {
        accept();
      }
    });
    return;
  }
  if (!ec) {
    const bool counted = shared.connections.fetch_add(1) < shared.options.max_connections;
    if (!counted) {
      shared.connections.fetch_sub(1);  // answered 503 and closed, so it holds no slot
    }
    // The only reference goes to the worker: a connection must end on its worker's thread,
    // since its destructor leaves the worker's set of connections, which that thread walks.
    // (A copy kept here could be the last one, when the peer hangs up at once.)
    auto connection = std::make_shared<Connection>(shared, worker, std::move(socket), counted);
    asio::post(worker.context, [connection = std::move(connection)] { connection->start(); });
  }
  accept();
}

void Server::Impl::begin_stop() {
  if (stopping) {
    return;
  }
  stopping = true;
  stop_began = std::chrono::steady_clock::now();
  shared.stopping = true;
  beast::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  signals.clear(ignored);  // a second SIGINT/SIGTERM now ends the process the default way
  retry_timer.cancel();
  shutdown_timer.expires_after(shared.options.shutdown_timeout);
  shutdown_timer.async_wait([this](beast::error_code ec) {
    if (!ec) {
      shared.log("http: requests still running after the shutdown timeout were cut off");
      for (auto& worker : workers) {
        worker->context.stop();
      }
    }
  });
  for (auto& worker : workers) {
    asio::post(worker->context, [&w = *worker] {
      const std::vector<Connection*> open(w.connections.begin(), w.connections.end());
      for (Connection* connection : open) {
        connection->close_if_idle();
      }
      w.guard.reset();  // the context's run() returns once its last connection is done
    });
  }
}

void Server::Impl::on_worker_finished() {
  if (--running_workers == 0) {
    shutdown_timer.cancel();  // nothing left for control.run() to wait for
  }
}

Server::Server(ServerOptions options, HandlerFactory factory) : impl_(std::make_unique<Impl>()) {
  impl_->shared.options = std::move(options);
  impl_->factory = std::move(factory);
}

Server::~Server() = default;

Result<void> Server::listen() {
  return impl_->listen();
}

std::uint16_t Server::port() const {
  return impl_->bound_port;
}

std::chrono::steady_clock::time_point Server::stop_began() const {
  return impl_->stop_began;
}

Result<void> Server::run(bool handle_signals) {
  return impl_->run(handle_signals);
}

void Server::stop() {
  if (!impl_->stop_requested.exchange(true)) {
    asio::post(impl_->control, [impl = impl_.get()] { impl->begin_stop(); });
  }
}

}  // namespace certcron::http
