# Scanner benchmark (included by tests/bench/CMakeLists.txt). bench_scan
# compares our decode path with plain zbar on the generated corpus;
# bench_scan.sh builds the corpus and adds zbarimg and ZXingReader.
add_executable(bench_scan ${CMAKE_CURRENT_LIST_DIR}/bench_scan.c)
target_link_libraries(bench_scan PRIVATE kiosk_scanner)
add_test(NAME scanner_bench
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/bench_scan.sh
          $<TARGET_FILE:bench_scan> ${PROJECT_SOURCE_DIR}/tests/scanner/make_corpus.sh
          ${CMAKE_CURRENT_BINARY_DIR}/scan-corpus)
set_tests_properties(scanner_bench PROPERTIES LABELS "bench;drivers"
  SKIP_RETURN_CODE 77 TIMEOUT 900)
