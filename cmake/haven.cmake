# haven_test(NAME SOURCES... LIBS lib...): a GoogleTest binary registered with CTest.
function(haven_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  if(NOT HAVEN_BUILD_TESTS)
    return()
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  if("haven_nlp" IN_LIST T_LIBS OR "haven_cli" IN_LIST T_LIBS)
    target_link_libraries(${name} PRIVATE haven_nlp_embedded)
  endif()
  target_compile_definitions(${name} PRIVATE
    HAVEN_SOURCE_DATA_DIR="${HAVEN_SOURCE_DATA_DIR}"
    HAVEN_SHARED_DIR="${HAVEN_SHARED_DIR}"
    HAVEN_TESTS_DIR="${CMAKE_SOURCE_DIR}/tests")
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES ENVIRONMENT "HAVEN_DATA_DIR=${HAVEN_SOURCE_DATA_DIR}")
endfunction()
