# Shared settings for start.sh / stop.sh / env.sh (sourced, not run).
# Everything listens on 127.0.0.1 only; ports are fixed, non-default ones so the cluster
# does not collide with a developer's own (override with the CRYPTOKUBE_KUBE_* variables).

KC_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KC_CACHE="${CRYPTOKUBE_CACHE:-$HOME/.cache/cryptokube}/kube"
KC_DIR="${CRYPTOKUBE_KUBE_DIR:-$KC_CACHE/cluster}"
KC_PKI="$KC_DIR/pki"
KC_LOGS="$KC_DIR/logs"
KC_RUN="$KC_DIR/run"
KC_KUBECONFIG="$KC_DIR/kubeconfig"

KC_ETCD_PORT="${CRYPTOKUBE_KUBE_ETCD_PORT:-12379}"
KC_ETCD_PEER_PORT="${CRYPTOKUBE_KUBE_ETCD_PEER_PORT:-12380}"
KC_API_PORT="${CRYPTOKUBE_KUBE_API_PORT:-16443}"
KC_CM_PORT="${CRYPTOKUBE_KUBE_CM_PORT:-16444}"
KC_SCHED_PORT="${CRYPTOKUBE_KUBE_SCHED_PORT:-16445}"
KC_KWOK_PORT="${CRYPTOKUBE_KUBE_KWOK_PORT:-16446}"

KC_SERVER="https://127.0.0.1:$KC_API_PORT"
KC_CONTEXT="cryptokube-test"
KC_COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

# module version of $2 as pinned in $1/go.mod
kc_pinned() { awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1/go.mod"; }

KC_ETCD_VERSION="$(kc_pinned "$KC_HERE/etcd" go.etcd.io/etcd/server/v3)"
KC_K8S_VERSION="$(kc_pinned "$KC_HERE/k8s" k8s.io/kubernetes)"
KC_KWOK_VERSION="$(kc_pinned "$KC_HERE/kwok" sigs.k8s.io/kwok)"
KC_HELM_VERSION="$(kc_pinned "$KC_HERE/helm" helm.sh/helm/v3)"
KC_ETCD_BIN="$KC_CACHE/etcd-$KC_ETCD_VERSION"
KC_K8S_BIN="$KC_CACHE/kubernetes-$KC_K8S_VERSION"
KC_KWOK_BIN="$KC_CACHE/kwok-$KC_KWOK_VERSION"
KC_HELM_BIN="$KC_CACHE/helm-$KC_HELM_VERSION"

kc_log() { printf '[kube-cluster] %s\n' "$*" >&2; }

# pid of a component we started, if it is still alive (and still that program: after a
# reboot the recorded pid may belong to something else)
kc_pid() {
  local file="$KC_RUN/$1.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$1" || return 1
  echo "$pid"
}
