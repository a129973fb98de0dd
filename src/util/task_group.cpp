#include "util/task_group.hpp"

#include <thread>

namespace certcron::util {

TaskGroup::~TaskGroup() {
  std::unique_lock lock(mutex_);
  ended_.wait(lock, [this] { return running_ == 0; });
}

bool TaskGroup::spawn(std::function<void()> work) {
  {
    std::lock_guard lock(mutex_);
    ++running_;
  }
  try {
    // Detached: the count, not a join, tells when it ended, so wait() can give up on a task
    // that outlives its deadline.
    std::thread([this, work = std::move(work)]() mutable {
      work();
      work = nullptr;  // its captures go before the group hears that the task ended
      std::lock_guard lock(mutex_);
      --running_;
      ended_.notify_all();
    }).detach();
  } catch (...) {  // std::system_error, or std::bad_alloc copying the work
    std::lock_guard lock(mutex_);
    --running_;
    return false;
  }
  return true;
}

bool TaskGroup::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return ended_.wait_for(lock, timeout, [this] { return running_ == 0; });
}

int TaskGroup::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

}  // namespace certcron::util
