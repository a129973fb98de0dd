# What `cmake --install` puts under the prefix, in Debian's layout (packaging/README.md has
# the table). CPack packs the same tree (cmake/Packaging.cmake).

set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CERTCRON_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
  "Where the systemd unit goes, relative to the prefix (or absolute)")

find_program(CERTCRON_GZIP gzip REQUIRED)
# certcron_gzip(INPUT OUTPUT): OUTPUT is INPUT compressed as Debian ships documentation
# (gzip -9n: no name, no time stamp, so that the package is reproducible).
function(certcron_gzip input output)
  add_custom_command(OUTPUT ${output}
    COMMAND sh -c "\"$0\" -9nc <\"$1\" >\"$2\"" ${CERTCRON_GZIP} ${input} ${output}
    DEPENDS ${input}
    VERBATIM)
endfunction()

# Manual pages, compressed; man reads them as they are.
file(GLOB certcron_man_pages CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/man/*.[1-8])
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/man)
set(certcron_man_outputs)
foreach(page ${certcron_man_pages})
  get_filename_component(name ${page} NAME)
  string(REGEX MATCH "[1-8]$" section ${name})
  set(compressed ${PROJECT_BINARY_DIR}/man/${name}.gz)
  certcron_gzip(${page} ${compressed})
  list(APPEND certcron_man_outputs ${compressed})
  install(FILES ${compressed} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()

add_custom_target(certcron_man ALL DEPENDS ${certcron_man_outputs})

install(FILES completions/certcron.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME certcron)
install(FILES completions/certcron.zsh
  DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions RENAME _certcron)
# Globbed rather than tested with EXISTS, so that a build tree notices when the file appears.
file(GLOB certcron_fish_completion CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/completions/certcron.fish)
if(certcron_fish_completion)
  install(FILES ${certcron_fish_completion}
    DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
endif()

# The unit names the installed binary, whatever the prefix.
file(READ ${PROJECT_SOURCE_DIR}/packaging/certcron-serve.service certcron_unit)
string(REPLACE "ExecStart=/usr/bin/certcron " "ExecStart=${CMAKE_INSTALL_FULL_BINDIR}/certcron "
  certcron_unit "${certcron_unit}")
file(CONFIGURE OUTPUT ${PROJECT_BINARY_DIR}/packaging/certcron-serve.service
  CONTENT "${certcron_unit}" @ONLY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${PROJECT_SOURCE_DIR}/packaging/certcron-serve.service)
install(FILES ${PROJECT_BINARY_DIR}/packaging/certcron-serve.service
  DESTINATION ${CERTCRON_SYSTEMD_UNIT_DIR})

install(FILES packaging/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES packaging/config.toml samples/jobs.sync.toml
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES packaging/certcron.cron.d.example
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples RENAME certcron.cron.d)
