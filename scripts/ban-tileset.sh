#!/usr/bin/env bash
# Bans every cached object of one tileset (tiles, TileJSON, all data versions) on the Varnish cache, after a
# new copy of its data was published (stable-copy.yml runs it).
#   ban-tileset.sh PROJECT.DATASET.TABLE              every cache pod of the cluster kubectl points at
#   ban-tileset.sh --url URL PROJECT.DATASET.TABLE    one cache reached directly (e.g. the local stack)
# The cache takes `BAN /` + `X-Ban-Tileset: <id>` only from its `purgers` ACL (localhost, the cluster's
# internal ranges; cache/default.vcl), so in the cluster it goes through `kubectl port-forward` to each pod:
# it arrives from the pod's loopback and needs nothing in the image. Needs `pods/portforward`.
# Env: NAMESPACE (tilestack), CACHE_SELECTOR (app.kubernetes.io/name=tilestack-cache), CACHE_PORT (8080),
#      KUBECTL (kubectl).
set -euo pipefail

namespace="${NAMESPACE:-tilestack}"
selector="${CACHE_SELECTOR:-app.kubernetes.io/name=tilestack-cache}"
cache_port="${CACHE_PORT:-8080}"
kubectl="${KUBECTL:-kubectl}"

usage() { sed -n '2,11s/^# \{0,1\}//p' "$0" >&2; exit 2; }

url=""
if [ "${1:-}" = "--url" ]; then
  url="${2:-}"
  [ -n "$url" ] || usage
  shift 2
fi
[ "$#" -eq 1 ] || usage
tileset="$1"
# The same rule the VCL applies; checked here too so a typo fails before touching any cache.
if ! [[ "$tileset" =~ ^[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_-]{1,1024}$ ]]; then
  echo "ban-tileset: \"$tileset\" is not a BigQuery table id (project.dataset.table)" >&2
  exit 2
fi

# BAN / on one cache; succeeds only on Varnish's {"status":"banned"}.
ban() {
  local base="$1" where="$2" body
  if ! body="$(curl -sS --max-time 10 -X BAN -H "X-Ban-Tileset: $tileset" "$base/" 2>&1)"; then
    echo "ban-tileset: $where: request failed: $body" >&2
    return 1
  fi
  if [[ "$body" != *'"banned"'* ]]; then
    echo "ban-tileset: $where: not banned: $body" >&2
    return 1
  fi
  echo "ban-tileset: $where: banned $tileset"
}

if [ -n "$url" ]; then
  ban "${url%/}" "$url"
  exit
fi

mapfile -t pods < <("$kubectl" -n "$namespace" get pods -l "$selector" \
  --field-selector=status.phase=Running -o name)
if [ "${#pods[@]}" -eq 0 ]; then
  echo "ban-tileset: no running pod matches $selector in namespace $namespace" >&2
  exit 1
fi

work="$(mktemp -d)"
forwarder=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  if [ -n "$forwarder" ]; then kill "$forwarder" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

status=0
for pod in "${pods[@]}"; do
  log="$work/${pod#pod/}.log"
  # Port 0 on our side: kubectl picks a free local port and prints it. The log exists before the
  # background job opens it, so the first read below cannot race its redirection.
  : >"$log"
  "$kubectl" -n "$namespace" port-forward "$pod" ":$cache_port" >"$log" 2>&1 &
  forwarder=$!
  local_port=""
  for _ in $(seq 1 100); do
    local_port="$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log" | head -n 1)"
    [ -n "$local_port" ] && break
    kill -0 "$forwarder" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$local_port" ]; then
    echo "ban-tileset: $pod: port-forward did not start: $(cat "$log")" >&2
    status=1
  else
    ban "http://127.0.0.1:$local_port" "$pod" || status=1
  fi
  kill "$forwarder" 2>/dev/null || true
  wait "$forwarder" 2>/dev/null || true
  forwarder=""
done
exit "$status"
