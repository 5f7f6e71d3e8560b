# Installation and the Debian package (CPack DEB).
#   cmake -S . -B build && cmake --build build && (cd build && cpack -G DEB)
# gives build/chargefleet_<version>_<arch>.deb: the binary in /usr/bin, the man page,
# the systemd unit (the service runs `chargefleet serve` as the system user chargefleet,
# created by the package, with its embedded PostgreSQL under /var/lib/chargefleet) and
# /etc/default/chargefleet (a conffile: the service's CHARGEFLEET_* settings).
include(GNUInstallDirs)

install(TARGETS chargefleet RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_SOURCE_DIR}/docs/chargefleet.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# <prefix>/lib/systemd/system: /usr/lib/systemd/system in the package, which systemd
# reads on Debian 12 as it reads /lib/systemd/system (merged /usr: the same directory).
install(FILES ${CMAKE_SOURCE_DIR}/packaging/chargefleet.service
        DESTINATION lib/systemd/system)
# /etc whatever the prefix: the file the unit reads (EnvironmentFile=-/etc/default/chargefleet).
install(FILES ${CMAKE_SOURCE_DIR}/packaging/chargefleet.default
        DESTINATION /etc/default RENAME chargefleet)

set(CPACK_PACKAGE_NAME chargefleet)
set(CPACK_PACKAGE_VENDOR chargefleet)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
if(NOT CPACK_PACKAGE_VERSION)
  set(CPACK_PACKAGE_VERSION 0.0.0)
endif()
set(CPACK_PACKAGE_CONTACT "chargefleet maintainers <maintainers@chargefleet.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "simulated EV chargers (OCPP 1.6 / 2.0.1) on demand over REST")
set(CPACK_PACKAGE_DESCRIPTION
"chargefleet brings fleets of simulated EV chargers to life as OCPP-J websocket
clients connected to a CSMS, created and driven over a REST API: load tests,
CI conformance runs (chargefleet run) and a small built-in CSMS. The service
runs `chargefleet serve` with an embedded PostgreSQL under /var/lib/chargefleet.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES OFF)

set(CPACK_DEBIAN_PACKAGE_NAME chargefleet)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # chargefleet_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE "")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://chargefleet.invalid/")
# The runtime libraries (libwebsockets-evlib-uv is a plugin lws loads with dlopen: no
# shared-library tool would find it), PostgreSQL for the embedded database, adduser
# for postinst (not in a minimal Debian).
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libc6, libwebsockets17 (>= 4.1.6), libwebsockets-evlib-uv (>= 4.1.6), libuv1 (>= 1.44), libjansson4 (>= 2.14), libpq5, libssl3, postgresql, adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/debian/conffiles
    ${CMAKE_SOURCE_DIR}/packaging/debian/postinst
    ${CMAKE_SOURCE_DIR}/packaging/debian/prerm
    ${CMAKE_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)

include(CPack)
