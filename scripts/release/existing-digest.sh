#!/usr/bin/env bash
# existing-digest.sh REGISTRY/REPOSITORY:TAG -> the digest the tag already points to, or nothing. Tags are
# immutable and name the commit, so a re-run of delivery reuses that image (build once) instead of failing
# to push. Needs `docker buildx` logged in to the registry (DOCKER overrides the docker command).
set -euo pipefail
ref="${1:?usage: existing-digest.sh REGISTRY/REPOSITORY:TAG}"
# The first digest of the manifest is the one the tag points to (the index), the later ones its platforms'.
manifest="$("${DOCKER:-docker}" buildx imagetools inspect "$ref" --format '{{json .Manifest}}' 2>/dev/null || true)"
digest="$(grep -o '"digest": *"sha256:[0-9a-f]\{64\}"' <<<"$manifest" | head -n 1 | grep -o 'sha256:[0-9a-f]*' || true)"
if [ -n "$digest" ]; then
  echo "existing-digest: $ref is already published as $digest" >&2
  echo "$digest"
else
  echo "existing-digest: $ref is not published yet" >&2
fi
