# Read by cpack: a Debian package installs under /usr, and the systemd unit in it names the
# binary by the prefix the build was configured with, so the two must agree.
if(NOT CPACK_CERTCRON_INSTALL_PREFIX STREQUAL CPACK_PACKAGING_INSTALL_PREFIX)
  message(FATAL_ERROR
    "certcron: the package installs under ${CPACK_PACKAGING_INSTALL_PREFIX}, but this build "
    "was configured for ${CPACK_CERTCRON_INSTALL_PREFIX}. Configure with "
    "-DCMAKE_INSTALL_PREFIX=${CPACK_PACKAGING_INSTALL_PREFIX} (cmake --preset release does).")
endif()
