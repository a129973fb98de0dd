#include "cli/run.hpp"

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/version.hpp"
#include "config/suggest.hpp"
#include "json/shapes.hpp"

#include <cstdio>
#include <string_view>

namespace certcron::cli {

const std::vector<CommandInfo>& command_table() {
  static const std::vector<CommandInfo> table{
      {"list", "List jobs", set_list_command},
      {"show", "Show one job with its last run and monitoring state", set_show_command},
      {"create", "Create a job and install it into the crontab", set_create_command},
      {"update", "Change a job; the crontab follows", set_update_command},
      {"delete", "Delete a job, its runs and its crontab line", set_delete_command},
      {"sync", "Make the jobs those of a file (TOML or the seed's JSON)", set_sync_command},
      {"execute", "Run the expiry check now and record the run", set_execute_command},
      {"runs", "Run history of a job, newest first", set_runs_command},
      {"import", "Load mentors and certifications from a CSV file", set_import_command},
      {"due", "Who would be reminded, and why, without sending", set_due_command},
      {"check", "Monitoring pass: late and failed jobs, alerts, catch-up", set_check_command},
      {"snooze", "Silence a job's alerts for a number of minutes", set_snooze_command},
      {"unsnooze", "Lift a job's snooze", set_unsnooze_command},
      {"ping", "Record a ping (starting, finished, failed) from a wrapper", set_ping_command},
      {"next", "Preview a schedule: the next fire times and a description", set_next_command},
      {"crontab", "Inspect the managed crontab block; detect and fix drift", set_crontab_command},
      {"k8s", "Print a Kubernetes CronJob per job (k8s manifests)", set_k8s_command},
      {"db", "Copy the database into PostgreSQL (db migrate-to URL)", set_db_command},
      {"serve", "Serve the JSON REST API (the API contract) over HTTP", set_serve_command},
  };
  return table;
}

namespace {

constexpr const char* kFooter = R"(Exit codes: 0 ok, 1 run or operation failed, 2 usage or validation error,
3 not found, 4 conflict (already running), 5 database busy.
Run `certcron COMMAND --help` for a command's options; `man certcron` for more.)";

void print_error(const Context& context, const Error& error) {
  if (context.options.json) {
    context.out().print_json(json::error_to_json(error));
    return;
  }
  std::fprintf(stderr, "certcron: error: %s\n", error.message.c_str());
  for (const auto& [field, messages] : error.fields) {
    for (const auto& message : messages) {
      std::fprintf(stderr, "  %s: %s\n", field.c_str(), message.c_str());
    }
  }
}

// "certcron lst" -> did you mean `list`?
std::string suggestion_for(int argc, char** argv) {
  std::vector<std::string_view> names;
  for (const auto& command : command_table()) {
    names.emplace_back(command.name);
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view word = argv[i];
    if (word.empty() || word[0] == '-') {
      continue;
    }
    if (auto match = config::closest_match(word, names)) {
      return " (did you mean `" + *match + "`?)";
    }
    break;
  }
  return "";
}

int parse_failure(CLI::App& app, const CLI::ParseError& error, Context& context, int argc,
                  char** argv) {
  if (error.get_exit_code() == 0) {  // --help, --version
    app.exit(error);
    return kExitOk;
  }
  std::string message = error.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr ||
      (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr &&
       message.find("subcommand") != std::string::npos)) {
    message += suggestion_for(argc, argv);
  }
  print_error(context, Error::usage(message + "; see `certcron --help`"));
  return kExitUsage;
}

}  // namespace

int run(int argc, char** argv) {
  Context context;
  CLI::App app{"certcron: run certification expiry checks on time, exactly once, and visibly."};
  app.name("certcron");
  app.footer(kFooter);
  // A function, so that the tz database is read for --version only, not at every start.
  app.set_version_flag(
      "--version", [] { return version_text(); },
      "Print the versions of certcron, SQLite and the tz database, and exit");
  app.option_defaults()->always_capture_default();
  app.add_option("--db", context.options.db, "Database file (env CERTCRON_DB)");
  app.add_option("--config", context.options.config, "Config file (env CERTCRON_CONFIG)");
  app.add_flag("--json", context.options.json, "Print JSON (the API contract's shapes)");
  app.add_flag("-q,--quiet", context.options.quiet, "Print only errors");
  app.add_flag("-v,--verbose", context.options.verbose, "Print more detail");
  app.require_subcommand(1);
  app.fallthrough();
  for (const auto& command : command_table()) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    command.install(*sub, context);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return parse_failure(app, error, context, argc, argv);
  } catch (const CommandFailure& failure) {
    print_error(context, failure.error());
    return exit_code_for(failure.error().kind);
  } catch (const CommandExit& done) {
    return done.code();
  } catch (const std::exception& error) {
    print_error(context, Error::failed(error.what()));
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace certcron::cli
