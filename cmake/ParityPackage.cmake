# ParityPackage: the Debian package, made by `cpack` in a build tree of preset package
# (scripts/package.sh): parity_<version>_<arch>.deb, installing under /usr:
#   bin/parity, bin/parity-target-{reference,libsignal,olm}
#   share/parity/vectors/                 the vector set and the stanza corpus
#   share/parity/targets/python/          the Python example target
#   share/parity/targets/node/            the Node targets with their pinned node_modules
#   share/man/man1/parity.1.gz            from `parity help --man`
# Depends is what dpkg-shlibdeps reads off the ELF files: exactly the Debian runtime
# packages they link, at the versions this machine's symbols files require. The
# interpreters of the script targets are not linked: python3 is recommended (the Python
# target), Node.js 20 suggested (Debian 12's nodejs is 18; the Node targets say so and
# exit 3 without it).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME parity)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "Parity")
set(CPACK_PACKAGE_CONTACT "Parity developers <parity@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "conformance and security-equivalence checks of end-to-end-encrypted messaging")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "conformance and security-equivalence checks of end-to-end-encrypted messaging
 Parity drives a messaging implementation (a target) over PTP/1, a JSON-lines
 protocol, and holds it to the Signal Protocol's security: known-answer
 vectors, forward secrecy, post-compromise security, authenticated sessions,
 ordering, resource bounds, the XML stanza layer and group chats, each check
 measured beside the Signal baseline in the same run. It writes an HTML
 compliance report, JSON, JUnit and Markdown, and exits non-zero when a MUST
 requirement fails.
 .
 Built-in targets: the Signal reference, libsignal-protocol-c, libolm, a
 Python example, and (with Node.js 20) the official Rust libsignal and MLS.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # parity_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "python3, python3-cryptography")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "nodejs (>= 20)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
