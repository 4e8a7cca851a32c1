#!/usr/bin/env bash
# Builds the test-cluster binaries from the pinned Go modules next to this script:
#   etcd/ -> etcd (go.etcd.io/etcd/server/v3; Debian's etcd 3.4.23 lacks what the 1.37
#            API server's watch lists need, see README.md)
#   k8s/  -> kube-apiserver, kube-controller-manager, kube-scheduler, kubectl (k8s.io/kubernetes)
#   kwok/ -> kwok (sigs.k8s.io/kwok)
#   helm/ -> helm (helm.sh/helm/v3)
# into ${CRYPTOKUBE_CACHE:-$HOME/.cache/cryptokube}/kube/<name>-<version>/.
# Each output dir carries a stamp holding the sha256 of its go.mod+go.sum; when the stamp
# matches and the binaries exist the build is skipped, so a warm run takes well under a second.
# Usage: build.sh [etcd|k8s|kwok|helm ...]   (default: all). Prints the bin dirs as NAME=DIR lines on stdout.
set -euo pipefail

# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$KC_HERE"
mkdir -p "$KC_CACHE"
# Concurrent callers (a test run and a shell) wait for one build instead of duplicating it.
exec 9>"$KC_CACHE/.build.lock"
flock 9

log() { printf '[kube-cluster build] %s\n' "$*" >&2; }

stamp_of() { cat "$1/go.mod" "$1/go.sum" | sha256sum | cut -c1-64; }

# build_module DIR OUTDIR LDFLAGS PKG[=BINARY]... ; a binary is named after the last path
# element of its package unless =BINARY names it
build_module() {
  local dir="$1" out="$2" ldflags="$3"
  shift 3
  local want have="" missing=0 pkg
  want="$(stamp_of "$dir")"
  [[ -f "$out/.stamp" ]] && have="$(cat "$out/.stamp")"
  for pkg in "$@"; do
    local bin="${pkg##*/}"
    [[ "$pkg" == *=* ]] && bin="${pkg#*=}"
    [[ -x "$out/$bin" ]] || missing=1
  done
  if [[ "$want" == "$have" && $missing -eq 0 ]]; then
    log "$(basename "$out") up to date"
    return 0
  fi
  log "building $(basename "$out") ($*) (a cold build takes minutes)"
  mkdir -p "$out"
  rm -f "$out/.stamp"
  local started=$SECONDS
  local plain=() named
  for pkg in "$@"; do [[ "$pkg" == *=* ]] || plain+=("$pkg"); done
  if ((${#plain[@]} > 0)); then
    (cd "$dir" && nice -n 10 go build -mod=readonly -trimpath -ldflags "-s -w $ldflags" -o "$out/" "${plain[@]}")
  fi
  for named in "$@"; do
    [[ "$named" == *=* ]] || continue
    (cd "$dir" && nice -n 10 go build -mod=readonly -trimpath -ldflags "-s -w $ldflags" -o "$out/${named#*=}" "${named%%=*}")
  done
  echo "$want" >"$out/.stamp"
  log "built $(basename "$out") in $((SECONDS - started))s"
}

targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(etcd k8s kwok helm)

for t in "${targets[@]}"; do
  case "$t" in
  k8s)
    v="$KC_K8S_VERSION"
    minor="${v#v1.}"
    minor="${minor%%.*}"
    lf=""
    for p in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
      lf+=" -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
      lf+=" -X $p.buildDate=1970-01-01T00:00:00Z"
    done
    build_module "$here/k8s" "$KC_K8S_BIN" "$lf" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
    echo "K8S_BIN=$KC_K8S_BIN"
    ;;
  etcd)
    build_module "$here/etcd" "$KC_ETCD_BIN" "" go.etcd.io/etcd/server/v3=etcd
    echo "ETCD_BIN=$KC_ETCD_BIN"
    ;;
  kwok)
    v="$KC_KWOK_VERSION"
    build_module "$here/kwok" "$KC_KWOK_BIN" "-X sigs.k8s.io/kwok/pkg/consts.Version=${v#v}" sigs.k8s.io/kwok/cmd/kwok
    echo "KWOK_BIN=$KC_KWOK_BIN"
    ;;
  helm)
    v="$KC_HELM_VERSION"
    build_module "$here/helm" "$KC_HELM_BIN" "-X helm.sh/helm/v3/internal/version.version=${v%.*}" helm.sh/helm/v3/cmd/helm
    echo "HELM_BIN=$KC_HELM_BIN"
    ;;
  *)
    log "unknown target '$t' (expected etcd, k8s, kwok or helm)"
    exit 2
    ;;
  esac
done
