#!/usr/bin/env bash
# Builds the test control plane from the Go module proxy into a cache outside the work tree:
#   ~/.cache/fragctl/kube-<version>-<hash of the three go.sum files>/bin
# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl (test/cluster/kube),
# etcd (test/cluster/etcd) and kwok (test/cluster/kwok). Prints the bin directory on its last line.
# A machine that built once reuses the binaries; a cold build takes tens of minutes on 2 cores.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
mods="$root/test/cluster"
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
version="$(cat "$mods/kube/VERSION")"
key="$(cat "$mods"/kube/go.sum "$mods"/etcd/go.sum "$mods"/kwok/go.sum | sha256sum | cut -c1-12)"
bin="${FRAGCTL_CACHE:-$HOME/.cache/fragctl}/kube-$version-$key/bin"
log() { printf 'cluster: %s\n' "$*" >&2; }

want=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)
missing=0
for b in "${want[@]}"; do [ -x "$bin/$b" ] || missing=1; done
if [ "$missing" = 0 ]; then echo "$bin"; exit 0; fi

command -v go >/dev/null || { log "go is not installed (needed once to build the test control plane)"; exit 1; }
mkdir -p "$bin.partial"
minor="${version#v1.}"; minor="${minor%%.*}"
date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ld=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ld+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ld+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
done
start=$SECONDS
if [ ! -x "$bin.partial/kube-apiserver" ] || [ ! -x "$bin.partial/kubectl" ]; then
  log "building Kubernetes $version (first time: about 10 min on 2 cores with an empty Go cache)"
  (cd "$mods/kube" && go build -trimpath -ldflags "-s -w$ld" -o "$bin.partial/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
fi
if [ ! -x "$bin.partial/etcd" ]; then
  log "building etcd"
  (cd "$mods/etcd" && go build -trimpath -ldflags "-s -w" -o "$bin.partial/etcd" go.etcd.io/etcd/server/v3)
fi
if [ ! -x "$bin.partial/kwok" ]; then
  log "building kwok"
  (cd "$mods/kwok" && go build -trimpath -ldflags "-s -w" -o "$bin.partial/kwok" sigs.k8s.io/kwok/cmd/kwok)
fi
rm -rf "$bin" && mv "$bin.partial" "$bin"
log "built in $((SECONDS - start)) s"
echo "$bin"
