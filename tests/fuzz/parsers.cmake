# libFuzzer targets for the parsers of outside input (issue 9), included by
# tests/fuzz/CMakeLists.txt.
#
# libFuzzer is only guided by code built with -fsanitize=fuzzer, and the
# project libraries are not, so each target compiles the parser sources it
# exercises itself (INSTRUMENT); the libraries still supply everything else.
# The archive copies of those files are never pulled in because every symbol
# they define is already in the executable.
#
# CI time: each target runs FUZZ_CI_SECONDS unless KIOSK_FUZZ_SECONDS is set
# in the environment (the long-run flag), so the whole set stays near a
# minute.
set(FUZZ_CI_SECONDS 5)
set(FUZZ_SRC ${PROJECT_SOURCE_DIR})

# kiosk_fuzz_parser(NAME SOURCE INSTRUMENT files... LIBS libs...): builds NAME
# and a ctest fuzz_<NAME without its fuzz_ prefix> over corpus/NAME/.
function(kiosk_fuzz_parser name source)
  cmake_parse_arguments(F "" "" "INSTRUMENT;LIBS" ${ARGN})
  add_executable(${name} ${source} fuzz_util.c ${F_INSTRUMENT})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  target_compile_definitions(${name} PRIVATE
    FUZZ_CENTRAL_DIR="${PROJECT_SOURCE_DIR}/central")
  string(REGEX REPLACE "^fuzz_" "" short ${name})
  add_test(NAME fuzz_${short}
           COMMAND sh -c "KIOSK_FUZZ_SECONDS=\${KIOSK_FUZZ_SECONDS:-${FUZZ_CI_SECONDS}} exec \"$0\" \"$@\""
                   ${KIOSK_FUZZ_RUNNER} $<TARGET_FILE:${name}>
                   ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${name})
  set_tests_properties(fuzz_${short} PROPERTIES LABELS fuzz TIMEOUT 300
                       ENVIRONMENT "${KIOSK_TEST_ENV}")
endfunction()

# The member code harness in CMakeLists.txt links mcode.c uninstrumented.
target_sources(fuzz_mcode PRIVATE ${FUZZ_SRC}/common/mcode.c)

kiosk_fuzz_parser(fuzz_cfg fuzz_cfg.c
  INSTRUMENT ${FUZZ_SRC}/app/cfg.c ${FUZZ_SRC}/drivers/printer/prn_transport.c
             ${FUZZ_SRC}/drivers/scanner/scan_source.c
  LIBS kiosk_app)
kiosk_fuzz_parser(fuzz_profile fuzz_profile.c
  INSTRUMENT ${FUZZ_SRC}/app/session.c
  LIBS kiosk_app)
kiosk_fuzz_parser(fuzz_catalog fuzz_catalog.c
  INSTRUMENT ${FUZZ_SRC}/app/catalog.c
  LIBS kiosk_app)
kiosk_fuzz_parser(fuzz_voucher fuzz_voucher.c
  INSTRUMENT ${FUZZ_SRC}/drivers/printer/prn_voucher.c
             ${FUZZ_SRC}/drivers/printer/prn_layout.c
             ${FUZZ_SRC}/drivers/printer/prn_text.c
             ${FUZZ_SRC}/drivers/printer/prn_escpos.c
             ${FUZZ_SRC}/common/mask.c
  LIBS kiosk_printer)
kiosk_fuzz_parser(fuzz_escpos fuzz_escpos.c
  INSTRUMENT ${FUZZ_SRC}/drivers/printer/prn_escpos.c
  LIBS kiosk_printer)
kiosk_fuzz_parser(fuzz_i18n fuzz_i18n.c
  INSTRUMENT ${FUZZ_SRC}/common/i18n.c
  LIBS kiosk_common)
kiosk_fuzz_parser(fuzz_wedge fuzz_wedge.c
  INSTRUMENT ${FUZZ_SRC}/drivers/scanner/scan_wedge.c
  LIBS kiosk_scanner)
# fuzz_scan_classify.c is built and run by tests/scanner/CMakeLists.txt.

# The central: every module of the library (handlers, request helpers, the
# ledger they write) plus the signature and member-code checks.
get_target_property(fuzz_central_sources kiosk_central SOURCES)
list(TRANSFORM fuzz_central_sources PREPEND ${FUZZ_SRC}/central/)
kiosk_fuzz_parser(fuzz_central_req fuzz_central_req.c
  INSTRUMENT ${fuzz_central_sources} ${FUZZ_SRC}/common/reqsig.c
             ${FUZZ_SRC}/common/mcode.c
  LIBS kiosk_central)
