# Turns a text file into a C++ source defining `extern const char SYMBOL[]`.
file(READ ${IN} content)
string(FIND "${content}" ")u5embed\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw-string delimiter")
endif()
file(WRITE ${OUT} "// Generated from ${IN}; do not edit.\nextern const char ${SYMBOL}[];\nconst char ${SYMBOL}[] = R\"u5embed(${content})u5embed\";\n")
