#!/bin/sh
# Starts varnishd in the foreground as PID 1 (exec), so it receives SIGTERM itself and the container
# stops when it does. Arguments starting with "-" are appended to varnishd's; any other command
# (for example the exporter: `prometheus-varnish-exporter -n /var/lib/varnish/tilestack`) runs as is.
set -eu

# Tuning, measured with `npm run bench` (docs/benchmarks.md); the local stack (cache/src/varnish.ts) reads
# this line, so every environment runs the same settings. vsl_mask: a hit spent ~12 % of its CPU writing
# headers, VCL steps and timestamps (printf) to the shared-memory log. What stays is enough to follow a
# request (varnishlog -g request: URL, status, backend, errors); `varnishadm param.set vsl_mask +ReqHeader`
# brings a tag back while debugging.
TUNING="-p vsl_mask=-ReqHeader,-RespHeader,-BereqHeader,-BerespHeader,-ObjHeader,-ReqUnset,-RespUnset,-BereqUnset,-BerespUnset,-VCL_call,-VCL_return,-Timestamp,-ReqAcct,-BereqAcct,-ReqProtocol,-RespProtocol,-RespReason,-Storage,-Hit,-ReqStart"

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  # -j none: no privilege-separation jail, which needs root; the container already runs as varnish.
  # -n: a fixed working dir, so the exporter sidecar and varnishadm/varnishstat find it.
  # vcl_path: default.vcl includes environment.vcl from the same folder (compose's is built in,
  #   Kubernetes mounts its own). Transient storage is bounded too (it defaults to unlimited malloc).
  # shellcheck disable=SC2086 # $TUNING is split into its words on purpose
  set -- varnishd -F -j none \
    -n "${VARNISH_WORKDIR:-/var/lib/varnish/tilestack}" \
    -a ":${VARNISH_HTTP_PORT:-8080}" \
    -f /etc/varnish/default.vcl \
    -p vcl_path=/etc/varnish \
    -s "malloc,${VARNISH_SIZE:-256M}" \
    -s Transient=malloc,64m \
    $TUNING \
    "$@"
fi
exec "$@"
