#!/bin/bash
# Warms a fresh varnishd before its pod turns ready (deploy/k8s/base/cache.yaml, container `warmer`), one
# tile at a time (a trickle for the API, not every client's misses at once), then writes WARM_DONE (probes
# check it). `warm --stay` then waits for SIGTERM (a container that exits would be restarted, warm again).
#   VARNISH_HTTP_PORT  the cache to warm, on 127.0.0.1 (default 8080)
#   WARM_LIST          file of paths, one per line; default: zooms 0..WARM_MAX_ZOOM (3) of each tileset in
#                      WARM_TILESETS (comma-separated): every map view starts there, whatever the traffic
#   WARM_SECONDS       time budget (default 300): past it the cache turns ready, warm or not
#   WARM_DONE          mark written when done (default /tmp/warm.done)
set -eu
port=${VARNISH_HTTP_PORT:-8080}
deadline=$((SECONDS + ${WARM_SECONDS:-300}))

paths() {
  if [ -n "${WARM_LIST:-}" ]; then cat "$WARM_LIST"; return; fi
  local IFS=, tileset z x y
  for tileset in ${WARM_TILESETS:-}; do
    for ((z = 0; z <= ${WARM_MAX_ZOOM:-3}; z++)); do
      for ((x = 0; x < 1 << z; x++)); do
        for ((y = 0; y < 1 << z; y++)); do echo "/maps/tileset/$tileset/$z/$x/$y"; done
      done
    done
  done
}

# One GET on its own connection (bash's /dev/tcp: the image has no curl); prints the status, 000 if none.
get() {
  local status=000
  if exec 3<>"/dev/tcp/127.0.0.1/$port"; then
    printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n' "$1" >&3
    read -r _ status _ <&3 || status=000
    cat <&3 >/dev/null
    exec 3<&-
  fi
  echo "$status"
}

until [ "$(get /_cache/health 2>/dev/null)" = 200 ] || [ "$SECONDS" -ge "$deadline" ]; do sleep 1; done
warmed=0 failed=0
while read -r path; do
  if [ "$SECONDS" -ge "$deadline" ]; then echo "warm: time budget spent"; break; fi
  case "$(get "$path")" in 2* | 3*) warmed=$((warmed + 1)) ;; *) failed=$((failed + 1)) ;; esac
done < <(paths)
echo "warm: $warmed cached, $failed failed, ${SECONDS}s"
touch "${WARM_DONE:-/tmp/warm.done}"
if [ "${1:-}" = --stay ]; then
  sleep infinity &
  trap 'kill $!; exit 0' TERM
  wait
fi
