#include "util/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <thread>

extern char** environ;

namespace certcron::util {
namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(int error) {
  return std::strerror(error);
}

// Both ends of a pipe, closed on destruction; the parent keeps one end, the child the other.
struct Pipe {
  int read_end = -1;
  int write_end = -1;

  Pipe() = default;
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  ~Pipe() {
    close_read();
    close_write();
  }
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      return false;
    }
    read_end = fds[0];
    write_end = fds[1];
    return true;
  }
  void close_read() {
    if (read_end >= 0) {
      ::close(read_end);
      read_end = -1;
    }
  }
  void close_write() {
    if (write_end >= 0) {
      ::close(write_end);
      write_end = -1;
    }
  }
};

// Writing to a pipe whose reader is gone raises SIGPIPE, which would end the whole caller.
// SIGPIPE from write() is sent to the writing thread, so blocking it here and swallowing
// any instance we caused keeps the rest of the process untouched.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &block, &previous_mask_);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t only_pipe;
      sigemptyset(&only_pipe);
      sigaddset(&only_pipe, SIGPIPE);
      const timespec zero{0, 0};
      while (sigtimedwait(&only_pipe, nullptr, &zero) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
  }
  const sigset_t& previous_mask() const { return previous_mask_; }

 private:
  sigset_t previous_mask_{};
  bool was_pending_ = false;
};

std::vector<std::string> build_environment(const ProcessRequest& request) {
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  auto overridden = [&](std::string_view name) {
    for (const auto& unset : request.unset_env) {
      if (unset == name) {
        return true;
      }
    }
    for (const auto& [key, value] : request.extra_env) {
      if (key == name) {
        return true;
      }
    }
    return false;
  };
  std::vector<std::string> result;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    if (!overridden(name_of(*entry))) {
      result.emplace_back(*entry);
    }
  }
  for (const auto& [key, value] : request.extra_env) {
    result.push_back(key + "=" + value);
  }
  return result;
}

std::vector<char*> pointers_to(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (auto& text : strings) {
    result.push_back(text.data());
  }
  result.push_back(nullptr);
  return result;
}

// The spawn attributes and file actions, released on every path.
class SpawnSetup {
 public:
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions_);
    posix_spawnattr_init(&attributes_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions_);
    posix_spawnattr_destroy(&attributes_);
  }

  // The child reads stdin from `in`, writes to `out` and `err`, has no other descriptor,
  // default signal dispositions, the caller's original signal mask and its own process
  // group (so a timeout can kill everything it started).
  int prepare(const Pipe& in, const Pipe& out, const Pipe& err, const sigset_t& mask,
              const std::string& working_directory) {
    int rc = posix_spawn_file_actions_adddup2(&actions_, in.read_end, STDIN_FILENO);
    rc = rc != 0 ? rc : posix_spawn_file_actions_adddup2(&actions_, out.write_end, STDOUT_FILENO);
    rc = rc != 0 ? rc : posix_spawn_file_actions_adddup2(&actions_, err.write_end, STDERR_FILENO);
    rc = rc != 0 ? rc : posix_spawn_file_actions_addclosefrom_np(&actions_, STDERR_FILENO + 1);
    if (rc == 0 && !working_directory.empty()) {
      rc = posix_spawn_file_actions_addchdir_np(&actions_, working_directory.c_str());
    }
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int signal_number : {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD}) {
      sigaddset(&defaults, signal_number);
    }
    rc = rc != 0 ? rc : posix_spawnattr_setsigdefault(&attributes_, &defaults);
    rc = rc != 0 ? rc : posix_spawnattr_setsigmask(&attributes_, &mask);
    rc = rc != 0 ? rc : posix_spawnattr_setpgroup(&attributes_, 0);
    const short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP;
    return rc != 0 ? rc : posix_spawnattr_setflags(&attributes_, flags);
  }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attributes() const { return &attributes_; }

 private:
  posix_spawn_file_actions_t actions_{};
  posix_spawnattr_t attributes_{};
};

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

// Reads what is available; closes the pipe end at EOF or on an error.
void drain(int& fd, std::string& sink) {
  std::array<char, 65536> buffer{};
  while (true) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0) {
      sink.append(buffer.data(), static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      return;
    }
    ::close(fd);
    fd = -1;
    return;
  }
}

// Writes what the pipe accepts; closes it when all is written or the reader went away.
void feed(int& fd, std::string_view data, std::size_t& written) {
  while (written < data.size()) {
    ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      return;
    }
    break;  // EPIPE: the program does not want (the rest of) its input
  }
  ::close(fd);
  fd = -1;
}

struct Exchange {
  int in = -1;
  int out = -1;
  int err = -1;
};

