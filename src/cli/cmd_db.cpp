#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "core/settings.hpp"
#include "json/shapes.hpp"
#include "store/migrate_to.hpp"
#include "store/pg/connection.hpp"

#include <cstdio>

namespace certcron::cli {
namespace {

struct DbCommandOptions {
  std::string action;
  std::string url;
};

void migrate_to(Context& context, const DbCommandOptions& options) {
  if (options.url.empty()) {
    throw CommandFailure(Error::usage("migrate-to needs the URL of the PostgreSQL database"));
  }
  if (!is_postgresql_url(options.url)) {
    throw CommandFailure(Error::usage("migrate-to copies into a PostgreSQL database: give a "
                                      "postgresql:// or postgres:// URL, not " + options.url));
  }
  if (database_url_has_password(options.url)) {
    throw CommandFailure(Error::usage(
        "the URL carries a password, which every user can read in ps: put the password in "
        "~/.pgpass or a libpq service file; nothing was changed"));
  }
  const std::string source = context.settings().db_path;
  if (is_postgresql_url(source)) {
    throw CommandFailure(Error::usage(
        "migrate-to copies from a SQLite database, and the database (--db, CERTCRON_DB or the "
        "config's db) is PostgreSQL: " + store::pg::describe_target(source)));
  }
  ProgressLine progress(context.out().stderr_is_tty() && !context.options.quiet);
  auto report = context.check(store::copy_sqlite_to_postgresql(
      source, options.url,
      [&](const std::string& table, std::int64_t copied, std::int64_t total) {
        progress.show(table + " " + std::to_string(copied) + "/" + std::to_string(total));
      }));
  progress.clear();
  const std::string target = store::pg::describe_target(options.url);
  if (context.options.json) {
    json::Json tables = json::Json::object();
    for (const auto& table : report.tables) {
      tables[table.table] = table.rows;
    }
    json::Json result = json::Json::object();
    result["source"] = source;
    result["target"] = target;
    result["identity"] = report.identity;
    result["tables"] = std::move(tables);
    context.out().print_json(result);
    return;
  }
  if (context.options.quiet) {
    return;
  }
  for (const auto& table : report.tables) {
    char line[96];
    std::snprintf(line, sizeof line, "%-20s %lld", table.table.c_str(),
                  static_cast<long long>(table.rows));
    context.out().line(line);
  }
  context.out().line("copied " + source + " into " + target + " (identity " + report.identity +
                     "); use it with --db or CERTCRON_DB");
}

}  // namespace

void set_db_command(CLI::App& command, Context& context) {
  auto options = std::make_shared<DbCommandOptions>();
  command.add_option("action", options->action, "migrate-to: copy the database into PostgreSQL")
      ->required()
      ->check(CLI::IsMember({"migrate-to"}));
  command.add_option("url", options->url,
                     "postgresql:// URL of an empty database (no password in it)");
  command.footer(
      "migrate-to URL  copy the SQLite database (--db, CERTCRON_DB or the config's db) into the\n"
      "                empty PostgreSQL database URL: jobs, runs, pings, flips, mentors,\n"
      "                certifications, the reminder ledger and the database identity, with\n"
      "                their ids, in one transaction: all of it or, on any error, nothing.\n"
      "A target that holds jobs, runs, mentors, certifications or ledger entries is refused.\n"
      "The SQLite file is read, not changed (its schema is brought up to date first, as by any\n"
      "command). Afterwards point --db or CERTCRON_DB at the URL and run `certcron crontab\n"
      "repair`: the block keeps its identity. The URL must not carry a password: put it in\n"
      "~/.pgpass or a libpq service file.\n"
      "Examples:\n"
      "  certcron --db /var/lib/certcron/certcron.db db migrate-to postgresql://certcron@db/certcron\n"
      "  certcron db migrate-to 'postgresql:///certcron?host=/run/postgresql' --json");
  command.callback([&context, options] { migrate_to(context, *options); });
}

}  // namespace certcron::cli
