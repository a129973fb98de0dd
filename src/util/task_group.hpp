#pragma once

// Work that outlives the request that started it (a run the API answered 202 for): each task
// runs on a thread of its own, and a graceful stop waits for all of them within a deadline.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace certcron::util {

class TaskGroup {
 public:
  TaskGroup() = default;
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;
  // Waits for the tasks without a deadline: a task may reference what outlives the group only.
  ~TaskGroup();

  // Starts `work` on a new thread. `work` must not throw (an escaping exception ends the
  // process, as for any thread); false when the thread could not be started.
  bool spawn(std::function<void()> work);
  // Until every task has ended or `timeout` passed; true when none is left.
  bool wait(std::chrono::milliseconds timeout);
  int running() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable ended_;
  int running_ = 0;
};

}  // namespace certcron::util
