# Kiosk app bench (included by tests/bench/CMakeLists.txt): prints cold start
# to first frame, scan-to-member latency against a local kiosk-central and
# peak RSS. Never asserts on time.
add_test(NAME bench_app_start_scan_rss
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/bench_app.sh $<TARGET_FILE:kiosk>
          $<TARGET_FILE:kiosk-central> 10)
set_tests_properties(bench_app_start_scan_rss PROPERTIES LABELS "bench"
  ENVIRONMENT "${KIOSK_TEST_ENV}" TIMEOUT 300)

# UI bench (issue 7): frame times while scrolling the catalog (script
# `drag`), idle CPU on the animated attract screen (10 s here,
# KIOSK_BENCH_IDLE_S=60 for the issue's window), peak RSS, and headless
# Chromium on the same member screen when it is installed.
add_test(NAME bench_ui_scroll_idle_rss_chromium
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/bench_ui.sh $<TARGET_FILE:kiosk>
          $<TARGET_FILE:kiosk-central>)
set_tests_properties(bench_ui_scroll_idle_rss_chromium PROPERTIES LABELS "bench"
  ENVIRONMENT "${KIOSK_TEST_ENV}" TIMEOUT 300)
