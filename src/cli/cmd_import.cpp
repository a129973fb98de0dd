#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "core/reminders/import.hpp"
#include "json/reports.hpp"

namespace certcron::cli {
namespace {

void import_file(Context& context, const std::string& path) {
  ProgressLine progress(context.out().stderr_is_tty() && !context.options.quiet);
  auto summary = context.check(reminders::import_csv_file(
      context.reminder_store(), path, [&](const reminders::ImportProgress& p) {
        bool writing = p.phase == reminders::ImportProgress::Phase::writing;
        progress.show(std::string(writing ? "writing " : "checking ") + std::to_string(p.rows) +
                      (writing ? "/" + std::to_string(p.total_rows) : std::string()) + " rows");
      }));
  progress.clear();
  if (context.options.json) {
    context.out().print_json(json::import_summary_to_json(summary));
  } else if (!context.options.quiet) {
    context.out().line("Imported " + std::to_string(summary.rows) + " rows: " +
                       std::to_string(summary.mentors_inserted) + " new mentors, " +
                       std::to_string(summary.mentors_updated) + " updated; " +
                       std::to_string(summary.certifications_inserted) +
                       " new certifications, " +
                       std::to_string(summary.certifications_updated) + " updated.");
  }
}

}  // namespace

void set_import_command(CLI::App& command, Context& context) {
  auto path = std::make_shared<std::string>();
  command.add_option("file", *path, "CSV file")->required();
  command.footer(
      "Header: mentor_id,name,email,certification,expires_at[,issued_at] (any order).\n"
      "Dates: YYYY-MM-DD or RFC 3339. Rows update by (mentor_id, certification).\n"
      "All or nothing: one bad row rejects the file, every error listed by line number.\n"
      "Example:\n"
      "  certcron import mentors.csv");
  command.callback([&context, path] { import_file(context, *path); });
}

}  // namespace certcron::cli
