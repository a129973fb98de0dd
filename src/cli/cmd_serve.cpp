#include "cli/commands.hpp"
#include "http/serve.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <sys/uio.h>
#include <unistd.h>

namespace certcron::cli {
namespace {

struct ServeOptions {
  std::string listen;
  int threads = 0;
  bool allow_unauthenticated = false;
};

void serve_api(Context& context, const ServeOptions& options) {
  http::ServeRequest request;
  request.listen = options.listen;
  request.threads = options.threads;
  request.allow_unauthenticated = options.allow_unauthenticated;
  if (const char* token = std::getenv("CERTCRON_TOKEN")) {
    request.token = token;
  }
  // -q keeps what is not a request line: start-up and errors.
  request.log_requests = !context.options.quiet;
  // One or more lines at once (request lines come in blocks): one write, no formatting.
  auto log = [](std::string_view lines) {
    iovec parts[2] = {{const_cast<char*>(lines.data()), lines.size()},
                      {const_cast<char*>("\n"), 1}};
    const ssize_t written = ::writev(STDERR_FILENO, parts, 2);
    if (written >= 0 && static_cast<std::size_t>(written) <= lines.size()) {
      std::fprintf(stderr, "%.*s\n", static_cast<int>(lines.size() - written),
                   lines.data() + written);  // cut short by a signal: the rest
    }
  };
  context.check(http::serve(context.settings(), context.clock(), request, log));
}

}  // namespace

void set_serve_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<ServeOptions>();
  command.add_option("--listen", options->listen,
                     "ADDRESS:PORT to listen on (default [server] listen, 127.0.0.1:8080)");
  command.add_option("--threads", options->threads, "I/O threads (default: one per core)")
      ->check(CLI::Range(0, 256));
  command.add_flag("--allow-unauthenticated", options->allow_unauthenticated,
                   "Listen on a non-loopback address without a token");
  command.footer(
      "Serves the API contract under /api/v1/certification-cron (also at the contract's doubled\n"
      "prefix), GET /healthz and GET /openapi.json. With CERTCRON_TOKEN or [server] token_file\n"
      "set, every /api route needs `Authorization: Bearer TOKEN`. One log line per request on\n"
      "stderr; SIGTERM or SIGINT stops it after the requests and runs in progress.\n"
      "Examples:\n"
      "  certcron serve\n"
      "  CERTCRON_TOKEN=$(cat /etc/certcron/token) certcron serve --listen 0.0.0.0:8080\n"
      "  curl -s http://127.0.0.1:8080/api/v1/certification-cron");
  command.callback([&context, options] { serve_api(context, *options); });
}

}  // namespace certcron::cli
