#pragma once

// For a unit test that needs something of the host (root, a system program): it calls
// cannot_run_here(reason) and returns when the host lacks it. certcron_unit then exits 77,
// which CTest reports as skipped, instead of passing; with CERTCRON_TESTS_REQUIRED=1
// (scripts/test in CI and as root, where everything a test needs is there) the test fails
// instead. Such tests live in test suites named host.*, which CTest runs as a test of their
// own (unit.host), so that a skip there neither hides nor is hidden by the other unit tests.

#include <string>

namespace certcron::testing {

void cannot_run_here(const std::string& reason);

}  // namespace certcron::testing
