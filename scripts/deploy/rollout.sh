#!/usr/bin/env bash
# The Kubernetes half of a deploy, in the steps deploy.yml calls (or a person, against any cluster):
#   rollout.sh revisions               api=<rev> and cache=<rev>: the Deployments' current revisions
#   rollout.sh apply RENDERED.yaml     kubectl apply -f the rendering check.ts passed
#   rollout.sh wait                    rollout status of both Deployments, bounded by ROLLOUT_TIMEOUT
#   rollout.sh undo API_REV CACHE_REV  roll back each Deployment whose revision moved since `revisions`
# `undo` touches only what this deploy changed: a no-op redeploy or a first deploy undoes nothing.
# Env: NAMESPACE (tilestack), ROLLOUT_TIMEOUT (10m), KUBECTL (kubectl).
set -euo pipefail
kubectl=("${KUBECTL:-kubectl}" -n "${NAMESPACE:-tilestack}")
timeout="${ROLLOUT_TIMEOUT:-10m}"

revision() { # empty when the Deployment does not exist yet
  "${kubectl[@]}" get deployment "tilestack-$1" --ignore-not-found \
    -o "jsonpath={.metadata.annotations.deployment\.kubernetes\.io/revision}"
}
wait_for() {
  echo "rollout: waiting for deployment/tilestack-$1 (timeout $timeout)" >&2
  "${kubectl[@]}" rollout status "deployment/tilestack-$1" --timeout="$timeout"
}

case "${1:-}" in
  revisions) for d in api cache; do echo "$d=$(revision "$d")"; done ;;
  apply) "${KUBECTL:-kubectl}" apply -f "${2:?usage: rollout.sh apply RENDERED.yaml}" ;;
  wait) for d in api cache; do wait_for "$d"; done ;;
  undo)
    [ "$#" -eq 3 ] || { echo "usage: rollout.sh undo API_REV CACHE_REV" >&2; exit 2; }
    declare -A recorded=([api]="$2" [cache]="$3")
    status=0
    for d in api cache; do
      before="${recorded[$d]}" now="$(revision "$d")"
      if [ -z "$before" ] || [ "$before" = "$now" ]; then
        echo "rollout: deployment/tilestack-$d unchanged by this deploy (revision ${before:-none})" >&2
      else
        echo "::warning::rolling deployment/tilestack-$d back from revision ${now:-?} to $before" >&2
        "${kubectl[@]}" rollout undo "deployment/tilestack-$d" --to-revision="$before" || status=1
        wait_for "$d" || status=1
      fi
    done
    exit "$status"
    ;;
  *) sed -n '2,8s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
