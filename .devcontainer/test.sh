#!/bin/sh
# Entry point of compose.yaml's `test` service: `docker compose run --rm test [command]`.
# Copies the checkout (mounted read-only at /src) without its node_modules, which may hold another OS's
# builds, installs the locked dependencies and runs `npm test` (or the command given). Nothing is written
# to the host, so it works whatever the host user's uid (Linux, macOS, CI runners).
set -eu
cd /home/node/tilestack
tar -C /src --exclude=node_modules -cf - . | tar -xf -
# No install scripts: on this image's Node 24 none is needed (the one native addon, better-sqlite3, is the
# Node 20 fallback for node:sqlite, and would take minutes to compile); esbuild's binary is a dependency.
npm ci --prefer-offline --ignore-scripts --no-audit --no-fund --no-progress --loglevel=error
if [ "$#" -eq 0 ]; then set -- npm test; fi
exec "$@"
