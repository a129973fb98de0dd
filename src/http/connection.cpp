#include "http/connection.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>

#include <array>
#include <cctype>
#include <charconv>
#include <iterator>
#include <limits>
#include <vector>

namespace certcron::http::detail {

namespace {

// A closing connection keeps reading (and discarding) this long after its last answer: closing
// with unread request bytes would send a reset that can destroy the answer before it is read.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string json_message(std::string_view message) {
  return R"({"message":")" + std::string(message) + R"("})";
}

Response internal_error() {
  return Response::json(500, json_message("Internal server error."));
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

// Headers the transport owns, and values that would split the header block.
bool may_send_field(const std::string& name, const std::string& value) {
  static constexpr std::string_view owned[] = {"content-length", "transfer-encoding",
                                               "connection", "server"};
  const auto bad = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
  return !name.empty() &&
         std::none_of(std::begin(owned), std::end(owned),
                      [&](std::string_view known) { return equals_ignoring_case(name, known); }) &&
         std::none_of(name.begin(), name.end(), bad) &&
         std::none_of(value.begin(), value.end(), bad);
}

void append_number(std::string& out, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  out.append(digits, static_cast<std::size_t>(end - digits));
}

// How often a worker looks for connections past their deadline: often enough that a limit of
// a second is kept to within an eighth of it, rarely enough to cost nothing.
std::chrono::milliseconds sweep_period(const ServerOptions& o) {
  const auto shortest = std::min({o.read_timeout, o.idle_timeout,
                                  std::chrono::duration_cast<std::chrono::seconds>(kLingerTime)});
  return std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(shortest) / 8,
                    std::chrono::milliseconds(10), std::chrono::milliseconds(250));
}

bool is_malformed_http(const beast::error_code& ec) {
  // Every parser error means a malformed request, except a peer that went away mid-message.
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace

void Worker::start_sweep(const Shared& shared) {
  if (sweeping) {
    return;
  }
  sweeping = true;
  sweep.expires_after(sweep_period(shared.options));
  sweep.async_wait([this, &shared](beast::error_code ec) {
    sweeping = false;
    if (ec) {
      return;
    }
    const auto now = SteadyClock::now();
    // Closing only queues the connections' handlers, so the set does not change under us.
    for (Connection* connection : connections) {
      connection->close_if_expired(now);
    }
    if (!connections.empty()) {
      start_sweep(shared);
    }
  });
}

void Worker::log_request(Shared& shared, std::string_view line) {
  if (!shared.options.log || !shared.options.log_requests) {
    return;
  }
  if (pending_log.empty()) {
    // Queued behind the completions already ready, so their lines go out with this one.
    asio::post(context, [this, &shared] { flush_log(shared); });
  }
  pending_log.append(line).push_back('\n');
}

void Worker::flush_log(Shared& shared) {
  if (pending_log.empty()) {
    return;
  }
  pending_log.pop_back();  // the log adds the final newline
  shared.log(pending_log);
  pending_log.clear();
}

Connection::Connection(Shared& shared, Worker& worker, tcp::socket socket, bool counted)
    : shared_(shared), worker_(worker), socket_(std::move(socket)), counted_(counted) {}

Connection::~Connection() {
  worker_.connections.erase(this);
  if (counted_) {
    shared_.connections.fetch_sub(1);
  }
}

void Connection::close() {
  beast::error_code ignored;
  socket_.close(ignored);
}

void Connection::close_if_idle() {
  if (idle_) {
    close();
  }
}

bool Connection::close_if_expired(SteadyClock::time_point now) {
  if (deadline_ > now || !socket_.is_open()) {
    return false;
  }
  close();
  return true;
}

void Connection::start() {
  worker_.connections.insert(this);
  worker_.start_sweep(shared_);
  if (shared_.stopping) {
    close();  // accepted just before the stop: no request was served yet
    return;
  }
  beast::error_code ec;
  // Answers are written whole, in one call: nothing is gained by holding the last segment back.
  socket_.set_option(tcp::no_delay(true), ec);
  const auto peer = socket_.remote_endpoint(ec);
  remote_ = ec ? "" : host_port(peer.address().to_string(), peer.port());
  if (!counted_) {
    Response busy = Response::json(503, json_message("Too many connections; try again later."));
    busy.headers.emplace_back("Retry-After", "1");
    respond(std::move(busy), false);
    return;
  }
  wait_for_request();
}

// Between requests the connection is idle: a stop may close it, and it gets idle_timeout
// (read_timeout for a new connection) until the first byte of the next request.
void Connection::wait_for_request() {
  if (buffer_.size() > 0) {
    read_header();  // a pipelined request is already buffered
    return;
  }
  if (shared_.stopping) {
    linger();  // the stop's sweep of idle connections may already have passed this one
    return;
  }
  idle_ = true;
  const auto& o = shared_.options;
  expires_after(first_request_ ? o.read_timeout : o.idle_timeout);
  socket_.async_read_some(
      buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        self->idle_ = false;
        if (ec) {
          return;  // closed by the peer, the idle timeout or a stop: nothing to answer
        }
        self->buffer_.commit(n);
        self->read_header();
      });
}

void Connection::read_header() {
  first_request_ = false;
  started_ = SteadyClock::now();
  log_method_ = log_path_ = "-";
  const auto& o = shared_.options;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(o.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser_->body_limit(o.max_body_bytes);
  // One deadline for the whole request, header and body: a client that trickles bytes is cut off.
  expires_after(o.read_timeout);
  bhttp::async_read_header(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
}

void Connection::on_header(beast::error_code ec) {
  if (ec) {
    answer_error(ec);
    return;
  }
  const auto& request = parser_->get();
  const bool wants_continue = request.version() == 11 && !parser_->is_done() &&
                              lower(request[bhttp::field::expect]) == "100-continue";
  if (!wants_continue) {
    read_body();
    return;
  }
  // Clients such as curl hold a large body back until told to go on.
  asio::async_write(socket_, asio::buffer(kContinue.data(), kContinue.size()),
                    [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                      if (!write_ec) {
                        self->read_body();
                      }
                    });
}

void Connection::read_body() {
  if (parser_->is_done()) {
    on_request({});
    return;
  }
  bhttp::async_read(
      socket_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
}

void Connection::answer_error(beast::error_code ec) {
  const auto& partial = parser_->get();
  if (!partial.method_string().empty()) {
    log_method_ = std::string(partial.method_string());
    log_path_ = path_for_log(std::string_view(partial.target().data(), partial.target().size()));
  }
  if (ec == bhttp::error::header_limit) {
    respond(Response::json(431, json_message("Request header fields too large.")), false);
  } else if (ec == bhttp::error::body_limit) {
    const std::string limit = std::to_string(shared_.options.max_body_bytes);
    respond(
        Response::json(413, json_message("Request body too large (limit " + limit + " bytes).")),
        false);
  } else if (is_malformed_http(ec)) {
    respond(Response::json(400, json_message("Malformed HTTP request.")), false);
  }
  // Anything else (timeout, reset, EOF) leaves nobody to answer: the connection just ends.
}

Request Connection::make_request() {
  auto& message = parser_->get();
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  request.headers.reserve(static_cast<std::size_t>(std::distance(message.begin(), message.end())));
  for (const auto& field : message) {
    request.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote = remote_;
  return request;
}

void Connection::on_request(beast::error_code ec) {
  if (ec) {
    answer_error(ec);
    return;
  }
  const auto& message = parser_->get();
  const bool keep_alive = message.keep_alive();
  const bool head = message.method() == bhttp::verb::head;
  const unsigned version = message.version();
  Request request = make_request();
  log_method_ = request.method;
  log_path_ = path_for_log(request.target);
  if (!parse_target(request.target, request.path, request.query)) {
    respond(Response::json(400, json_message("The request target is not a valid path.")),
            keep_alive, head, version);
    return;
  }
  respond(call_handler(request), keep_alive, head, version);
}

// The single place a Handler runs: its failures become a plain 500, the details go to the log.
Response Connection::call_handler(const Request& request) {
  const auto where = [this] { return log_method_ + " " + log_path_; };
  try {
    Response response = worker_.handler->handle(request);
    if (response.status >= 200 && response.status <= 599) {
      return response;
    }
    shared_.log("http: handler answered " + where() + " with status " +
                std::to_string(response.status));
  } catch (const std::exception& e) {
    shared_.log(one_line("http: handler failed on " + where() + ": " + e.what()));
  } catch (...) {
    shared_.log("http: handler failed on " + where() + ": unknown exception");
  }
  return internal_error();
}

void Connection::respond(Response response, bool keep_alive, bool head, unsigned version) {
  // Decided only now: a stop that came while the handler ran must already close this one.
  keep_alive = keep_alive && !shared_.stopping;
  const int status = response.status;
  head_.assign(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  append_number(head_, status);
  head_.push_back(' ');
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(status));
  head_.append(reason.data(), reason.size());
  head_.append("\r\nServer: certcron\r\n");
  for (const auto& [name, value] : response.headers) {
    if (may_send_field(name, value)) {
      head_.append(name).append(": ").append(value).append("\r\n");
    }
  }
  body_.clear();
  if (status != 204 && status != 304) {
    head_.append("Content-Length: ");
    append_number(head_, static_cast<std::int64_t>(response.body.size()));
    head_.append("\r\n");
    if (!head) {
      body_ = std::move(response.body);  // HEAD: the GET's length, but no body
    }
  }
  // HTTP/1.1 keeps a connection unless told otherwise, HTTP/1.0 closes it unless told.
  if (version == 10 && keep_alive) {
    head_.append("Connection: keep-alive\r\n");
  } else if (version != 10 && !keep_alive) {
    head_.append("Connection: close\r\n");
  }
  head_.append("\r\n");
  // A slow reader of a large answer gets the idle allowance, not the stricter request deadline.
  expires_after(shared_.options.idle_timeout);
  const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body_)};
  asio::async_write(socket_, buffers,
                    [self = shared_from_this(), keep_alive, status](beast::error_code ec,
                                                                    std::size_t) {
                      self->on_written(ec, keep_alive, status);
                    });
}

void Connection::on_written(beast::error_code ec, bool keep_alive, int status) {
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started_);
  // "GET /api/v1/x 200 123us", built in a buffer the connection keeps.
  log_line_.assign(log_method_).push_back(' ');
  log_line_.append(log_path_).push_back(' ');
  append_number(log_line_, status);
  log_line_.push_back(' ');
  append_number(log_line_, elapsed.count());
  log_line_.append("us");
  worker_.log_request(shared_, log_line_);
  if (ec) {
    return;
  }
  if (!keep_alive || shared_.stopping) {
    linger();
    return;
  }
  wait_for_request();
}

void Connection::linger() {
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  expires_after(kLingerTime);
  drain();
}

void Connection::drain() {
  socket_.async_read_some(buffer_.prepare(4096),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (!ec) {
                              self->drain();  // discard until the peer's EOF or the linger deadline
                            }
                          });
}

}  // namespace certcron::http::detail
