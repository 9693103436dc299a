#!/usr/bin/env bash
# Prints the digest an image tag already points to in the registry, or nothing when the tag is absent.
#
#   existing-digest.sh REGISTRY/REPOSITORY:TAG
#
# The registry's tags are immutable and the tag is the commit SHA, so a re-run of the delivery workflow
# for a commit that was already published reuses that image (build once) instead of failing to push.
# Needs `docker buildx` logged in to the registry (DOCKER overrides the docker command).
set -euo pipefail
ref="${1:?usage: existing-digest.sh REGISTRY/REPOSITORY:TAG}"
if manifest="$("${DOCKER:-docker}" buildx imagetools inspect "$ref" --format '{{json .Manifest}}' 2>/dev/null)"; then
  # {"schemaVersion": 2, "mediaType": …, "digest": "sha256:…", "size": …, "manifests": [...]}: the first
  # digest is the one the tag points to (the index), the later ones its per-platform manifests.
  digest="$(grep -o '"digest": *"sha256:[0-9a-f]\{64\}"' <<<"$manifest" | head -n 1 | grep -o 'sha256:[0-9a-f]*' || true)"
  if [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]]; then
    echo "existing-digest: $ref is already published as $digest" >&2
    echo "$digest"
    exit 0
  fi
fi
echo "existing-digest: $ref is not published yet" >&2