// Moves data until both output pipes are at EOF; false when the deadline passed first.
bool pump(Exchange& fds, const ProcessRequest& request, ProcessResult& result,
          std::optional<Clock::time_point> deadline) {
  std::size_t written = 0;
  while (fds.out >= 0 || fds.err >= 0) {
    int wait_ms = -1;
    if (deadline) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
      if (left.count() <= 0) {
        return false;
      }
      wait_ms = static_cast<int>(std::min<long long>(left.count(), 60'000));
    }
    std::array<pollfd, 3> polled{
        {{fds.out, POLLIN, 0}, {fds.err, POLLIN, 0}, {fds.in, POLLOUT, 0}}};
    int ready = ::poll(polled.data(), polled.size(), wait_ms);
    if (ready < 0 && errno != EINTR) {
      return true;  // cannot happen with valid descriptors; stop reading rather than spin
    }
    if (ready <= 0) {
      continue;
    }
    if (polled[0].revents != 0) {
      drain(fds.out, result.out);
    }
    if (polled[1].revents != 0) {
      drain(fds.err, result.err);
    }
    if (polled[2].revents != 0) {
      feed(fds.in, request.stdin_data, written);
    }
  }
  return true;
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// The program closed its output; it may still be running (a daemon that detached its
// output), so honour the deadline while waiting for it too.
std::optional<int> wait_until(pid_t pid, std::optional<Clock::time_point> deadline) {
  if (!deadline) {
    return wait_for(pid);
  }
  while (true) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      return status;
    }
    if (done < 0 && errno != EINTR) {
      return 0;
    }
    if (Clock::now() >= *deadline) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

void kill_group(pid_t pid) {
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);  // in case the program left its group
}

void record_status(int status, ProcessResult& result) {
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
}

// Spawns the program on the child ends of the pipes, which it then closes in this process.
Result<pid_t> start(const ProcessRequest& request, Pipe& in, Pipe& out, Pipe& err,
                    const sigset_t& mask) {
  const std::string& program = request.argv.front();
  SpawnSetup setup;
  if (int rc = setup.prepare(in, out, err, mask, request.working_directory); rc != 0) {
    return fail(Error::failed("cannot run " + program + ": " + errno_text(rc)));
  }
  std::vector<std::string> argv_copy = request.argv;
  std::vector<std::string> env = build_environment(request);
  std::vector<char*> argv_pointers = pointers_to(argv_copy);
  std::vector<char*> env_pointers = pointers_to(env);
  pid_t pid = 0;
  auto spawn = program.find('/') == std::string::npos ? posix_spawnp : posix_spawn;
  if (int rc = spawn(&pid, program.c_str(), setup.actions(), setup.attributes(),
                     argv_pointers.data(), env_pointers.data());
      rc != 0) {
    return fail(Error::failed("cannot run " + program + ": " + errno_text(rc)));
  }
  in.close_read();
  out.close_write();
  err.close_write();
  return pid;
}

}  // namespace

std::string ProcessResult::describe() const {
  if (timed_out) {
    return "timed out and was killed";
  }
  if (signal != 0) {
    const char* name = sigdescr_np(signal);
    return "killed by signal " + std::to_string(signal) + " (" + (name ? name : "unknown") + ")";
  }
  return "exited with status " + std::to_string(exit_code);
}

ProcessRequest shell_command(std::string command) {
  ProcessRequest request;
  request.argv = {"/bin/sh", "-c", std::move(command)};
  return request;
}

Result<ProcessResult> run_process(const ProcessRequest& request) {
  if (request.argv.empty() || request.argv.front().empty()) {
    return fail(Error::usage("no program to run"));
  }
  Pipe in;
  Pipe out;
  Pipe err;
  if (!in.open() || !out.open() || !err.open()) {
    return fail(
        Error::failed("cannot run " + request.argv.front() + ": pipe: " + errno_text(errno)));
  }
  SigpipeGuard sigpipe_guard;
  auto pid = start(request, in, out, err, sigpipe_guard.previous_mask());
  if (!pid) {
    return fail(pid.error());
  }
  std::optional<Clock::time_point> deadline;
  if (request.timeout) {
    deadline = Clock::now() + *request.timeout;
  }
  Exchange fds{in.write_end, out.read_end, err.read_end};
  in.write_end = out.read_end = err.read_end = -1;  // now owned by `fds`
  for (int fd : {fds.in, fds.out, fds.err}) {
    set_nonblocking(fd);
  }
  if (request.stdin_data.empty()) {
    ::close(fds.in);
    fds.in = -1;
  }
  ProcessResult result;
  bool finished = pump(fds, request, result, deadline);
  for (int fd : {fds.in, fds.out, fds.err}) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  std::optional<int> status = finished ? wait_until(*pid, deadline) : std::nullopt;
  if (!status) {
    kill_group(*pid);
    status = wait_for(*pid);
    result.timed_out = true;
  }
  record_status(*status, result);
  return result;
}

Result<std::string> current_executable() {
  std::error_code error;
  auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) {
    return fail(Error::failed("cannot find the path of this program: " + error.message()));
  }
  return path.string();
}

}  // namespace certcron::util
