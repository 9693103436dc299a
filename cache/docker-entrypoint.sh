#!/bin/sh
# Starts varnishd in the foreground as PID 1 (exec: it receives SIGTERM itself). Arguments starting with
# "-" are appended to varnishd's; any other command (e.g. the exporter sidecar) runs as is.
set -eu

# Read by the local stack too (cache/src/varnish.ts). vsl_mask: a hit spent ~12 % of its CPU on the
# shared-memory log (npm run bench); what stays is enough to follow a request (varnishlog -g request).
TUNING="-p vsl_mask=-ReqHeader,-RespHeader,-BereqHeader,-BerespHeader,-ObjHeader,-ReqUnset,-RespUnset,-BereqUnset,-BerespUnset,-VCL_call,-VCL_return,-Timestamp,-ReqAcct,-BereqAcct,-ReqProtocol,-RespProtocol,-RespReason,-Storage,-Hit,-ReqStart"

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  # -j none: the jail needs root. -n: a fixed working dir for the exporter and varnishadm.
  # shellcheck disable=SC2086 # $TUNING is split into its words on purpose
  set -- varnishd -F -j none -n "${VARNISH_WORKDIR:-/var/lib/varnish/tilestack}" -a ":${VARNISH_HTTP_PORT:-8080}" \
    -f /etc/varnish/default.vcl -p vcl_path=/etc/varnish \
    -s "malloc,${VARNISH_SIZE:-256M}" -s Transient=malloc,64m $TUNING "$@"
fi
exec "$@"
