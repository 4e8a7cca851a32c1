#!/usr/bin/env bash
# Prints the shell lines that point kubectl/helm/cryptokube at the test cluster:
#   eval "$(bash scripts/kube-cluster/env.sh)"
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
echo "export KUBECONFIG=$KC_KUBECONFIG"
echo "export PATH=$KC_K8S_BIN:$KC_HELM_BIN:\$PATH"
