# ParityDependencies: every dependency comes from a Debian 12 package
# (scripts/install-deps.sh) and is found here, nowhere else.
find_package(PkgConfig REQUIRED)
find_package(OpenSSL 3.0 REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(SIGNALC REQUIRED IMPORTED_TARGET libsignal-protocol-c)
find_package(Olm 3 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(pugixml REQUIRED)
find_package(EXPAT REQUIRED)
find_package(rapidcheck REQUIRED)  # the property-based checks use it, not only the tests
if(PARITY_TESTS)
  find_package(GTest REQUIRED)
endif()
if(PARITY_BENCH)
  find_package(benchmark REQUIRED)
endif()
