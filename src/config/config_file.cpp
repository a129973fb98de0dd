#include "config/config_file.hpp"

#include "config/toml_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace certcron::config {

namespace {

namespace fs = std::filesystem;
using reminders::DeliveryConfig;
using reminders::DeliveryKind;

constexpr int max_days = 3650;

std::optional<DeliveryKind> delivery_kind_named(std::string_view name) {
  if (name == "outbox") {
    return DeliveryKind::outbox;
  }
  if (name == "command") {
    return DeliveryKind::command;
  }
  if (name == "webhook") {
    return DeliveryKind::webhook;
  }
  return std::nullopt;
}

bool is_http_url(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (url.size() > scheme.size() && url.starts_with(scheme)) {
      return true;
    }
  }
  return false;
}

void read_delivery_kind(TableReader& reader, DeliveryConfig& out) {
  std::string name;
  if (!reader.string("kind", name)) {
    return;
  }
  if (auto kind = delivery_kind_named(name)) {
    out.kind = *kind;
  } else {
    reader.report(reader.line_of("kind"), "'" + reader.qualified("kind") +
                                              "' must be one of outbox, command, webhook (got '" +
                                              name + "')");
  }
}

void read_delivery(TableReader& reader, DeliveryConfig& out) {
  read_delivery_kind(reader, out);
  reader.path("outbox", out.outbox);
  reader.string("command", out.command);
  reader.string("url", out.url);
  reader.integer("timeout_seconds", out.timeout_seconds, 1, 600);
  if (out.kind == DeliveryKind::command && out.command.empty()) {
    reader.report(reader.line_of("kind"),
                  "'" + reader.qualified("command") + "' is required when kind is \"command\"");
  }
  if (out.kind == DeliveryKind::webhook && out.url.empty()) {
    reader.report(reader.line_of("kind"),
                  "'" + reader.qualified("url") + "' is required when kind is \"webhook\"");
  }
  if (!out.url.empty() && !is_http_url(out.url)) {
    reader.report(reader.line_of("url"), "'" + reader.qualified("url") +
                                             "' must be an http:// or https:// URL (got '" +
                                             out.url + "')");
  }
  reader.report_unknown_keys();
}

// Reads the sub-table `key` of `parent` with `read`, when the file has it.
void with_table(TableReader& parent, std::string_view key,
                const std::function<void(TableReader&)>& read) {
  if (auto table = parent.sub_table(key)) {
    read(*table);
  }
}

void read_reminders(TableReader& reader, reminders::ReminderConfig& out) {
  if (reader.unique_integers("thresholds_days", out.thresholds_days, 0, max_days)) {
    // Most distant first, whatever order the file lists them in.
    std::ranges::sort(out.thresholds_days, std::greater<>());
  }
  reader.integer("expired_window_days", out.expired_window_days, 0, max_days);
  reader.string("from", out.from);
  reader.non_empty_string("subject", out.subject);
  reader.string("body", out.body);
  with_table(reader, "delivery", [&](TableReader& table) { read_delivery(table, out.delivery); });
  reader.report_unknown_keys();
}

void read_alerts(TableReader& reader, reminders::AlertConfig& out) {
  reader.string("to", out.to);
  std::string format;
  if (reader.string("format", format)) {
    if (format == "json" || format == "slack") {
      out.format = format == "json" ? reminders::AlertFormat::json : reminders::AlertFormat::slack;
    } else {
      reader.report(reader.line_of("format"), "'" + reader.qualified("format") +
                                                  "' must be \"json\" or \"slack\" (got '" +
                                                  format + "')");
    }
  }
  with_table(reader, "delivery", [&](TableReader& table) { read_delivery(table, out.delivery); });
  reader.report_unknown_keys();
}

void read_crontab(TableReader& reader, CrontabConfig& out) {
  reader.program("program", out.program);
  reader.string("user", out.user);
  reader.path("file", out.file);
  reader.non_empty_string("file_user", out.file_user);
  reader.path("binary", out.binary);
  reader.integer("timeout_seconds", out.timeout_seconds, 1, 600);
  reader.report_unknown_keys();
}

void read_server(TableReader& reader, ServerConfig& out) {
  reader.non_empty_string("listen", out.listen);
  reader.path("token_file", out.token_file);
  reader.report_unknown_keys();
}

void read_monitoring(TableReader& reader, MonitoringConfig& out) {
  reader.string("heartbeat_url", out.heartbeat_url);
  reader.integer("heartbeat_timeout_seconds", out.heartbeat_timeout_seconds, 1, 600);
  if (!out.heartbeat_url.empty() && !is_http_url(out.heartbeat_url)) {
    reader.report(reader.line_of("heartbeat_url"), "'" + reader.qualified("heartbeat_url") +
                                                       "' must be an http:// or https:// URL (got '" +
                                                       out.heartbeat_url + "')");
  }
  reader.report_unknown_keys();
}

void read_cluster(TableReader& reader, ClusterConfig& out) {
  reader.non_empty_string("owner", out.owner);
  reader.integer("lease_seconds", out.lease_seconds, 60, 86400);
  reader.report_unknown_keys();
}

void read_root(TableReader& reader, Settings& out) {
  // A PostgreSQL URL as written; anything else is a path, relative to the file's folder.
  if (std::string db; reader.string("db", db)) {
    if (is_postgresql_url(db)) {
      out.db_path = db;
    } else {
      reader.path("db", out.db_path);
    }
  }
  reader.path("state_dir", out.state_dir);
  reader.string("default_timezone", out.default_timezone);
  with_table(reader, "reminders",
             [&](TableReader& table) { read_reminders(table, out.reminders); });
  with_table(reader, "alerts", [&](TableReader& table) { read_alerts(table, out.alerts); });
  with_table(reader, "crontab", [&](TableReader& table) { read_crontab(table, out.crontab); });
  with_table(reader, "server", [&](TableReader& table) { read_server(table, out.server); });
  with_table(reader, "monitoring",
             [&](TableReader& table) { read_monitoring(table, out.monitoring); });
  with_table(reader, "cluster", [&](TableReader& table) { read_cluster(table, out.cluster); });
  reader.report_unknown_keys();
}

Error syntax_error(const std::string& path, const toml::parse_error& error) {
  const auto& where = error.source().begin;
  return Error::usage(path + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                      ": " + std::string(error.description()));
}

}  // namespace

Result<void> apply_config_text(std::string_view text, const std::string& path,
                               const std::optional<std::string>& home, Settings& settings) {
  toml::table document;
  try {
    document = toml::parse(text, path);
  } catch (const toml::parse_error& error) {
    return fail(syntax_error(path, error));
  }
  FileContext context(path, home, fs::path(path).parent_path().string());
  // Read into a copy so that a file with problems leaves `settings` as it was.
  Settings updated = settings;
  TableReader root(document, "", context);
  read_root(root, updated);
  if (context.has_problems()) {
    return fail(context.first_problem());
  }
  settings = std::move(updated);
  return {};
}

Result<void> apply_config_file(const std::string& path, const std::optional<std::string>& home,
                               Settings& settings) {
  std::error_code status_error;
  if (fs::is_directory(path, status_error)) {
    return fail(Error::usage("config file '" + path + "' is a folder"));
  }
  std::ifstream file(path, std::ios::binary);
  std::ostringstream text;
  if (file) {
    text << file.rdbuf();
  }
  if (!file || file.bad()) {
    return fail(Error::usage("cannot read config file '" + path + "': " + std::strerror(errno)));
  }
  return apply_config_text(text.str(), path, home, settings);
}

}  // namespace certcron::config
