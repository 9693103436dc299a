#!/usr/bin/env bash
# CI step for the images: prepare a container engine, then `npm run test:containers`.
# .ci/run calls it after `npm test`. With a Docker engine present it only runs the tests; otherwise
# (this kind of machine: no Docker, no registry) it sets up root podman and builds local stand-ins of
# the base images with the shared scripts (../shared/tools/containers/README.md). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools=${CONTAINER_TOOLS:-../shared/tools/containers}

if docker version >/dev/null 2>&1 && ! docker --version 2>/dev/null | grep -qi podman; then
  echo "containers: using docker $(docker version --format '{{.Server.Version}}')"
else
  "$tools/podman-setup.sh"
  # bootstrap-base-images.sh finds the Debian mirrors in the apt sources, but exits (pipefail) when
  # /etc/apt/sources.list does not exist; give them explicitly, from the deb822 sources when present.
  uri() { grep -h '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -E "$1" | head -n 1 || true; }
  MIRROR=${MIRROR:-$(uri '/debian/?$')}
  SEC_MIRROR=${SEC_MIRROR:-$(uri '/debian-security/?$')}
  export MIRROR=${MIRROR:-http://deb.debian.org/debian} SEC_MIRROR=${SEC_MIRROR:-http://deb.debian.org/debian-security}
  "$tools/bootstrap-base-images.sh"
fi

npm run test:containers
