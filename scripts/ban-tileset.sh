#!/usr/bin/env bash
# Bans every cached object of one tileset (tiles, TileJSON, all data versions) on the Varnish cache, after a
# new copy of its data was published (stable-copy.yml runs it).
#   ban-tileset.sh PROJECT.DATASET.TABLE              every cache pod of the cluster kubectl points at
#   ban-tileset.sh --url URL PROJECT.DATASET.TABLE    one cache reached directly (e.g. the local stack)
# The cache takes BAN only from its `purgers` ACL (cache/default.vcl), so in the cluster the request goes
# through `kubectl port-forward` to each pod (from its loopback; needs `pods/portforward`, nothing in the image).
# Env: NAMESPACE (tilestack), CACHE_SELECTOR (app.kubernetes.io/name=tilestack-cache), CACHE_PORT (8080), KUBECTL.
set -euo pipefail
kubectl=("${KUBECTL:-kubectl}" -n "${NAMESPACE:-tilestack}")
selector="${CACHE_SELECTOR:-app.kubernetes.io/name=tilestack-cache}"

usage() { sed -n '2,8s/^# \{0,1\}//p' "$0" >&2; exit 2; }
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
  local body
  body="$(curl -sS --max-time 10 -X BAN -H "X-Ban-Tileset: $tileset" "$1/" 2>&1)" || true
  if [[ "$body" != *'"banned"'* ]]; then
    echo "ban-tileset: $2: not banned: $body" >&2
    return 1
  fi
  echo "ban-tileset: $2: banned $tileset"
}

if [ -n "$url" ]; then
  ban "${url%/}" "$url"
  exit
fi

mapfile -t pods < <("${kubectl[@]}" get pods -l "$selector" --field-selector=status.phase=Running -o name)
if [ "${#pods[@]}" -eq 0 ]; then
  echo "ban-tileset: no running pod matches $selector" >&2
  exit 1
fi
forwarder=""
trap '[ -z "$forwarder" ] || kill "$forwarder" 2>/dev/null || true' EXIT
status=0
for pod in "${pods[@]}"; do
  # Port 0 on our side: kubectl picks a free local port and prints it first ("Forwarding from 127.0.0.1:N").
  exec {out}< <(exec "${kubectl[@]}" port-forward "$pod" ":${CACHE_PORT:-8080}" 2>&1)
  forwarder=$!
  line=""
  read -r -t 10 line <&"$out" || true
  if [[ "$line" =~ ^Forwarding\ from\ 127\.0\.0\.1:([0-9]+) ]]; then
    ban "http://127.0.0.1:${BASH_REMATCH[1]}" "$pod" || status=1
  else
    echo "ban-tileset: $pod: port-forward did not start: $line" >&2
    status=1
  fi
  kill "$forwarder" 2>/dev/null || true
  exec {out}<&-
  forwarder=""
done
exit "$status"
