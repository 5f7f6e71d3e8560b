# Writes OUT: a C file defining `const char NAME[]` with the bytes of IN, NUL-terminated.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," hex "${hex}")
file(WRITE ${OUT} "/* generated from ${IN} by cmake/embed_file.cmake: do not edit */\nconst char ${NAME}[] = {${hex} 0};\n")
