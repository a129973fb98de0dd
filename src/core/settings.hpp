#pragma once

// Everything certcron reads from its command line, environment and config.toml, resolved into
// plain values. The config adapter (src/config) fills this; the rest of the program only reads
// it and never sees the file format.

#include "core/reminders/config.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace certcron {

// [crontab]: where the managed block goes and how it is written.
struct CrontabConfig {
  std::string program = "crontab";  // a bare name is looked up on PATH
  std::string user;                 // empty = the invoking user's crontab
  std::string file;                 // non-empty = a cron.d style file instead of a user crontab
  std::string file_user = "root";   // the user column written into `file`
  std::string binary;               // certcron path written into lines; empty = running binary
  int timeout_seconds = 30;         // a `crontab` call that takes longer is killed
};

// [server]: for `certcron serve`.
struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  std::string token_file;  // empty = no token file
};

// [monitoring]: what `check` does besides looking at the jobs.
struct MonitoringConfig {
  std::string heartbeat_url;  // requested (GET) after every completed check pass; empty = none
  int heartbeat_timeout_seconds = 10;
};

// [cluster]: several hosts (or Kubernetes Jobs) sharing one PostgreSQL database. A run's
// claim names its owner and holds a lease: a claim whose owner stopped renewing it is taken
// over by another host once the lease has passed (a process on another host cannot be
// asked whether it is alive).
struct ClusterConfig {
  std::string owner;        // empty = this host's name; CERTCRON_OWNER overrides
  int lease_seconds = 900;  // how long a claim outlives its last renewal
};

// Whether a --db value (or CERTCRON_DB, or config `db`) names a PostgreSQL database: a
// postgresql:// or postgres:// URL in libpq's syntax. Anything else is a SQLite file's path.
inline bool is_postgresql_url(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://");
}

// Whether a PostgreSQL URL carries a password (user:password@, or a password= parameter),
// which must then not be written where others can read it (a crontab line, a command line).
bool database_url_has_password(std::string_view url);

// All paths are absolute and lexically normal once loading succeeded (crontab.program stays a
// bare name when it has no '/').
struct Settings {
  std::string db_path;                  // a SQLite file's path, or a PostgreSQL URL
  std::string config_path;              // the file that was (or would have been) read
  bool config_named = false;            // config_path came from --config or CERTCRON_CONFIG
  bool config_file_found = false;       // false only when the default path does not exist
  std::string state_dir;                // the run log and the default outbox live here
  bool run_log_detail = false;          // -v: the run log's lines carry detail (core/run_log)
  std::string default_timezone;         // empty = the host's zone
  reminders::ReminderConfig reminders;  // thresholds_days sorted most distant first
  reminders::AlertConfig alerts;
  MonitoringConfig monitoring;
  CrontabConfig crontab;
  ServerConfig server;
  ClusterConfig cluster;
};

// The one log in the state folder: every run's line (core/run_log), and what the crontab
// lines' commands print (they append their output to it).
inline std::string run_log_path(const Settings& settings) {
  return (std::filesystem::path(settings.state_dir) / "cron.log").string();
}

}  // namespace certcron
