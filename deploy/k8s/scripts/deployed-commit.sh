#!/usr/bin/env bash
# Which commit an environment runs, so that an older delivery run never overwrites a newer one:
#
#   deployed-commit.sh check COMMIT   refuse (exit 1) unless the running commit is COMMIT or an ancestor of it
#                                     (none yet: first deploy); ALLOW_OLDER=true (a deliberate rollback) skips
#   deployed-commit.sh record COMMIT  annotate both Deployments with COMMIT once it is deployed
#
# Needs the repository's history (actions/checkout with fetch-depth: 0). Env: NAMESPACE, KUBECTL.
set -euo pipefail
namespace="${NAMESPACE:-tilestack}"
kubectl="${KUBECTL:-kubectl}"
key=tilestack.dev/commit
commit="${2:?usage: deployed-commit.sh check|record COMMIT}"

case "$1" in
  check)
    running="$("$kubectl" -n "$namespace" get deployment tilestack-api --ignore-not-found \
      -o "jsonpath={.metadata.annotations.tilestack\.dev/commit}")"
    if [ -z "$running" ] || [ "${ALLOW_OLDER:-false}" = true ] || git merge-base --is-ancestor "$running" "$commit"; then
      echo "deployed-commit: running ${running:-nothing yet}, deploying $commit" >&2
    else
      echo "::error::the environment runs $running, which $commit does not contain: refusing to deploy an older commit (roll back deliberately: Delivery, run workflow, rollback)" >&2
      exit 1
    fi
    ;;
  record)
    "$kubectl" -n "$namespace" annotate deployment tilestack-api tilestack-cache "$key=$commit" --overwrite
    ;;
  *)
    echo "usage: deployed-commit.sh check|record COMMIT" >&2
    exit 2
    ;;
esac
