# install() rules and CPack: two Debian packages from one build.
#   kiosk          kiosk, kiosk-print, kiosk-scan, assets, /etc/kiosk/kiosk.conf,
#                  kiosk.service, the udev rule, man pages
#   kiosk-central  the reference server, its unit, kiosk-central(8)
# Build them with: cmake -B build -DCMAKE_INSTALL_PREFIX=/usr && cmake --build
# build --target package. The binaries find their assets at
# KIOSK_INSTALL_ASSETS = ${CMAKE_INSTALL_PREFIX}/share/kiosk, so the package is
# laid out under that same prefix; only /usr makes a proper Debian package.
include(GNUInstallDirs)

set(KIOSK_PACKAGE_VERSION "${PROJECT_VERSION}" CACHE STRING
    "Version written into the .deb files (the binaries keep PROJECT_VERSION)")
set(KIOSK_PKG_DIR ${PROJECT_SOURCE_DIR}/packaging)
set(KIOSK_PKG_OUT ${PROJECT_BINARY_DIR}/packaging)

# REALITY: on Debian 12 units and udev rules belong under /lib (the /usr
# merge is not finished in dpkg's database); with another prefix keep them
# inside it so a developer's `cmake --install` never writes to /lib.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(KIOSK_UNITDIR /lib/systemd/system)
  set(KIOSK_UDEVDIR /lib/udev/rules.d)
else()
  set(KIOSK_UNITDIR ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
  set(KIOSK_UDEVDIR ${CMAKE_INSTALL_PREFIX}/lib/udev/rules.d)
endif()

# Debian wants man pages and changelogs gzipped without timestamps (-n) so
# two builds of the same tree give the same package.
find_program(KIOSK_GZIP gzip REQUIRED)
configure_file(${KIOSK_PKG_DIR}/debian/changelog.in
               ${KIOSK_PKG_OUT}/changelog @ONLY)
set(kiosk_gz_outputs)
foreach(src man/kiosk.1 man/kiosk-print.1 man/kiosk-scan.1 man/kiosk-central.8)
  get_filename_component(name ${src} NAME)
  add_custom_command(OUTPUT ${KIOSK_PKG_OUT}/${name}.gz
    COMMAND ${KIOSK_GZIP} -9n -c ${KIOSK_PKG_DIR}/${src} > ${KIOSK_PKG_OUT}/${name}.gz
    DEPENDS ${KIOSK_PKG_DIR}/${src} VERBATIM)
  list(APPEND kiosk_gz_outputs ${KIOSK_PKG_OUT}/${name}.gz)
endforeach()
add_custom_command(OUTPUT ${KIOSK_PKG_OUT}/changelog.gz
  COMMAND ${KIOSK_GZIP} -9n -c ${KIOSK_PKG_OUT}/changelog > ${KIOSK_PKG_OUT}/changelog.gz
  DEPENDS ${KIOSK_PKG_OUT}/changelog VERBATIM)
list(APPEND kiosk_gz_outputs ${KIOSK_PKG_OUT}/changelog.gz)
add_custom_target(kiosk_package_docs ALL DEPENDS ${kiosk_gz_outputs})

# --- package kiosk ----------------------------------------------------------
foreach(exe kiosk kiosk-print kiosk-scan)
  if(TARGET ${exe})
    install(TARGETS ${exe} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
            COMPONENT kiosk)
  endif()
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/assets/ DESTINATION share/kiosk
        COMPONENT kiosk)
# The secret lives in here: root writes it, the kiosk group reads it. dpkg
# ships it root:root; postinst sets the group with dpkg-statoverride so every
# upgrade keeps it.
install(FILES ${KIOSK_PKG_DIR}/kiosk.conf.example
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kiosk RENAME kiosk.conf
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/kiosk.service
        DESTINATION ${KIOSK_UNITDIR} COMPONENT kiosk)
install(FILES ${KIOSK_PKG_DIR}/udev/60-kiosk.rules
        DESTINATION ${KIOSK_UDEVDIR} COMPONENT kiosk)
