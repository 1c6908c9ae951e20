# u5_builtin_text(OUT NAMESPACE SYMBOL FILE): compiles a data file in as
# `const char* const NAMESPACE::SYMBOL`, the fallback of a file the program
# reads at run time. Editing the file re-runs CMake; the source is rewritten
# only when the text changed, so nothing else recompiles.
function(u5_builtin_text out ns symbol file)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  file(READ ${file} text)
  string(FIND "${text}" ")u5text\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${file} contains the raw-string delimiter )u5text\"")
  endif()
  file(RELATIVE_PATH rel ${PROJECT_SOURCE_DIR} ${file})
  file(CONFIGURE OUTPUT ${out} CONTENT
"// Generated from ${rel} by cmake/builtin_text.cmake.
namespace ${ns} {
extern const char* const ${symbol};
const char* const ${symbol} = R\"u5text(@text@)u5text\";
}
" @ONLY)
endfunction()
