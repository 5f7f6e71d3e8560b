# chargefleet as a container image: built from its Debian package (cpack -G DEB).
# UNTESTED on the machine it was written on (no image registry reachable there):
# written to work, not yet built. Assumes the package (`cpack -G DEB` in the build dir,
# package chargefleet) installs /usr/bin/chargefleet and creates the system user and
# group `chargefleet` with /var/lib/chargefleet; this image gives that user uid/gid 10001.
#
#   docker build -t chargefleet .
#   docker run --rm -p 8080:8080 -e CHARGEFLEET_DB=postgresql://u:p@10.0.0.5/chargefleet \
#     -e CHARGEFLEET_API_TOKEN=... chargefleet
#   docker run --rm -e CHARGEFLEET_DB=... chargefleet worker
# Without CHARGEFLEET_DB, serve runs an embedded PostgreSQL, which needs the postgresql
# package in the image (only if the .deb depends on it): give a database instead
# (compose.yaml, deploy/k8s).

FROM debian:bookworm-slim AS build
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
# the build packages, from scripts/setup (its list stays the one source); git for the
# revision a build may record
COPY scripts/setup scripts/setup
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends git ca-certificates \
 && scripts/setup --no-build \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build build -j"$(nproc)" \
 && cd build && cpack -G DEB

FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /tmp/pkg
COPY --from=build /src/build/chargefleet_*.deb ./
# the package pulls its runtime libraries (libwebsockets17, libwebsockets-evlib-uv,
# libuv1, libjansson4, libpq5, libssl3); curl for the HEALTHCHECK
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ./chargefleet_*.deb curl ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/pkg \
 && groupmod -g 10001 chargefleet \
 && usermod -u 10001 -g 10001 chargefleet \
 && mkdir -p /var/lib/chargefleet \
 && chown -R chargefleet:chargefleet /var/lib/chargefleet
WORKDIR /var/lib/chargefleet
# numeric, so Kubernetes' runAsNonRoot can check it
USER 10001:10001
EXPOSE 8080
# serve only: a worker has no HTTP port (compose.yaml disables this check for workers)
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS "${CHARGEFLEET_HEALTH_URL:-http://127.0.0.1:8080/healthz}" >/dev/null || exit 1
ENTRYPOINT ["chargefleet"]
CMD ["serve", "--listen", "0.0.0.0:8080"]
