#include "util/file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <thread>

namespace certcron::util {
namespace {

std::string describe_errno(const std::filesystem::path& path, int error) {
  return path.string() + ": " + std::strerror(error);
}

// Closes a descriptor on every path out of a function.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  ~FdCloser() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

bool write_all(int fd, std::string_view content) {
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return false;
    }
    written += static_cast<std::size_t>(n);
  }
  return true;
}

std::filesystem::path folder_of(const std::filesystem::path& path) {
  std::filesystem::path directory = path.parent_path();
  return directory.empty() ? std::filesystem::path(".") : directory;
}

}  // namespace

void sync_directory(const std::filesystem::path& directory) {
  int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);  // best effort: some file systems refuse fsync on folders
    ::close(fd);
  }
}

Result<std::string> read_file(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int error = errno;
    if (error == ENOENT) {
      return fail(Error::not_found(describe_errno(path, error)));
    }
    return fail(Error::failed("cannot read " + describe_errno(path, error)));
  }
  FdCloser closer(fd);
  std::string content;
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return fail(Error::failed("cannot read " + describe_errno(path, errno)));
    }
    if (n == 0) {
      return content;
    }
    content.append(buffer, static_cast<std::size_t>(n));
  }
}

Result<void> write_file_replacing(const std::filesystem::path& path, std::string_view content,
                                  unsigned mode) {
  const std::filesystem::path directory = folder_of(path);
  // The name is appended piece by piece: `"." + std::string` makes g++ 12 at -O3 report a
  // false -Wrestrict overlap in the string's in-place prepend (GCC bug 105329).
  std::string temp_name = ".";
  temp_name += path.filename().string();
  temp_name += ".XXXXXX";
  std::string temp = (directory / temp_name).string();
  int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) {
    std::string message = "cannot write ";
    message += describe_errno(path, errno);
    return fail(Error::failed(std::move(message)));
  }
  FdCloser closer(fd);
  auto abandon = [&](int error) {
    ::unlink(temp.c_str());
    return fail(Error::failed("cannot write " + describe_errno(path, error)));
  };
  // mkostemp made the file 0600 (less whatever the umask takes, never more): only another
  // mode needs a chmod, saved a system call per file for the outbox's thousands of 0600 files.
  const bool chmod_needed = (mode & 07777) != 0600;
  if (!write_all(fd, content) ||
      (chmod_needed && ::fchmod(fd, static_cast<mode_t>(mode)) != 0) || ::fdatasync(fd) != 0) {
    return abandon(errno);
  }
  if (::close(closer.release()) != 0) {
    return abandon(errno);
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    return abandon(errno);
  }
  return {};
}

Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                   unsigned mode) {
  if (auto written = write_file_replacing(path, content, mode); !written) {
    return written;
  }
  sync_directory(folder_of(path));
  return {};
}

Result<void> ensure_directory(const std::filesystem::path& path, unsigned mode) {
  std::filesystem::path partial;
  for (const auto& part : path) {
    partial /= part;
    if (::mkdir(partial.c_str(), static_cast<mode_t>(mode)) == 0 || errno == EEXIST) {
      continue;
    }
    return fail(Error::failed("cannot create folder " + describe_errno(partial, errno)));
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return fail(Error::failed("cannot create folder " + path.string() + ": not a folder"));
  }
  return {};
}

Result<void> append_to_file(const std::filesystem::path& path, std::string_view text) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return fail(Error::failed("cannot append to " + describe_errno(path, errno)));
  }
  FdCloser closer(fd);
  ssize_t n = -1;
  do {
    n = ::write(fd, text.data(), text.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    return fail(Error::failed("cannot append to " + describe_errno(path, errno)));
  }
  // Writing the rest in a second call could put another process's text in between.
  if (static_cast<std::size_t>(n) != text.size()) {
    return fail(Error::failed("cannot append to " + path.string() + ": only " +
                              std::to_string(n) + " of " + std::to_string(text.size()) +
                              " bytes were written (is the disk full?)"));
  }
  if (::close(closer.release()) != 0) {
    return fail(Error::failed("cannot append to " + describe_errno(path, errno)));
  }
  return {};
}

bool same_file(int fd, const std::filesystem::path& path) {
  struct stat open_file {};
  struct stat named {};
  return ::fstat(fd, &open_file) == 0 && ::stat(path.c_str(), &named) == 0 &&
         open_file.st_dev == named.st_dev && open_file.st_ino == named.st_ino;
}

std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  quoted += '\'';
  return quoted;
}

Result<FileLock> FileLock::acquire(const std::filesystem::path& lock_file,
                                   std::chrono::milliseconds timeout) {
  int fd = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return fail(Error::failed("cannot open lock file " + describe_errno(lock_file, errno)));
  }
  FdCloser closer(fd);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return fail(Error::failed("cannot lock " + describe_errno(lock_file, errno)));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return fail(Error::busy(lock_file.string() + " stayed locked by another process for " +
                              std::to_string(timeout.count()) + " ms; try again"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return FileLock(closer.release());
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(other.fd_) {
  other.fd_ = -1;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) {
    ::close(fd_);  // closing the last descriptor of the description releases the flock
  }
}

}  // namespace certcron::util
