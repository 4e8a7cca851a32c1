#!/usr/bin/env bash
# Stops the test cluster's processes (by the pids start.sh recorded; nothing else).
# State is kept, so the next start.sh is warm; pass --wipe to delete it as well
# (etcd data, certificates, kubeconfigs, logs).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# reverse start order: the control plane outlives the clients that talk to it
for ((i = ${#KC_COMPONENTS[@]} - 1; i >= 0; i--)); do
  name="${KC_COMPONENTS[$i]}"
  if pid="$(kc_pid "$name")"; then
    kc_log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$KC_RUN/$name.pid"
done

if [[ "${1:-}" == "--wipe" ]]; then
  kc_log "removing $KC_DIR"
  rm -rf "$KC_DIR"
fi
