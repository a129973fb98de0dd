// The conformance runner: doctest's, after choosing the engine from the environment. When the
// engine cannot be used here (no PostgreSQL server answers) it exits 77, which CTest reports
// as skipped; with CERTCRON_TESTS_REQUIRED=1 (CI, and scripts/test as root) it fails instead.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "conformance/database.hpp"

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

bool tests_required() {
  const char* required = std::getenv("CERTCRON_TESTS_REQUIRED");
  return required != nullptr && std::string(required) == "1";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace certcron::conformance;
  doctest::Context context(argc, argv);
  std::string why;
  const auto engine = engine_from_environment(why);
  if (!engine) {
    std::cerr << "certcron_conformance: " << why << "\n";
    return 2;
  }
  set_engine(*engine);
  if (const std::string reason = cannot_use(*engine); !reason.empty()) {
    if (tests_required()) {
      std::cerr << "FAIL: the conformance cases cannot run here: " << reason
                << " (CERTCRON_TESTS_REQUIRED=1)\n";
      return 1;
    }
    std::cout << "SKIP: " << reason << "\n";
    return 77;  // CTest's SKIP_RETURN_CODE for the conformance tests
  }
  return context.run();
}
