// config.toml: toml++'s parser and certcron's typed reading of every table and key.
//
// A file that applies must leave every path absolute (the database may instead be a
// PostgreSQL URL, kept as written) and the thresholds unique, in range and
// most distant first; a file that does not must leave the settings as they were and say
// where its problem is.

#include "config/config_file.hpp"
#include "fuzz_check.hpp"
#include "toml_input.hpp"

#include <algorithm>
#include <functional>
#include <string>

namespace {

using certcron::fuzz::check;

const std::string kPath = "/srv/certcron/config.toml";

bool absolute_or_empty(const std::string& path) { return path.empty() || path.front() == '/'; }

void check_applied(const certcron::Settings& settings) {
  check(certcron::is_postgresql_url(settings.db_path) || absolute_or_empty(settings.db_path),
        "the database is an absolute path or a PostgreSQL URL");
  for (const std::string* path :
       {&settings.state_dir, &settings.reminders.delivery.outbox,
        &settings.alerts.delivery.outbox, &settings.crontab.file, &settings.crontab.binary,
        &settings.server.token_file}) {
    check(absolute_or_empty(*path), "paths are absolute");
  }
  const auto& thresholds = settings.reminders.thresholds_days;
  check(std::ranges::is_sorted(thresholds, std::greater<>()), "thresholds are most distant first");
  check(std::ranges::adjacent_find(thresholds) == thresholds.end(), "thresholds are unique");
  check(std::ranges::all_of(thresholds, [](int days) { return days >= 0 && days <= 3650; }),
        "thresholds are in range");
  check(!settings.crontab.program.empty(), "the crontab program is named");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (certcron::fuzz::has_toml_whitespace_table_bug(certcron::fuzz::as_text(data, size))) {
    return -1;  // not added to the corpus
  }
  const std::string_view text = certcron::fuzz::as_text(data, size);
  certcron::Settings settings;
  settings.db_path = "/var/lib/certcron/certcron.db";
  auto applied = certcron::config::apply_config_text(text, kPath, "/home/fuzz", settings);
  if (applied) {
    check_applied(settings);
    return 0;
  }
  check(applied.error().kind == certcron::ErrorKind::usage, "a bad file is a usage error");
  check(applied.error().message.starts_with(kPath + ":"), "the message starts with the file");
  check(settings.db_path == "/var/lib/certcron/certcron.db" &&
            settings.reminders.thresholds_days == std::vector<int>{30, 7, 1},
        "a file with problems changes no setting");
  return 0;
}
