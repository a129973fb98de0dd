#include "util/file.hpp"
#include "util/process.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using namespace certcron::util;

namespace {

struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "certcron-file-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

void put(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  ::stat(path.c_str(), &info);
  return info.st_mode & 07777;
}

}  // namespace

TEST_SUITE("util.file") {
  TEST_CASE("read_file returns the bytes as stored, CR and NUL included") {
    ScratchDir dir;
    std::string content("a\r\nb\0c", 6);
    put(dir.path / "f", content);
    auto read = read_file(dir.path / "f");
    REQUIRE(read.has_value());
    CHECK(*read == content);
  }

  TEST_CASE("read_file of a missing file is not_found") {
    ScratchDir dir;
    auto read = read_file(dir.path / "missing");
    REQUIRE_FALSE(read.has_value());
    CHECK(read.error().kind == certcron::ErrorKind::not_found);
  }

  TEST_CASE("write_file_atomically replaces the file, sets the mode and leaves no temp file") {
    ScratchDir dir;
    put(dir.path / "target", "old");
    REQUIRE(write_file_atomically(dir.path / "target", "new content", 0640).has_value());
    CHECK(*read_file(dir.path / "target") == "new content");
    CHECK(mode_of(dir.path / "target") == 0640);
    int entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path)) {
      ++entries;
    }
    CHECK(entries == 1);
  }

  TEST_CASE("write_file_atomically into a missing folder fails and creates nothing") {
    ScratchDir dir;
    auto written = write_file_atomically(dir.path / "no" / "target", "x");
    REQUIRE_FALSE(written.has_value());
    CHECK(written.error().message.find("target") != std::string::npos);
    CHECK_FALSE(fs::exists(dir.path / "no"));
  }

  TEST_CASE("ensure_directory creates nested folders with the mode and accepts existing ones") {
    ScratchDir dir;
    auto nested = dir.path / "a" / "b" / "c";
    REQUIRE(ensure_directory(nested, 0750).has_value());
    CHECK(fs::is_directory(nested));
    mode_t umask_now = ::umask(0);
    ::umask(umask_now);
    CHECK(mode_of(nested) == (0750 & ~static_cast<unsigned>(umask_now)));
    REQUIRE(ensure_directory(nested, 0700).has_value());
  }

  TEST_CASE("ensure_directory refuses a path that is a file") {
    ScratchDir dir;
    put(dir.path / "file", "x");
    CHECK_FALSE(ensure_directory(dir.path / "file").has_value());
    CHECK_FALSE(ensure_directory(dir.path / "file" / "below").has_value());
  }

  TEST_CASE("append_to_file creates the file and adds to its end") {
    ScratchDir dir;
    const fs::path log = dir.path / "run.log";
    REQUIRE(append_to_file(log, "one\n"));
    REQUIRE(append_to_file(log, "two\n"));
    CHECK(*read_file(log) == "one\ntwo\n");
    CHECK((mode_of(log) & 0600) == 0600);
    auto refused = append_to_file(dir.path, "x\n");  // a folder
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find(dir.path.string()) != std::string::npos);
  }

  TEST_CASE("lines appended at once by many writers never interleave") {
    ScratchDir dir;
    const fs::path log = dir.path / "run.log";
    constexpr int kWriters = 8;
    constexpr int kLines = 300;
    constexpr std::size_t kLength = 3000;  // far more than any buffer a piecewise write would use
    std::vector<std::thread> writers;
    std::atomic<int> failures{0};
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        const std::string line = std::string(kLength, static_cast<char>('a' + w)) + "\n";
        for (int i = 0; i < kLines; ++i) {
          if (!append_to_file(log, line)) {
            ++failures;
          }
        }
      });
    }
    for (auto& writer : writers) {
      writer.join();
    }
    CHECK(failures == 0);
    std::ifstream in(log, std::ios::binary);
    std::string line;
    int count = 0;
    int mixed = 0;
    while (std::getline(in, line)) {
      ++count;
      if (line.size() != kLength || line.find_first_not_of(line.front()) != std::string::npos) {
        ++mixed;
      }
    }
    CHECK(count == kWriters * kLines);
    CHECK(mixed == 0);
  }

  TEST_CASE("same_file tells the file an open descriptor is from another") {
    ScratchDir dir;
    put(dir.path / "a", "a");
    put(dir.path / "b", "b");
    const int fd = ::open((dir.path / "a").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    CHECK(same_file(fd, dir.path / "a"));
    CHECK_FALSE(same_file(fd, dir.path / "b"));
    CHECK_FALSE(same_file(fd, dir.path / "missing"));
    ::close(fd);
  }

  TEST_CASE("shell_quote yields one shell word that expands to the original text") {
    for (std::string text : {"", "plain", "with space", "it's", "$HOME `x` \"q\" \\ *", "''"}) {
      ProcessRequest request;
      request.argv = {"/bin/sh", "-c", "printf '%s' " + shell_quote(text)};
      auto result = run_process(request);
      REQUIRE(result.has_value());
      CHECK(result->out == text);
    }
    CHECK(shell_quote("/usr/bin/certcron") == "'/usr/bin/certcron'");
    CHECK(shell_quote("it's") == "'it'\\''s'");
  }

  TEST_CASE("a file lock excludes a second holder until released, then times out as busy") {
    ScratchDir dir;
    auto lock_path = dir.path / "lock";
    auto first = FileLock::acquire(lock_path, std::chrono::milliseconds(100));
    REQUIRE(first.has_value());
    auto second = FileLock::acquire(lock_path, std::chrono::milliseconds(100));
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().kind == certcron::ErrorKind::busy);
    { auto released = std::move(*first); }
    CHECK(FileLock::acquire(lock_path, std::chrono::milliseconds(100)).has_value());
  }

  TEST_CASE("a file lock serialises threads doing read-modify-write on one file") {
    ScratchDir dir;
    auto counter = dir.path / "counter";
    put(counter, "0");
    std::atomic<int> failures = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 25; ++i) {
          auto lock = FileLock::acquire(dir.path / "lock", std::chrono::seconds(30));
          auto value = read_file(counter);
          if (!lock || !value ||
              !write_file_atomically(counter, std::to_string(std::stoi(*value) + 1))) {
            ++failures;
          }
        }
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    CHECK(failures == 0);
    CHECK(*read_file(counter) == "100");
  }

  TEST_CASE("a file lock is held against another process") {
    ScratchDir dir;
    auto lock_path = dir.path / "lock";
    auto held = FileLock::acquire(lock_path, std::chrono::milliseconds(100));
    REQUIRE(held.has_value());
    ProcessRequest request;
    request.argv = {"flock", "--nonblock", lock_path.string(), "true"};
    auto result = run_process(request);
    REQUIRE(result.has_value());
    CHECK(result->exit_code != 0);
  }

}  // TEST_SUITE
