# Writes OUTPUT, a C++ file defining certcron::http::openapi_document() as the text of INPUT.
file(READ ${INPUT} text)
set(delimiter "certcron_embed")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter ${delimiter}")
endif()
file(WRITE ${OUTPUT}.tmp "// Generated from ${INPUT} by cmake/EmbedText.cmake.\n"
  "#include \"http/openapi.hpp\"\n"
  "namespace certcron::http {\n"
  "std::string_view openapi_document() {\n"
  "  static constexpr char text[] = R\"${delimiter}(${text})${delimiter}\";\n"
  "  return {text, sizeof text - 1};\n"
  "}\n"
  "}  // namespace certcron::http\n")
file(COPY_FILE ${OUTPUT}.tmp ${OUTPUT} ONLY_IF_DIFFERENT)
