#include "cli/version.hpp"

#include <doctest/doctest.h>

#include <sqlite3.h>
#include <cstdlib>
#include <fstream>

namespace fs = std::filesystem;
using namespace certcron::cli;

namespace {

struct ZoneInfoDir {
  fs::path path;
  ZoneInfoDir() {
    std::string pattern = (fs::temp_directory_path() / "certcron-zoneinfo-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~ZoneInfoDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
  void put(const std::string& name, const std::string& content) const {
    std::ofstream(path / name, std::ios::binary) << content;
  }
};

}  // namespace

TEST_SUITE("cli.version") {
  TEST_CASE("the tzdata release is the first line of tzdata.zi") {
    ZoneInfoDir dir;
    dir.put("tzdata.zi", "# version 2024a\n# This zic input file is in the public domain.\n");
    dir.put("+VERSION", "2019c\n");
    CHECK(tzdata_version(dir.path) == "2024a");
  }

  TEST_CASE("without tzdata.zi the release comes from +VERSION") {
    ZoneInfoDir dir;
    dir.put("+VERSION", "2023c\n");
    CHECK(tzdata_version(dir.path) == "2023c");
  }

  TEST_CASE("a folder that names no release gives unknown") {
    ZoneInfoDir dir;
    CHECK(tzdata_version(dir.path) == "unknown");
    dir.put("tzdata.zi", "R d 1916 o - Jun 14 23s 1 S\n");
    dir.put("+VERSION", "");
    CHECK(tzdata_version(dir.path) == "unknown");
    CHECK(tzdata_version(dir.path / "missing") == "unknown");
  }

  TEST_CASE("a first line that is not a release name is not printed") {
    ZoneInfoDir dir;
    dir.put("tzdata.zi", "# version 2024a; rm -rf /\n");
    CHECK(tzdata_version(dir.path) == "unknown");
  }

  TEST_CASE("--version names certcron first, then SQLite and tzdata") {
    ZoneInfoDir dir;
    dir.put("tzdata.zi", "# version 2025b\n");
    CHECK(version_text(dir.path) == std::string("certcron ") + CERTCRON_VERSION + "\nSQLite " +
                                        sqlite3_libversion() + "\ntzdata 2025b");
  }
}
