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
# What a failing central costs the kiosk, through kiosk-faultproxy in front
# of the real kiosk-central: sync_enqueue latency with the central answering
# and 5 s late, and the drain after an outage. Full run:
# KIOSK_BUILD_DIR=build build/tests/bench/bench_net_fault 5000
add_executable(bench_net_fault ${CMAKE_CURRENT_LIST_DIR}/bench_net_fault.c)
target_include_directories(bench_net_fault PRIVATE ${PROJECT_SOURCE_DIR}/tests/net)
target_link_libraries(bench_net_fault PRIVATE kiosk_net)
add_dependencies(bench_net_fault kiosk-faultproxy kiosk-central)
add_test(NAME net_bench_fault COMMAND bench_net_fault 300)
set_tests_properties(net_bench_fault PROPERTIES LABELS bench TIMEOUT 300
                     SKIP_RETURN_CODE 77 ENVIRONMENT "${KIOSK_TEST_ENV}")
