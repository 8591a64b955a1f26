# ParityOptions: warning and sanitizer flags for the project's own targets only.
add_library(parity_options INTERFACE)
target_compile_options(parity_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(PARITY_WERROR)
  target_compile_options(parity_options INTERFACE -Werror)
endif()
target_include_directories(parity_options INTERFACE ${PROJECT_SOURCE_DIR})

if(PARITY_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# parity_add_test(NAME SOURCES... LABELS ... LIBS ...) builds one GoogleTest binary and
# registers its tests with ctest under the given labels.
include(GoogleTest OPTIONAL)
function(parity_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE parity_options GTest::gtest GTest::gtest_main ${ARG_LIBS})
  gtest_discover_tests(${name}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    PROPERTIES LABELS "${ARG_LABELS}"
    DISCOVERY_TIMEOUT 60)
endfunction()
