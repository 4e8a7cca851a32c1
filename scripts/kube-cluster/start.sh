#!/usr/bin/env bash
# Starts the CryptoKube test cluster on loopback: etcd (built from its pinned module),
# kube-apiserver, kube-controller-manager, kube-scheduler (from the pinned
# k8s.io/kubernetes module) and kwok (simulated nodes, pods and volumes).
# Idempotent: components already running are left alone; a warm start takes seconds.
# State, certificates and logs live under $CRYPTOKUBE_KUBE_DIR (default
# ~/.cache/cryptokube/kube/cluster); the admin kubeconfig is $KC_DIR/kubeconfig.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WAIT_SECONDS="${CRYPTOKUBE_KUBE_WAIT:-120}"

# etcd: built from the pinned module by default; CRYPTOKUBE_KUBE_ETCD=/usr/bin/etcd uses another
# binary (Debian's 3.4.23 starts, but see README.md for why watches then degrade).
ETCD="${CRYPTOKUBE_KUBE_ETCD:-$KC_ETCD_BIN/etcd}"
if [[ -z "${CRYPTOKUBE_KUBE_ETCD:-}" ]]; then
  bash "$KC_HERE/build.sh" etcd k8s kwok >/dev/null
else
  bash "$KC_HERE/build.sh" k8s kwok >/dev/null
fi
kubectl() { "$KC_K8S_BIN/kubectl" --kubeconfig "$KC_KUBECONFIG" "$@"; }

mkdir -p "$KC_PKI" "$KC_LOGS" "$KC_RUN" "$KC_DIR/etcd"
chmod 700 "$KC_DIR" "$KC_PKI"

# --- certificates (openssl, generated once) -------------------------------------------
openssl_quiet() { openssl "$@" 2>/dev/null; }

# client_cert NAME CN [O]: a client certificate signed by the cluster CA
client_cert() {
  local name="$1" cn="$2" org="${3:-}" subj
  [[ -f "$KC_PKI/$name.crt" ]] && return 0
  subj="/CN=$cn"
  [[ -n "$org" ]] && subj="/O=$org$subj"
  openssl_quiet genrsa -out "$KC_PKI/$name.key" 2048
  openssl_quiet req -new -key "$KC_PKI/$name.key" -subj "$subj" -out "$KC_PKI/$name.csr"
  printf 'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$KC_PKI/$name.ext"
  openssl_quiet x509 -req -in "$KC_PKI/$name.csr" -CA "$KC_PKI/ca.crt" -CAkey "$KC_PKI/ca.key" \
    -CAcreateserial -days 3650 -extfile "$KC_PKI/$name.ext" -out "$KC_PKI/$name.crt"
  rm -f "$KC_PKI/$name.csr" "$KC_PKI/$name.ext"
}

if [[ ! -f "$KC_PKI/ca.crt" ]]; then
  kc_log "generating certificates in $KC_PKI"
  openssl_quiet req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=cryptokube-test-ca" \
    -keyout "$KC_PKI/ca.key" -out "$KC_PKI/ca.crt"
fi
if [[ ! -f "$KC_PKI/apiserver.crt" ]]; then
  openssl_quiet genrsa -out "$KC_PKI/apiserver.key" 2048
  openssl_quiet req -new -key "$KC_PKI/apiserver.key" -subj "/CN=kube-apiserver" -out "$KC_PKI/apiserver.csr"
  cat >"$KC_PKI/apiserver.ext" <<'EOF'
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
  openssl_quiet x509 -req -in "$KC_PKI/apiserver.csr" -CA "$KC_PKI/ca.crt" -CAkey "$KC_PKI/ca.key" \
    -CAcreateserial -days 3650 -extfile "$KC_PKI/apiserver.ext" -out "$KC_PKI/apiserver.crt"
  rm -f "$KC_PKI/apiserver.csr" "$KC_PKI/apiserver.ext"
fi
if [[ ! -f "$KC_PKI/sa.key" ]]; then
  openssl_quiet genrsa -out "$KC_PKI/sa.key" 2048
  openssl_quiet rsa -in "$KC_PKI/sa.key" -pubout -out "$KC_PKI/sa.pub"
