#include "app/error_codes.hpp"

#include <doctest/doctest.h>

#include <set>

namespace certcron::app {

TEST_CASE("error_codes: every error kind has its own exit code and HTTP status") {
  const ErrorKind kinds[] = {ErrorKind::failed,    ErrorKind::usage,    ErrorKind::validation,
                             ErrorKind::not_found, ErrorKind::conflict, ErrorKind::busy};
  CHECK(exit_code_for(ErrorKind::failed) == 1);
  CHECK(exit_code_for(ErrorKind::usage) == 2);
  CHECK(exit_code_for(ErrorKind::validation) == 2);
  CHECK(exit_code_for(ErrorKind::not_found) == 3);
  CHECK(exit_code_for(ErrorKind::conflict) == 4);
  CHECK(exit_code_for(ErrorKind::busy) == 5);
  CHECK(http_status_for(ErrorKind::failed) == 500);
  CHECK(http_status_for(ErrorKind::usage) == 400);
  CHECK(http_status_for(ErrorKind::validation) == 422);
  CHECK(http_status_for(ErrorKind::not_found) == 404);
  CHECK(http_status_for(ErrorKind::conflict) == 409);
  CHECK(http_status_for(ErrorKind::busy) == 503);
  std::set<int> statuses;
  for (ErrorKind kind : kinds) {
    statuses.insert(http_status_for(kind));
  }
  CHECK(statuses.size() == std::size(kinds));  // a client can tell every kind apart
}

}  // namespace certcron::app
