#include "cli/commands.hpp"
#include "json/pings.hpp"
#include "util/time.hpp"

namespace certcron::cli {
namespace {

struct PingOptions {
  std::string job;
  std::string kind;
  std::optional<int> exit_code;
  std::optional<double> runtime;
  std::string message;
};

void record_ping(Context& context, const PingOptions& options) {
  PingRequest request;
  request.kind = parse_ping_kind(options.kind).value_or(PingKind::finished);
  request.exit_code = options.exit_code;
  request.runtime = options.runtime;
  request.message = options.message;
  request.source = PingSource::cli;
  const Ping ping = context.check(context.app().pings().record(options.job, request));
  if (context.options.json) {
    context.out().print_json(json::ping_to_json(ping));
  } else if (!context.options.quiet) {
    context.out().line("recorded " + std::string(to_string(ping.kind)) + " ping " +
                       format_ping_id(ping.seq) + " for " + format_job_id(ping.job_seq) + " at " +
                       util::format_rfc3339(ping.at));
  }
}

}  // namespace

void set_ping_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<PingOptions>();
  command.add_option("job", options->job, "Job id (cron-001) or name")->required();
  command.add_option("kind", options->kind, "What happened")
      ->required()
      ->check(CLI::IsMember({"starting", "finished", "failed"}));
  command.add_option("--exit-code", options->exit_code,
                     "The wrapped command's exit status, 0 to 255; non-zero is a failure");
  command.add_option("--runtime", options->runtime, "How long the run took, in seconds");
  command.add_option("--message", options->message, "A message, e.g. why it failed");
  command.footer(
      "Records a ping in the job's history and sets its monitoring state: starting ->\n"
      "pingStarting, finished -> pingFinished, failed (or a non-zero --exit-code) -> pingFailed.\n"
      "Examples:\n"
      "  certcron ping nightly_expiry_check starting\n"
      "  certcron ping nightly_expiry_check finished --exit-code 0 --runtime 42");
  command.callback([&context, options] { record_ping(context, *options); });
}

}  // namespace certcron::cli
