#!/usr/bin/env bash
# image-refs.sh REGISTRY API_DIGEST CACHE_DIGEST -> api=REGISTRY/api@sha256:… and cache=… ($GITHUB_OUTPUT
# lines), refusing anything that is not a digest: a tag can move, a digest names the bytes that were tested.
set -euo pipefail
[ "$#" -eq 3 ] || { echo "usage: image-refs.sh REGISTRY API_DIGEST CACHE_DIGEST" >&2; exit 2; }
registry="${1%/}"
if ! [[ "$registry" =~ ^[a-z0-9][a-z0-9.-]*(:[0-9]+)?(/[a-z0-9][a-z0-9._-]*)+$ ]]; then
  echo "image-refs: \"$registry\" is not a registry path like us-central1-docker.pkg.dev/PROJECT/tilestack" >&2
  exit 2
fi
status=0
for pair in "api=$2" "cache=$3"; do
  name="${pair%%=*}" digest="${pair#*=}"
  if [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
    echo "$name=$registry/$name@$digest"
  else
    echo "image-refs: $name digest \"$digest\" must match ^sha256:[0-9a-f]{64}\$ (tags are refused)" >&2
    status=2
  fi
done
exit "$status"