install(FILES ${KIOSK_PKG_OUT}/kiosk.1.gz ${KIOSK_PKG_OUT}/kiosk-print.1.gz
              ${KIOSK_PKG_OUT}/kiosk-scan.1.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT kiosk)
install(FILES ${KIOSK_PKG_DIR}/debian/copyright ${KIOSK_PKG_OUT}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/kiosk COMPONENT kiosk)
install(FILES ${KIOSK_PKG_DIR}/debian/kiosk/lintian-overrides RENAME kiosk
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides COMPONENT kiosk)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/kiosk-cage.conf RENAME cage.conf
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/kiosk/examples
        COMPONENT kiosk)

# --- package kiosk-central --------------------------------------------------
# central/CMakeLists.txt installs the server and its catalog images without a
# COMPONENT (they land in "Unspecified"); the "central" group below gathers
# that and this component into one package.
install(FILES ${PROJECT_SOURCE_DIR}/systemd/kiosk-central.service
        DESTINATION ${KIOSK_UNITDIR} COMPONENT central)
# Every kiosk's secret: root only; systemd reads it for the service's
# DynamicUser (LoadCredential=), so no group is needed.
install(FILES ${KIOSK_PKG_DIR}/central.conf.example
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/kiosk-central RENAME central.conf
        PERMISSIONS OWNER_READ OWNER_WRITE COMPONENT central)
install(FILES ${KIOSK_PKG_DIR}/debian/kiosk-central/lintian-overrides
        RENAME kiosk-central
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides COMPONENT central)
install(FILES ${KIOSK_PKG_OUT}/kiosk-central.8.gz
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man8 COMPONENT central)
install(FILES ${KIOSK_PKG_DIR}/debian/copyright ${KIOSK_PKG_OUT}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/kiosk-central
        COMPONENT central)

# --- CPack ------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kiosk)
set(CPACK_PACKAGE_VERSION ${KIOSK_PACKAGE_VERSION})
set(CPACK_PACKAGE_VENDOR "Mall kiosk project")
set(CPACK_PACKAGE_CONTACT "Mall kiosk maintainers <maintainers@users.noreply.h-seed-f9b65921.example>")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL kiosk central Unspecified)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_COMPONENT_KIOSK_GROUP kiosk)
set(CPACK_COMPONENT_CENTRAL_GROUP central)
set(CPACK_COMPONENT_UNSPECIFIED_GROUP central)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME kiosk)
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS "fonts-noto-cjk")
set(CPACK_DEBIAN_KIOSK_DESCRIPTION
"self-service member kiosk for shopping malls
A full-screen SDL2 kiosk: members scan the QR code from the mall's app
and see their points, tier and benefits in Chinese or English, redeem
gifts and print vouchers on an ESC/POS receipt printer. Includes the
kiosk-print and kiosk-scan tools, a systemd unit and a udev rule.")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA
  ${KIOSK_PKG_DIR}/debian/kiosk/conffiles
  ${KIOSK_PKG_DIR}/debian/kiosk/postinst
  ${KIOSK_PKG_DIR}/debian/kiosk/prerm
  ${KIOSK_PKG_DIR}/debian/kiosk/postrm)

set(CPACK_DEBIAN_CENTRAL_PACKAGE_NAME kiosk-central)
set(CPACK_DEBIAN_CENTRAL_DESCRIPTION
"reference central membership server for mall kiosks
The HTTP API the mall kiosks talk to: members, tiers, points, gift
catalog, redemptions, vouchers and parking, stored in SQLite. Every
call is signed by the kiosk. Includes a hardened systemd unit.")
set(CPACK_DEBIAN_CENTRAL_PACKAGE_CONTROL_EXTRA
  ${KIOSK_PKG_DIR}/debian/kiosk-central/conffiles
  ${KIOSK_PKG_DIR}/debian/kiosk-central/postinst
  ${KIOSK_PKG_DIR}/debian/kiosk-central/prerm
  ${KIOSK_PKG_DIR}/debian/kiosk-central/postrm)

include(CPack)
