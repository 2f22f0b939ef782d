# kiosk-central benchmark (included by tests/bench/CMakeLists.txt).
# Run: ctest --test-dir BUILD -R bench_central -V   (label bench; ~20 s)
# Before/after: build the other version's kiosk-central in DIR, then
#   KIOSK_BUILD_DIR=BUILD BUILD/tests/bench/bench_central --compare DIR
add_executable(bench_central ${CMAKE_CURRENT_LIST_DIR}/bench_central.c)
target_link_libraries(bench_central PRIVATE central_client PkgConfig::SQLITE3)
add_dependencies(bench_central kiosk-central)
add_test(NAME bench_central COMMAND bench_central)
set_tests_properties(bench_central PROPERTIES LABELS "bench" TIMEOUT 120
                     SKIP_RETURN_CODE 77 ENVIRONMENT "${KIOSK_TEST_ENV}")
