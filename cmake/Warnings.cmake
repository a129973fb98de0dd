add_library(certcron_warnings INTERFACE)
target_compile_options(certcron_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wimplicit-fallthrough
  $<$<BOOL:${CERTCRON_WERROR}>:-Werror>)

# g++ 12 at -O3 (Release) reports a false -Wrestrict overlap wherever `"text" + std::string`
# is inlined, in libstdc++'s in-place prepend (GCC bug 105329): a dozen sites, each correct.
# The warning is turned off for that compiler and build type only; the others keep it.
target_compile_options(certcron_warnings INTERFACE
  $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>,$<CONFIG:Release>>:-Wno-restrict>)

if(CERTCRON_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()

# ThreadSanitizer: races in the server's threads and the store's concurrent writers. -Wno-tsan:
# g++ 12 warns that it does not instrument std::atomic_thread_fence, which Boost.Asio's
# reference counts use; a race TSan would then miss or invent is on an Asio object, and the
# suites have shown none.
if(CERTCRON_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-tsan)
  endif()
endif()
