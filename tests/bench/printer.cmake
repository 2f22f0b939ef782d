# Printer benchmark (included by tests/bench/CMakeLists.txt): build time and
# size of a gift voucher in raster and text mode, against USB full-speed send
# time and 250 mm/s print time, and side by side in the same run npm
# receiptline making GB18030 ESC/POS of the same slip (node and `npm install`
# in tests/bench; says skipped without them). Prints figures and whether the
# issue's targets were met; never asserts on time.
add_executable(bench_print ${CMAKE_CURRENT_LIST_DIR}/bench_print.c)
target_link_libraries(bench_print PRIVATE kiosk_printer)
target_compile_definitions(bench_print PRIVATE KIOSK_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_test(NAME printer_bench_print COMMAND bench_print
  ${PROJECT_SOURCE_DIR}/tests/printer/data/gift.json 50)
set_tests_properties(printer_bench_print PROPERTIES LABELS bench TIMEOUT 120)

# Print journal: owe, begin (70 kB job stored) and finish latency p50/p99
# next to the raw fdatasync of the same folder, in the same run.
add_executable(bench_print_journal ${CMAKE_CURRENT_LIST_DIR}/bench_print_journal.c)
target_link_libraries(bench_print_journal PRIVATE kiosk_printer)
add_test(NAME printer_bench_print_journal COMMAND bench_print_journal 200)
set_tests_properties(printer_bench_print_journal PROPERTIES LABELS bench TIMEOUT 120
  ENVIRONMENT "${KIOSK_TEST_ENV}")
