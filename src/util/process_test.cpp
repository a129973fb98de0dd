#include "util/process.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

using certcron::util::ProcessRequest;
using certcron::util::run_process;
using certcron::util::shell_command;

namespace {

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> result;
  for (std::string word; in >> word;) {
    result.push_back(word);
  }
  return result;
}

// A pid that is gone, or a zombie nobody reaps (a container's pid 1 may not).
bool process_gone(pid_t pid) {
  if (::kill(pid, 0) != 0) {
    return true;
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  auto close_paren = content.rfind(')');
  return close_paren != std::string::npos && content.substr(close_paren + 2, 1) == "Z";
}

}  // namespace

TEST_SUITE("util.process") {
  TEST_CASE("argv reaches the program verbatim, without a shell interpreting it") {
    ProcessRequest request;
    request.argv = {"printf", "%s|", "a b", "$HOME", "*", "'quoted'"};
    auto result = run_process(request);
    REQUIRE(result.has_value());
    CHECK(result->exit_code == 0);
    CHECK(result->out == "a b|$HOME|*|'quoted'|");
    CHECK(result->err.empty());
  }

  TEST_CASE("stdout and stderr are captured separately") {
    auto result = run_process(shell_command("echo to-out; echo to-err >&2; echo more-out"));
    REQUIRE(result.has_value());
    CHECK(result->out == "to-out\nmore-out\n");
    CHECK(result->err == "to-err\n");
  }

  TEST_CASE("megabytes on stdin, stdout and stderr at once do not deadlock") {
    auto request =
        shell_command("head -c 3000000 /dev/zero >&2; cat; head -c 2000000 /dev/zero >&2");
    request.stdin_data.assign(4'000'000, 'x');
    request.timeout = std::chrono::seconds(60);
    auto result = run_process(request);
    REQUIRE(result.has_value());
    CHECK_FALSE(result->timed_out);
    CHECK(result->exit_code == 0);
    CHECK(result->out.size() == 4'000'000);
    CHECK(result->out == request.stdin_data);
    CHECK(result->err.size() == 5'000'000);
  }

  TEST_CASE("the exit code of a failing program is reported, not treated as an error") {
    auto result = run_process(shell_command("echo nope >&2; exit 3"));
    REQUIRE(result.has_value());
    CHECK(result->exit_code == 3);
    CHECK(result->signal == 0);
    CHECK_FALSE(result->succeeded());
    CHECK(result->err == "nope\n");
    CHECK(result->describe() == "exited with status 3");
  }

  TEST_CASE("a program ended by a signal reports the signal") {
    auto result = run_process(shell_command("kill -TERM $$"));
    REQUIRE(result.has_value());
    CHECK(result->signal == SIGTERM);
    CHECK(result->exit_code == -1);
    CHECK(result->describe().find("signal 15") != std::string::npos);
  }

  TEST_CASE("a timeout kills the whole process group, background children included") {
    auto request = shell_command("sleep 30 & echo $!; wait");
    request.timeout = std::chrono::milliseconds(300);
    auto started = std::chrono::steady_clock::now();
    auto result = run_process(request);
    auto took = std::chrono::steady_clock::now() - started;
    REQUIRE(result.has_value());
    CHECK(result->timed_out);
    CHECK_FALSE(result->succeeded());
    CHECK(result->signal == SIGKILL);
    CHECK(took < std::chrono::seconds(10));
    auto background = std::atoi(result->out.c_str());
    REQUIRE(background > 0);
    // The kill is asynchronous for the grandchild; give it a moment to be delivered.
    for (int i = 0; i < 100 && !process_gone(background); ++i) {
      ::usleep(10'000);
    }
    CHECK(process_gone(background));
  }

  TEST_CASE("a timeout applies to a program that closed its output but keeps running") {
    auto request = shell_command("exec >/dev/null 2>&1; sleep 30");
    request.timeout = std::chrono::milliseconds(300);
    auto result = run_process(request);
    REQUIRE(result.has_value());
    CHECK(result->timed_out);
  }

  TEST_CASE("a program that exits without reading its input does not kill the caller") {
    ProcessRequest request;
    request.argv = {"true"};
    request.stdin_data.assign(2'000'000, 'y');
    auto result = run_process(request);
    REQUIRE(result.has_value());
    CHECK(result->exit_code == 0);
    sigset_t pending;
    sigpending(&pending);
    CHECK(sigismember(&pending, SIGPIPE) == 0);
  }

  TEST_CASE("a program that does not exist is an error naming it") {
    ProcessRequest request;
    request.argv = {"certcron-no-such-program-xyz", "-l"};
    auto result = run_process(request);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().kind == certcron::ErrorKind::failed);
    CHECK(result.error().message.find("certcron-no-such-program-xyz") != std::string::npos);

    request.argv = {"/nonexistent/dir/prog"};
    CHECK_FALSE(run_process(request).has_value());
  }

  TEST_CASE("an empty argv is refused") {
    CHECK_FALSE(run_process(ProcessRequest{}).has_value());
  }

  TEST_CASE("extra variables are added and unset ones removed from the environment") {
    ::setenv("CERTCRON_PROCESS_TEST_GONE", "still here", 1);
    auto request = shell_command("echo \"$CERTCRON_A|${CERTCRON_PROCESS_TEST_GONE-unset}|$HOME\"");
    request.extra_env = {{"CERTCRON_A", "one two"}, {"HOME", "/elsewhere"}};
    request.unset_env = {"CERTCRON_PROCESS_TEST_GONE"};
    auto result = run_process(request);
    ::unsetenv("CERTCRON_PROCESS_TEST_GONE");
    REQUIRE(result.has_value());
    CHECK(result->out == "one two|unset|/elsewhere\n");
  }

  TEST_CASE("the program inherits no descriptor besides stdin, stdout and stderr") {
    int leaked = ::open("/dev/null", O_RDONLY);  // deliberately without O_CLOEXEC
    REQUIRE(leaked > 2);
    auto result = run_process(shell_command("ls /proc/$$/fd"));
    ::close(leaked);
    REQUIRE(result.has_value());
    auto fds = words(result->out);
    CHECK(std::find(fds.begin(), fds.end(), std::to_string(leaked)) == fds.end());
    CHECK(std::find(fds.begin(), fds.end(), "0") != fds.end());
  }

  TEST_CASE("the working directory can be chosen") {
    auto request = shell_command("pwd");
    request.working_directory = "/tmp";
    auto result = run_process(request);
    REQUIRE(result.has_value());
    CHECK(result->out == "/tmp\n");
  }

  TEST_CASE("current_executable is the absolute path of the test binary itself") {
    auto self = certcron::util::current_executable();
    REQUIRE(self.has_value());
    CHECK(self->front() == '/');
    struct stat mine {};
    struct stat named {};
    REQUIRE(::stat("/proc/self/exe", &mine) == 0);
    REQUIRE(::stat(self->c_str(), &named) == 0);
    CHECK(mine.st_ino == named.st_ino);
  }

}  // TEST_SUITE
