# Parity as a container image: Debian 12 with the package scripts/package.sh builds and
# tests, and nothing else. Build it from the folder that holds the package:
#   ./scripts/package.sh && docker build -t parity -f Dockerfile out/package
# scripts/package_test.py applies these same steps to a clean Debian 12 chroot and runs
# the installed parity (docs/ci.md). Recommends come along: python3 and
# python3-cryptography, for the Python example target. Debian 12's Node.js is 18, so the
# Node targets (libsignal-client, mls) need an image with Node.js 20 built on this one.
FROM debian:12-slim
COPY parity_*_amd64.deb /tmp/
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y /tmp/parity_*_amd64.deb \
 && rm -rf /var/lib/apt/lists/* /tmp/parity_*_amd64.deb
WORKDIR /work
ENTRYPOINT ["parity"]
CMD ["--help"]
