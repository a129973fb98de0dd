#include "http/serve.hpp"

#include "app/app.hpp"
#include "http/api.hpp"
#include "http/server.hpp"
#include "util/file.hpp"
#include "util/task_group.hpp"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace certcron::http {
namespace {

Error bad_listen(std::string_view text, const std::string& why) {
  return Error::invalid("listen", "'" + std::string(text) + "' is not ADDRESS:PORT (" + why +
                                      "), e.g. 127.0.0.1:8080 or [::1]:8080");
}

bool is_loopback(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

bool is_ip_literal(const std::string& host) {
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

std::string display(const ListenAddress& address) {
  const bool v6 = address.host.find(':') != std::string::npos;
  return (v6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

}  // namespace

Result<ListenAddress> parse_listen_address(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return fail(bad_listen(text, "no port"));
  }
  std::string host(text.substr(0, colon));
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return fail(bad_listen(text, "an IPv6 address goes in brackets"));
  }
  if (host == "localhost") {
    host = "127.0.0.1";
  }
  if (host.empty() || !is_ip_literal(host)) {
    return fail(bad_listen(text, "the address must be an IP address or localhost"));
  }
  unsigned port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc{} || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return fail(bad_listen(text, "the port must be 0 to 65535"));
  }
  return ListenAddress{host, static_cast<std::uint16_t>(port), is_loopback(host)};
}

Result<std::string> resolve_token(const ServeRequest& request, const ServerConfig& server) {
  if (!request.token.empty()) {
    return request.token;
  }
  if (server.token_file.empty()) {
    return std::string();
  }
  // Like ssh with a private key: a token every local user can read guards nothing.
  struct stat info {};
  if (::stat(server.token_file.c_str(), &info) == 0 && (info.st_mode & S_IROTH) != 0) {
    return fail(Error::usage("the token file " + server.token_file +
                             " can be read by every user on this machine; make it private: "
                             "chmod o-r " + server.token_file));
  }
  auto text = util::read_file(server.token_file);
  if (!text) {
    return fail(Error::usage("cannot read the token file " + server.token_file + " ([server] token_file): " +
                             text.error().message));
  }
  const std::string token = text->substr(0, text->find_first_of("\r\n"));
  if (token.empty()) {
    return fail(Error::usage("the token file " + server.token_file +
                             " is empty; put the token on its first line"));
  }
  return token;
}

Result<void> serve(const Settings& settings, const Clock& clock, const ServeRequest& request,
                   const std::function<void(std::string_view)>& log) {
  auto address = parse_listen_address(request.listen.empty() ? settings.server.listen : request.listen);
  if (!address) {
    return fail(address.error());
  }
  auto token = resolve_token(request, settings.server);
  if (!token) {
    return fail(token.error());
  }
  if (!address->loopback && token->empty() && !request.allow_unauthenticated) {
    return fail(Error::usage(
        "refusing to serve the API without a token on " + display(*address) +
        ", which is not a loopback address: set CERTCRON_TOKEN or [server] token_file, or pass "
        "--allow-unauthenticated if something in front of certcron checks who may call it"));
  }
  // Created and migrated here, once, rather than by racing I/O threads.
  if (auto opened = app::App::open(settings, clock); !opened) {
    return fail(opened.error());
  }
  ServerOptions options;
  options.address = address->host;
  options.port = address->port;
  options.threads = request.threads;
  options.shutdown_timeout = request.shutdown_timeout;
  options.log = log;
  options.log_requests = request.log_requests;
  auto runs = std::make_unique<util::TaskGroup>();
  ApiContext context{settings, &clock, runs.get(), *token};
  Server server(options, api_handler_factory(context));
  if (auto listening = server.listen(); !listening) {
    return fail(listening.error());
  }
  address->port = server.port();
  context.settings.server.listen = display(*address);
  log("certcron: listening on http://" + display(*address) +
      (token->empty() ? " (no token: /api routes are open)" : " (bearer token required)"));
  auto served = server.run(true);
  // Requests and runs share one deadline, counted from the signal.
  const auto spent = std::chrono::steady_clock::now() - server.stop_began();
  const auto left = std::max(std::chrono::steady_clock::duration::zero(),
                             std::chrono::steady_clock::duration(request.shutdown_timeout) - spent);
  if (!runs->wait(std::chrono::duration_cast<std::chrono::milliseconds>(left))) {
    log("certcron: " + std::to_string(runs->running()) +
        " run(s) still going at the shutdown deadline; they will be marked abandoned when next "
        "seen");
    // Their threads still use this process's clock, stdio and SQLite: returning would run
    // destructors under them, so the process ends here.
    std::fflush(nullptr);
    std::_Exit(0);
  }
  return served;
}

}  // namespace certcron::http
