# Kiosk app bench (included by tests/bench/CMakeLists.txt): prints cold start
# to first frame, scan-to-member latency against a local kiosk-central and
# peak RSS. Never asserts on time.
add_test(NAME bench_app_start_scan_rss
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/bench_app.sh $<TARGET_FILE:kiosk>
          $<TARGET_FILE:kiosk-central> 10)
set_tests_properties(bench_app_start_scan_rss PROPERTIES LABELS "bench"
  ENVIRONMENT "${KIOSK_TEST_ENV}" TIMEOUT 300)
