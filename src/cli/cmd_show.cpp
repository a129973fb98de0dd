#include "cli/commands.hpp"
#include "cli/job_view.hpp"

namespace certcron::cli {
namespace {

constexpr int kPingsShown = 5;
constexpr int kFlipsShown = 5;
constexpr std::size_t kMessageWidth = 60;

// A ping's message in one table cell: on one line, and cut (at a character boundary) when long.
std::string message_cell(std::string text) {
  if (text.empty()) {
    return "-";
  }
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') {
      c = ' ';
    }
  }
  if (text.size() > kMessageWidth) {
    std::size_t end = kMessageWidth - 3;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    text = text.substr(0, end) + "...";
  }
  return text;
}

// Below the job's block: its newest pings, so a wrapper's reports can be seen at a glance.
void print_recent_pings(Context& context, const Job& job) {
  const auto pings = context.check(context.app().pings().recent(job.seq, kPingsShown));
  context.out().line("");
  if (pings.empty()) {
    context.out().line("No pings yet.");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const Ping& ping : pings) {
    rows.push_back({instant_text(ping.at), to_string(ping.kind),
                    ping.exit_code ? std::to_string(*ping.exit_code) : "-",
                    message_cell(ping.message)});
  }
  context.out().line("Recent pings:");
  context.out().print_table({"AT", "KIND", "EXIT", "MESSAGE"}, rows);
}

// Then its newest flips: when its state changed, why, and whether the alert went out.
void print_recent_flips(Context& context, const Job& job) {
  const auto flips = context.check(context.app().store().recent_flips(job.seq, kFlipsShown));
  context.out().line("");
  if (flips.empty()) {
    context.out().line("No state changes yet.");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const Flip& flip : flips) {
    std::string alert = to_string(flip.alert);
    if (!flip.alert_error.empty()) {
      alert += " (" + std::to_string(flip.attempts) + " tries)";
    }
    rows.push_back({instant_text(flip.at),
                    std::string(to_string(flip.from)) + " -> " + to_string(flip.to), alert,
                    message_cell(flip.reason)});
  }
  context.out().line("Recent state changes:");
  context.out().print_table({"AT", "CHANGE", "ALERT", "REASON"}, rows);
}

void show_job(Context& context, const std::string& id) {
  const JobDetails details = context.check(context.jobs().show(id));
  print_job(context, details);
  if (!context.options.json && !context.options.quiet) {
    print_recent_flips(context, details.job);
    print_recent_pings(context, details.job);
  }
}

}  // namespace

void set_show_command(CLI::App& command, Context& context) {
  auto id = std::make_shared<std::string>();
  command.add_option("job", *id, "Job id (cron-001) or name")->required();
  command.footer("Example:\n  certcron show nightly_expiry_check");
  command.callback([&context, id] { show_job(context, *id); });
}

}  // namespace certcron::cli
