#include "util/task_group.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

namespace certcron::util {

TEST_CASE("util.task_group: wait returns once every task ended, and gives up at its deadline") {
  TaskGroup group;
  std::atomic<bool> release{false};
  std::atomic<int> done{0};
  for (int i = 0; i < 3; ++i) {
    REQUIRE(group.spawn([&] {
      while (!release) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      ++done;
    }));
  }
  CHECK(group.running() == 3);
  CHECK_FALSE(group.wait(std::chrono::milliseconds(50)));  // still held
  release = true;
  CHECK(group.wait(std::chrono::seconds(10)));
  CHECK(done == 3);
  CHECK(group.running() == 0);
}

}  // namespace certcron::util
