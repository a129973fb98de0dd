// The unit test runner: doctest's, plus the skips of cannot_run.hpp turned into exit 77.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "unit/cannot_run.hpp"

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace certcron::testing {
namespace {

std::vector<std::string>& skipped_reasons() {
  static std::vector<std::string> reasons;
  return reasons;
}

bool tests_required() {
  const char* required = std::getenv("CERTCRON_TESTS_REQUIRED");
  return required != nullptr && std::string(required) == "1";
}

}  // namespace

void cannot_run_here(const std::string& reason) {
  if (tests_required()) {
    FAIL_CHECK("this test cannot run here: " << reason << " (CERTCRON_TESTS_REQUIRED=1)");
    return;
  }
  skipped_reasons().push_back(reason);
}

}  // namespace certcron::testing

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (context.shouldExit() || result != 0) {
    return result;
  }
  const auto& skipped = certcron::testing::skipped_reasons();
  for (const std::string& reason : skipped) {
    std::cout << "SKIP: " << reason << "\n";
  }
  return skipped.empty() ? 0 : 77;  // 77: CTest's SKIP_RETURN_CODE for unit.host
}
