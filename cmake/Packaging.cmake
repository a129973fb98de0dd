# `cpack -G DEB` (or the `package` target) makes a Debian package of what cmake/Install.cmake
# installs, with Depends from dpkg-shlibdeps; packaging/README.md describes it. The package
# is laid out for the prefix /usr: configure with -DCMAKE_INSTALL_PREFIX=/usr (the release
# preset does), since the systemd unit names the binary by its installed path.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME certcron)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "scheduled certification expiry checks, run exactly once by cron")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "certcron packagers <packages@certcron.example.org>"
  CACHE STRING "The Maintainer field of the Debian package (Name <address>)")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_CERTCRON_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/CPackCheckPrefix.cmake)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The extended description, below the summary: CPack indents each line and writes " ." for
# empty ones.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "certcron keeps a scheduled job running on time, exactly once, and visibly. Its
job is the nightly certification expiry check of a mentoring programme: it
stores check jobs in SQLite, installs matching lines into a crontab or a cron.d
file, and sends each mentor one reminder per threshold before a certification
expires, recorded in a ledger so that none is sent twice.

Every run is recorded; runs that die or never start are noticed and alerted.
`certcron serve` offers the same operations as a JSON REST API.")

# Shared libraries through dpkg-shlibdeps; what the binary needs without linking it:
# time zones, and a cron daemon to run its crontab lines. libcurl is loaded only for
# webhook deliveries, libpq only for a PostgreSQL database.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "tzdata, cron | cron-daemon")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libcurl4")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libpq5")

# Debian's changelog of the package, in /usr/share/doc/certcron as policy asks.
set(CERTCRON_DEB_VERSION ${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE})
set(certcron_changelog ${PROJECT_BINARY_DIR}/packaging/changelog.Debian)
configure_file(${PROJECT_SOURCE_DIR}/packaging/changelog.Debian.in ${certcron_changelog} @ONLY)
certcron_gzip(${certcron_changelog} ${certcron_changelog}.gz)
add_custom_target(certcron_changelog ALL DEPENDS ${certcron_changelog}.gz)
install(FILES ${certcron_changelog}.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

include(CPack)
