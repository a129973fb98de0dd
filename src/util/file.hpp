#pragma once

// Files and folders: whole-file reads, atomic replacement, appending a line, advisory locks,
// mkdir -p and shell quoting.

#include "util/error.hpp"

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

namespace certcron::util {

// The whole file. ErrorKind::not_found when it does not exist, failed on other errors.
Result<std::string> read_file(const std::filesystem::path& path);

// Replaces `path` with `content` so that readers see the old or the new file, never a part:
// a temporary file in the same folder, fdatasync, rename over the target, fsync the folder.
// The new file gets `mode` (before the umask is considered: the mode is set explicitly).
Result<void> write_file_atomically(const std::filesystem::path& path, std::string_view content,
                                   unsigned mode = 0644);

// The same without the folder's fsync: the content is on disk when it returns, the name once
// sync_directory ran on the folder. For many files in one folder with one barrier for all
// their names.
Result<void> write_file_replacing(const std::filesystem::path& path, std::string_view content,
                                  unsigned mode = 0644);

// fsync(2) of a folder, so that the names created in it survive a power loss. Best effort:
// some file systems refuse it.
void sync_directory(const std::filesystem::path& directory);

// mkdir -p: creates missing folders with `mode`; an existing folder is left as it is.
Result<void> ensure_directory(const std::filesystem::path& path, unsigned mode = 0700);

// Appends `text` to `path` in one write(2) on a descriptor opened with O_APPEND, creating the
// file (0644, less the umask) when missing, so that the lines several processes append at once
// never interleave. A short write is an error, not continued: a second write could land after
// another process's text.
Result<void> append_to_file(const std::filesystem::path& path, std::string_view text);

// Whether the open descriptor `fd` is the file `path` names (the same device and inode).
bool same_file(int fd, const std::filesystem::path& path);

// POSIX shell single quoting: the result is one word for /bin/sh whatever `text` holds.
std::string shell_quote(std::string_view text);

// An exclusive flock(2) on a lock file, held until destruction. It works between threads
// too, since each acquisition opens its own file description.
class FileLock {
 public:
  // Waits up to `timeout` for the lock; ErrorKind::busy when it stays taken. Creates the
  // lock file (not its folder) when missing.
  static Result<FileLock> acquire(const std::filesystem::path& lock_file,
                                  std::chrono::milliseconds timeout);

  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace certcron::util
