#pragma once

// What every subcommand is handed: the global options, and the application (settings,
// database, services) opened on first use. Nothing is opened that a command does not ask
// for, so `next` and `--help` never touch the database.

#include "app/app.hpp"
#include "cli/output.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/job_service.hpp"
#include "core/reminders/reminder_store.hpp"
#include "core/run_service.hpp"
#include "core/settings.hpp"
#include "core/store.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace certcron::cli {

struct GlobalOptions {
  std::string db;
  std::string config;
  bool json = false;
  bool quiet = false;
  bool verbose = false;
};

// Thrown by a command to end with an error; caught in run(), the one place that prints
// `certcron: error: …` and maps the error to an exit code.
class CommandFailure : public std::runtime_error {
 public:
  explicit CommandFailure(Error error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  const Error& error() const { return error_; }

 private:
  Error error_;
};

// A command's own exit code without an error message (e.g. a run that failed after it was
// reported, or `crontab verify` finding drift).
class CommandExit : public std::exception {
 public:
  explicit CommandExit(int code) : code_(code) {}
  int code() const { return code_; }
  const char* what() const noexcept override { return "exit"; }

 private:
  int code_;
};

class Context {
 public:
  Context();
  ~Context();

  GlobalOptions options;

  // Each getter opens what it needs on first use and ends the command (CommandFailure) when
  // that fails; the wiring itself is app::App's.
  const Settings& settings();
  app::App& app();
  JobStore& store() { return app().store(); }
  JobService& jobs() { return app().jobs(); }
  reminders::ReminderStore& reminder_store() { return app().reminder_store(); }
  RunService& runs() { return app().runs(); }
  // The system clock, or CERTCRON_NOW's instant (a malformed value ends the command).
  const Clock& clock();
  const Output& out() const { return output_; }
  std::string ping_base_url() { return app().ping_base_url(); }
  std::string default_timezone();
  // Whether standard output is the run log, as in the crontab lines (which append the output
  // of their commands to it): a run's line is there already, so it is not printed again.
  bool stdout_is_run_log();

  // Ends the command with `error` unless `result` holds a value.
  template <class T>
  T check(Result<T> result) {
    if (!result) {
      throw CommandFailure(std::move(result.error()));
    }
    if constexpr (!std::is_void_v<T>) {
      return std::move(*result);
    }
  }

 private:
  Output output_;
  std::optional<SystemClock> clock_;
  std::optional<Settings> settings_;
  std::unique_ptr<app::App> app_;
};

}  // namespace certcron::cli
