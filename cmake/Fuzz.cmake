# libFuzzer builds (CERTCRON_FUZZ, the fuzz preset): every library is compiled with coverage
# instrumentation for libFuzzer and with ASan+UBSan, and tests/fuzz adds one target per input
# format. g++ has no libFuzzer, so only clang builds the targets; the code's std::expected
# needs a clang that libstdc++ 12's <expected> accepts (Debian 12's clang-19; not its default
# clang 14, nor clang 16, whose __cpp_concepts is below the 202002L <expected> asks for).

set(CERTCRON_FUZZ_TARGETS OFF)
if(CERTCRON_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(WARNING
      "certcron: CERTCRON_FUZZ needs clang (libFuzzer); ${CMAKE_CXX_COMPILER_ID} builds no fuzz "
      "targets. Use the fuzz preset (Debian packages clang-19 and libclang-rt-19-dev).")
  else()
    include(CheckCXXSourceCompiles)
    check_cxx_source_compiles([=[
      #include <expected>
      int main() { std::expected<int, int> value{1}; return *value - 1; }
    ]=] CERTCRON_CLANG_HAS_EXPECTED)
    if(NOT CERTCRON_CLANG_HAS_EXPECTED)
      message(FATAL_ERROR
        "certcron: ${CMAKE_CXX_COMPILER} ${CMAKE_CXX_COMPILER_VERSION} cannot compile "
        "std::expected from this C++ library (of Debian 12's clangs, 14 and 16 cannot, 19 can). "
        "Install the Debian packages clang-19 and libclang-rt-19-dev and use the fuzz preset.")
    endif()
    set(CERTCRON_FUZZ_TARGETS ON)
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                        -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
    # clang 19 flags libstdc++ 12's own use of std::get_temporary_buffer (inside
    # std::stable_sort) as deprecated; nothing in certcron's code can change that.
    add_compile_options(-Wno-deprecated-declarations)
  endif()
endif()
