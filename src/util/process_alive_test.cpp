#include "util/process_alive.hpp"

#include <doctest/doctest.h>

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

using certcron::util::process_alive;
using certcron::util::process_start_ticks;

TEST_SUITE("util.process_alive") {
  TEST_CASE("this process is alive by its pid and start time, and not by another start time") {
    const auto self = static_cast<std::int64_t>(getpid());
    auto start = process_start_ticks(self);
    REQUIRE(start);
    CHECK(*start > 0);
    CHECK(process_alive(self, *start));
    CHECK(process_alive(self, 0));  // no start recorded: the pid alone decides
    // The same pid with another start time is another process: the one the run had is gone.
    CHECK_FALSE(process_alive(self, *start + 1));
  }

  TEST_CASE("a process that ended is not alive and has no start time") {
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK_FALSE(process_alive(child, 0));
    CHECK_FALSE(process_start_ticks(child));
    CHECK_FALSE(process_alive(0, 0));
    CHECK_FALSE(process_alive(-1, 0));
  }

  TEST_CASE("a command name with spaces and parentheses does not shift the fields") {
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      prctl(PR_SET_NAME, "odd) name (x", 0, 0, 0);
      char byte = 1;
      (void)!write(ready[1], &byte, 1);
      pause();
      _exit(0);
    }
    char byte = 0;
    REQUIRE(read(ready[0], &byte, 1) == 1);
    auto child_start = process_start_ticks(child);
    auto own_start = process_start_ticks(getpid());
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    close(ready[0]);
    close(ready[1]);
    REQUIRE(child_start);
    REQUIRE(own_start);
    CHECK(*child_start >= *own_start);  // started after this process, in the same boot
  }
}
