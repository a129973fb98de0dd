#include "crontab/target.hpp"

#include "util/file.hpp"
#include "util/process.hpp"

#include <vector>

namespace certcron::crontab {
namespace {

std::string trimmed(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return "";
  }
  auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// Through the crontab program: `crontab [-u USER] -l` to read, `crontab [-u USER] -` to write.
class UserCrontab final : public CrontabTarget {
 public:
  explicit UserCrontab(const CrontabSettings& settings)
      : program_(settings.program), user_(settings.user), timeout_(settings.program_timeout) {}

  Result<std::string> read() override {
    auto result = run("-l", "");
    if (!result) {
      return fail(result.error());
    }
    if (result->succeeded()) {
      return std::move(result->out);
    }
    // cron says so on stderr with a non-zero status; it is an empty table, not an error.
    if (!result->timed_out && result->err.find("no crontab for") != std::string::npos) {
      return std::string();
    }
    return fail(Error::failed("`" + command_line("-l") + "` failed (" + result->describe() + ")" +
                              stderr_suffix(*result)));
  }

  Result<void> write(std::string_view table) override {
    auto result = run("-", std::string(table));
    if (!result) {
      return fail(result.error());
    }
    if (!result->succeeded()) {
      return fail(Error::failed("the crontab program refused the new table (`" + command_line("-") +
                                "` " + result->describe() + ")" + stderr_suffix(*result)));
    }
    return {};
  }

  std::string user_field() const override { return ""; }
  std::string describe() const override {
    return user_.empty() ? "the crontab of the current user" : "the crontab of user " + user_;
  }
  std::string edit_hint() const override { return command_line("-e"); }

 private:
  std::vector<std::string> arguments(const std::string& action) const {
    std::vector<std::string> argv{program_};
    if (!user_.empty()) {
      argv.insert(argv.end(), {"-u", user_});
    }
    argv.push_back(action);
    return argv;
  }

  std::string command_line(const std::string& action) const {
    std::string text;
    for (const auto& word : arguments(action)) {
      text += (text.empty() ? "" : " ") + word;
    }
    return text;
  }

  static std::string stderr_suffix(const util::ProcessResult& result) {
    std::string message = trimmed(result.err);
    return message.empty() ? "" : ": " + message;
  }

  Result<util::ProcessResult> run(const std::string& action, std::string input) const {
    util::ProcessRequest request;
    request.argv = arguments(action);
    request.stdin_data = std::move(input);
    request.timeout = timeout_;
    // The "no crontab for" test reads the program's own words; keep them untranslated.
    request.extra_env = {{"LC_ALL", "C"}};
    auto result = util::run_process(request);
    if (!result) {
      return fail(Error::failed("cannot run the crontab program: " + result.error().message));
    }
    return result;
  }

  std::string program_;
  std::string user_;
  std::chrono::milliseconds timeout_;
};

// A cron.d style file, written whole via a temporary file and a rename; absent = empty.
class CronDFile final : public CrontabTarget {
 public:
  explicit CronDFile(const CrontabSettings& settings)
      : path_(settings.file), user_(settings.cron_d_user) {}

  Result<std::string> read() override {
    auto content = util::read_file(path_);
    if (!content && content.error().kind == ErrorKind::not_found) {
      return std::string();
    }
    return content;
  }

  Result<void> write(std::string_view table) override {
    // cron ignores group- or world-writable files in cron.d; 0644 is what it expects.
    return util::write_file_atomically(path_, table, 0644);
  }

  std::string user_field() const override { return user_; }
  std::string describe() const override { return path_; }
  std::string edit_hint() const override { return "edit " + path_; }

 private:
  std::string path_;
  std::string user_;
};

}  // namespace

CrontabSettings crontab_settings(const CrontabConfig& config, const std::string& state_dir) {
  CrontabSettings settings;
  settings.program = config.program.empty() ? "crontab" : config.program;
  settings.user = config.user;
  settings.file = config.file;
  settings.cron_d_user = config.file_user.empty() ? "root" : config.file_user;
  settings.state_dir = state_dir;
  settings.program_timeout = std::chrono::seconds{config.timeout_seconds};
  return settings;
}

std::unique_ptr<CrontabTarget> make_target(const CrontabSettings& settings) {
  if (!settings.file.empty()) {
    return std::make_unique<CronDFile>(settings);
  }
  return std::make_unique<UserCrontab>(settings);
}

}  // namespace certcron::crontab