fi
client_cert admin cryptokube-admin system:masters
client_cert controller-manager system:kube-controller-manager
client_cert scheduler system:kube-scheduler
# kwok stands in for every kubelet and for a volume provisioner, so it gets cluster-admin.
client_cert kwok kwok-controller system:masters
chmod 600 "$KC_PKI"/*.key

# --- kubeconfigs ---------------------------------------------------------------------
write_kubeconfig() {
  local file="$1" cert="$2" context="$3"
  [[ -f "$file" ]] && return 0
  local k=("$KC_K8S_BIN/kubectl" --kubeconfig "$file.tmp")
  rm -f "$file.tmp"
  "${k[@]}" config set-cluster "$context" --server "$KC_SERVER" --certificate-authority "$KC_PKI/ca.crt" --embed-certs >/dev/null
  "${k[@]}" config set-credentials "$context" --client-certificate "$KC_PKI/$cert.crt" --client-key "$KC_PKI/$cert.key" --embed-certs >/dev/null
  "${k[@]}" config set-context "$context" --cluster "$context" --user "$context" --namespace default >/dev/null
  "${k[@]}" config use-context "$context" >/dev/null
  chmod 600 "$file.tmp"
  mv "$file.tmp" "$file"
}
write_kubeconfig "$KC_KUBECONFIG" admin "$KC_CONTEXT"
write_kubeconfig "$KC_DIR/controller-manager.kubeconfig" controller-manager kube-controller-manager
write_kubeconfig "$KC_DIR/scheduler.kubeconfig" scheduler kube-scheduler
write_kubeconfig "$KC_DIR/kwok.kubeconfig" kwok kwok

cat >"$KC_DIR/scheduler.yaml" <<EOF
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: $KC_DIR/scheduler.kubeconfig
leaderElection:
  leaderElect: false
EOF

# --- processes -----------------------------------------------------------------------
# launch NAME CMD...: start in its own session, output to logs/NAME.log, pid in run/NAME.pid
launch() {
  local name="$1"
  shift
  if pid="$(kc_pid "$name")"; then
    kc_log "$name already running (pid $pid)"
    return 0
  fi
  kc_log "starting $name (log: $KC_LOGS/$name.log)"
  setsid "$@" >>"$KC_LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$KC_RUN/$name.pid"
}

# wait_for WHAT CMD...: retry CMD every 0.5s until it succeeds or WAIT_SECONDS pass
wait_for() {
  local what="$1" started=$SECONDS next_note=10
  shift
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS - started >= WAIT_SECONDS)); then
      kc_log "timed out after ${WAIT_SECONDS}s waiting for $what; see the logs in $KC_LOGS"
      return 1
    fi
    if ((SECONDS - started >= next_note)); then
      kc_log "still waiting for $what ($((SECONDS - started))s)"
      next_note=$((next_note + 10))
    fi
    sleep 0.5
  done
  kc_log "$what ready ($((SECONDS - started))s)"
}

curl_api() { curl -fsS --cacert "$KC_PKI/ca.crt" --cert "$KC_PKI/admin.crt" --key "$KC_PKI/admin.key" "$KC_SERVER$1"; }

launch etcd "$ETCD" --name cryptokube-test --data-dir "$KC_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$KC_ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$KC_ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$KC_ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$KC_ETCD_PEER_PORT" \
  --initial-cluster "cryptokube-test=http://127.0.0.1:$KC_ETCD_PEER_PORT" \
  --listen-metrics-urls "" --quota-backend-bytes 2147483648
wait_for etcd curl -fsS "http://127.0.0.1:$KC_ETCD_PORT/health"

launch kube-apiserver "$KC_K8S_BIN/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$KC_ETCD_PORT" \
  --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$KC_API_PORT" \
  --tls-cert-file "$KC_PKI/apiserver.crt" --tls-private-key-file "$KC_PKI/apiserver.key" \
  --client-ca-file "$KC_PKI/ca.crt" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$KC_PKI/sa.pub" --service-account-signing-key-file "$KC_PKI/sa.key" \
  --service-cluster-ip-range 10.96.0.0/16 \
  --authorization-mode Node,RBAC \
  --enable-admission-plugins NodeRestriction \
  --admission-control-config-file "$KC_HERE/admission.yaml" \
  --allow-privileged=false --profiling=false --endpoint-reconciler-type none
wait_for "kube-apiserver /readyz" curl_api /readyz

launch kube-controller-manager "$KC_K8S_BIN/kube-controller-manager" \
  --kubeconfig "$KC_DIR/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$KC_DIR/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$KC_DIR/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$KC_CM_PORT" \
  --controllers '*' --use-service-account-credentials \
  --service-account-private-key-file "$KC_PKI/sa.key" --root-ca-file "$KC_PKI/ca.crt" \
  --cluster-signing-cert-file "$KC_PKI/ca.crt" --cluster-signing-key-file "$KC_PKI/ca.key" \
  --leader-elect=false --profiling=false
launch kube-scheduler "$KC_K8S_BIN/kube-scheduler" --config "$KC_DIR/scheduler.yaml" \
  --authentication-kubeconfig "$KC_DIR/scheduler.kubeconfig" \
  --authorization-kubeconfig "$KC_DIR/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --secure-port "$KC_SCHED_PORT" --profiling=false
launch kwok "$KC_KWOK_BIN/kwok" --kubeconfig "$KC_DIR/kwok.kubeconfig" \
  --config "$KC_HERE/stages.yaml" \
  --manage-all-nodes=false --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
  --node-lease-duration-seconds 40 \
  --server-address "127.0.0.1:$KC_KWOK_PORT" --node-ip 127.0.0.1 --cidr 10.244.0.1/16

wait_for kube-controller-manager curl -fsSk "https://127.0.0.1:$KC_CM_PORT/healthz"
wait_for kube-scheduler curl -fsSk "https://127.0.0.1:$KC_SCHED_PORT/healthz"

kubectl apply --server-side --field-manager cryptokube-test-cluster -f "$KC_HERE/cluster-objects.yaml" >/dev/null
wait_for "kwok nodes" kubectl wait --for=condition=Ready node -l type=kwok --timeout=5s
wait_for "default ServiceAccount" kubectl get serviceaccount default -n default

# helm is not part of the cluster, but the tests and `cryptokube render --format helm` use it
bash "$KC_HERE/build.sh" helm >/dev/null
kc_log "cluster up: $KC_SERVER (context $KC_CONTEXT)"
echo "export KUBECONFIG=$KC_KUBECONFIG"
