# Every dependency is a Debian 12 package; scripts/install-deps installs them all.
# A missing one stops the configure step with the package to install.

macro(certcron_require name debian_package)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR
      "certcron: ${name} not found. Install the Debian package '${debian_package}' "
      "(or run scripts/install-deps as root).")
  endif()
endmacro()

find_package(Threads REQUIRED)
certcron_require(SQLite3 libsqlite3-dev)
certcron_require(SQLiteCpp libsqlitecpp-dev)
certcron_require(CLI11 libcli11-dev)
certcron_require(fmt libfmt-dev)
certcron_require(tomlplusplus libtomlplusplus-dev)
certcron_require(nlohmann_json nlohmann-json3-dev)
# The unit tests only: doctest, and date-tz as their reference for time zones.
if(CERTCRON_UNIT_TESTS)
  certcron_require(doctest doctest-dev)
  certcron_require(date libhowardhinnant-date-dev)
endif()

# libcurl is loaded at run time by the webhook delivery (dlopen), so that the processes cron
# starts every few minutes do not pay for loading it; only its header is needed here.
find_path(CURL_INCLUDE_DIR curl/curl.h)
if(NOT CURL_INCLUDE_DIR)
  message(FATAL_ERROR
    "certcron: curl/curl.h not found. Install the Debian package 'libcurl4-openssl-dev' "
    "(or run scripts/install-deps as root).")
endif()

# libpq likewise, loaded the first time a postgresql:// database is opened.
find_path(PostgreSQL_INCLUDE_DIRS libpq-fe.h PATH_SUFFIXES postgresql)
if(NOT PostgreSQL_INCLUDE_DIRS)
  message(FATAL_ERROR
    "certcron: libpq-fe.h not found. Install the Debian package 'libpq-dev' "
    "(or run scripts/install-deps as root).")
endif()

# Boost.Beast and Asio for `certcron serve`: header-only, included by src/http/server.cpp only.
certcron_require(Boost libboost1.81-dev 1.81)
