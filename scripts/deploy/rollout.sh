#!/usr/bin/env bash
# The Kubernetes half of a deploy, in steps the deploy workflow calls one by one (and a person can run
# by hand against any cluster kubectl points at):
#
#   rollout.sh revisions               print api=<rev> and cache=<rev>: the Deployments' current revisions
#   rollout.sh apply RENDERED.yaml     kubectl apply -f RENDERED.yaml (the manifests check.ts passed)
#   rollout.sh wait                    kubectl rollout status for both Deployments, bounded by ROLLOUT_TIMEOUT
#   rollout.sh undo API_REV CACHE_REV  roll each Deployment whose revision moved since `revisions` back to the
#                                      recorded one (rollout undo --to-revision), then wait for it
#
# `undo` touches only the Deployments this deploy changed: a redeploy of the same digests changes nothing and
# so undoes nothing, and the first deploy (no recorded revision) has nothing to go back to.
# Env: NAMESPACE (tilestack), ROLLOUT_TIMEOUT (10m), KUBECTL (kubectl).
set -euo pipefail

namespace="${NAMESPACE:-tilestack}"
timeout="${ROLLOUT_TIMEOUT:-10m}"
kubectl="${KUBECTL:-kubectl}"
# name in outputs -> Deployment
deployments=(api:tilestack-api cache:tilestack-cache)

revision() {
  # Empty when the Deployment does not exist yet (first deploy).
  "$kubectl" -n "$namespace" get deployment "$1" --ignore-not-found \
    -o "jsonpath={.metadata.annotations.deployment\.kubernetes\.io/revision}"
}

wait_for() {
  echo "rollout: waiting for deployment/$1 (timeout $timeout)" >&2
  "$kubectl" -n "$namespace" rollout status "deployment/$1" --timeout="$timeout"
}

case "${1:-}" in
  revisions)
    for pair in "${deployments[@]}"; do
      echo "${pair%%:*}=$(revision "${pair#*:}")"
    done
    ;;
  apply)
    rendered="${2:?usage: rollout.sh apply RENDERED.yaml}"
    "$kubectl" apply -f "$rendered"
    ;;
  wait)
    for pair in "${deployments[@]}"; do
      wait_for "${pair#*:}"
    done
    ;;
  undo)
    [ "$#" -eq 3 ] || { echo "usage: rollout.sh undo API_REV CACHE_REV" >&2; exit 2; }
    declare -A recorded=([api]="$2" [cache]="$3")
    status=0
    for pair in "${deployments[@]}"; do
      key="${pair%%:*}"
      name="${pair#*:}"
      before="${recorded[$key]}"
      now="$(revision "$name")"
      if [ -z "$before" ]; then
        echo "rollout: deployment/$name did not exist before this deploy: nothing to roll back to" >&2
      elif [ "$before" = "$now" ]; then
        echo "rollout: deployment/$name still at revision $before: unchanged by this deploy" >&2
      else
        echo "::warning::rolling deployment/$name back from revision ${now:-?} to $before" >&2
        "$kubectl" -n "$namespace" rollout undo "deployment/$name" --to-revision="$before" || status=1
        wait_for "$name" || status=1
      fi
    done
    exit "$status"
    ;;
  *)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2
    exit 2
    ;;
esac
