#!/usr/bin/env bash
# Waits until an environment's public entry exists: the Ingress has its load balancer address and the
# ManagedCertificate is Active. A new environment needs minutes for the first and up to an hour for the
# second (after DNS points the hostname at the address); a running one passes at once. Bounded, one
# progress line per poll; prints waited=true|false (for $GITHUB_OUTPUT: the smoke test then retries longer).
# Env: NAMESPACE (tilestack), ENTRY_TIMEOUT seconds (4200: the certificate's hour + margin), POLL seconds (30),
# KUBECTL (kubectl).
set -euo pipefail
namespace="${NAMESPACE:-tilestack}"
kubectl="${KUBECTL:-kubectl}"
deadline=$((SECONDS + ${ENTRY_TIMEOUT:-4200}))
waited=false
get() { "$kubectl" -n "$namespace" get "$1" tilestack -o "jsonpath=$2"; }

while :; do
  address="$(get ingress '{.status.loadBalancer.ingress[0].ip}')"
  certificate="$(get managedcertificate '{.status.certificateStatus}')"
  if [ -n "$address" ] && [ "$certificate" = Active ]; then break; fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "::error::public entry not ready after ${SECONDS}s: address '${address:-none}', certificate '${certificate:-none}' (does DNS point the hostname at the address?)" >&2
    exit 1
  fi
  echo "entry: address ${address:-pending}, certificate ${certificate:-pending}, ${SECONDS}s so far" >&2
  waited=true
  sleep "${POLL:-30}"
done
echo "entry: address $address, certificate Active" >&2
echo "waited=$waited"
