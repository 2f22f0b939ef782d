# Scanner benchmark (included by tests/bench/CMakeLists.txt). bench_scan
# compares our decode path with plain zbar on the generated corpus;
# bench_scan.sh builds the corpus and adds zbarimg and ZXingReader.
add_executable(bench_scan ${CMAKE_CURRENT_LIST_DIR}/bench_scan.c)
target_link_libraries(bench_scan PRIVATE kiosk_scanner)
add_test(NAME scanner_bench
  COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/bench_scan.sh
          $<TARGET_FILE:bench_scan> ${PROJECT_SOURCE_DIR}/tests/scanner/make_corpus.sh
          ${CMAKE_CURRENT_BINARY_DIR}/scan-corpus 2 2)
set_tests_properties(scanner_bench PROPERTIES LABELS "bench;drivers"
  SKIP_RETURN_CODE 77 TIMEOUT 900)

# Scanner soak: memory over a long run of 1280x720 frames (zbar issue 258)
# and CPU per frame at 15 fps. SOAK_FRAMES etc. in the environment; the
# ctest entry is a short run.
add_executable(bench_scan_soak ${CMAKE_CURRENT_LIST_DIR}/bench_scan_soak.c)
target_link_libraries(bench_scan_soak PRIVATE kiosk_scanner)
add_test(NAME scanner_bench_soak COMMAND bench_scan_soak)
# In CI a short run (300 frames, with and without renewal); KIOSK_LONG runs set SOAK_FRAMES.
set_tests_properties(scanner_bench_soak PROPERTIES LABELS "bench;drivers"
  TIMEOUT 900 ENVIRONMENT "SOAK_FRAMES=300;SOAK_EVERY=100;SOAK_MODES=ours,ours-renew0")
