# ParityBuildInfo: the real libraries the built-in targets (and parity itself) are built
# against, with the versions the build found, for `parity --version` and the report
# (cli/build_info.h). Native libraries: the versions pkg-config and the CMake packages
# report (ParityDependencies.cmake); the Node targets' packages: the versions the
# committed targets/node/package-lock.json pins. Sets PARITY_LIBRARIES_CXX, the body of
# a C++ initializer list.
set(PARITY_LIBRARIES_CXX "")
macro(_parity_library name version used_by)
  string(APPEND PARITY_LIBRARIES_CXX "      {\"${name}\", \"${version}\", \"${used_by}\"},\n")
endmacro()

_parity_library("OpenSSL" "${OPENSSL_VERSION}" "parity, target reference (the Signal baseline), target libsignal (its crypto provider)")
_parity_library("libsodium" "${SODIUM_VERSION}" "parity, target reference (XEdDSA's Ed25519 arithmetic)")
_parity_library("libsignal-protocol-c" "${SIGNALC_VERSION}" "target libsignal")
_parity_library("libolm" "${Olm_VERSION}" "target olm")
_parity_library("pugixml" "${pugixml_VERSION}" "parity, target reference (the stanza layer)")

set(_lock ${PROJECT_SOURCE_DIR}/targets/node/package-lock.json)
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_lock})
file(READ ${_lock} _lock_json)
foreach(_pkg_users IN ITEMS "@signalapp/libsignal-client|target libsignal-client (npm)"
                            "ts-mls|targets mls, mls-no-policy (npm)")
  string(REPLACE "|" ";" _pair "${_pkg_users}")
  list(GET _pair 0 _pkg)
  list(GET _pair 1 _users)
  string(JSON _version ERROR_VARIABLE _err GET "${_lock_json}" packages "node_modules/${_pkg}" version)
  if(_err)
    message(FATAL_ERROR "targets/node/package-lock.json does not pin ${_pkg}: ${_err}")
  endif()
  _parity_library("${_pkg}" "${_version}" "${_users}")
endforeach()
