# Queue and sync benchmark (included by tests/bench/CMakeLists.txt):
# durable enqueue latency next to the disk's raw fdatasync, recovery after a
# kill with 10,000 pending, drain rate over one kept-alive connection.
# Full run: build/tests/bench/bench_outbox 10000 (set KIOSK_CENTRAL_URL to
# drain into a running kiosk-central).
add_executable(bench_outbox ${CMAKE_CURRENT_LIST_DIR}/bench_outbox.c)
target_include_directories(bench_outbox PRIVATE ${PROJECT_SOURCE_DIR}/tests/net)
target_link_libraries(bench_outbox PRIVATE kiosk_net PkgConfig::MHD)
add_test(NAME net_bench_outbox COMMAND bench_outbox 500)
set_tests_properties(net_bench_outbox PROPERTIES LABELS bench TIMEOUT 300
                     ENVIRONMENT "${KIOSK_TEST_ENV}")
