#!/usr/bin/env bash
# A real Kubernetes control plane on loopback, for fragctl's tests and for trying the Kubernetes
# verbs on one machine: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK
# (simulated nodes: pods become Running/Ready without a kubelet or containers).
#
#   bash scripts/cluster.sh start [--state DIR]   builds what is missing, starts, prints the admin kubeconfig path (last line)
#   bash scripts/cluster.sh stop  [--state DIR]   stops every process it started (by pid)
#   bash scripts/cluster.sh env   [--state DIR]   prints KUBECONFIG=... for eval
#
# Default state dir: ~/.cache/fragctl/cluster. Everything listens on 127.0.0.1 only.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cmd="${1:-}"; shift || true
state="${FRAGCTL_CLUSTER_STATE:-$HOME/.cache/fragctl/cluster}"
while [ $# -gt 0 ]; do
  case "$1" in
    --state) state="$2"; shift 2 ;;
    *) echo "cluster.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
log() { printf 'cluster: %s\n' "$*" >&2; }

stop() {
  [ -d "$state/pids" ] || return 0
  # The cluster is thrown away with its state folder: nothing to shut down gracefully (one by one,
  # each component's graceful shutdown took 2-3 s, 10 s in all).
  local pids=() name f
  for name in kwok kube-scheduler kube-controller-manager kube-apiserver etcd; do
    f="$state/pids/$name"
    [ -f "$f" ] || continue
    pids+=("$(cat "$f")")
    rm -f "$f"
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  # The controller-manager's hostpath provisioner keeps volumes in /tmp/hostpath_pv/<uid> (a path fixed in
  # Kubernetes, outside the state folder); those of claims still there at the end outlive the kill.
  local volumes=() kubectl v
  kubectl="$(sed -n 's/^KUBECTL=//p' "$state/env" 2>/dev/null)"
  if [ -x "$kubectl" ]; then
    mapfile -t volumes < <("$kubectl" --kubeconfig "$state/admin.kubeconfig" --request-timeout=5s get pv \
      -o jsonpath='{range .items[*]}{.spec.hostPath.path}{"\n"}{end}' 2>/dev/null)
  fi
  kill -9 "${pids[@]}" 2>/dev/null || true
  # kill -0 succeeds while any of them is still there
  for _ in $(seq 1 50); do kill -0 "${pids[@]}" 2>/dev/null || break; sleep 0.1; done
  for v in "${volumes[@]}"; do
    case "$v" in /tmp/hostpath_pv/*/* | *..*) ;; /tmp/hostpath_pv/?*) rm -rf -- "$v" ;; esac
  done
}

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# wait_for NAME URL [CURL_ARGS...]: polls until the URL answers 200, or fails with the process log.
wait_for() {
  local name="$1" url="$2"; shift 2
  for _ in $(seq 1 600); do
    if curl -fsS --max-time 2 "$@" "$url" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$(cat "$state/pids/$name")" 2>/dev/null; then
      log "$name exited; last lines of $state/logs/$name.log:"; tail -20 "$state/logs/$name.log" >&2; stop; exit 1
    fi
    sleep 0.1
  done
  log "$name did not become ready at $url in 60 s (log: $state/logs/$name.log)"; stop; exit 1
}

start_bg() {
  local name="$1"; shift
  "$@" >"$state/logs/$name.log" 2>&1 &
  echo $! >"$state/pids/$name"
}

kubeconfig() { # FILE TOKEN USER
  cat >"$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: fragctl-test
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $state/pki/ca.crt
users:
- name: $3
  user:
    token: $2
contexts:
- name: fragctl-test
  context: { cluster: fragctl-test, user: $3 }
current-context: fragctl-test
KC
  chmod 600 "$1"
}

start() {
  bin="$(bash "$here/cluster/build.sh" | tail -1)"
  stop
  rm -rf "$state"; mkdir -p "$state"/{pids,logs,pki,etcd}
  chmod 700 "$state"
  local t0=$SECONDS
  # PKI: a CA, a serving certificate for 127.0.0.1, the service-account key pair, tokens.
  (cd "$state/pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=fragctl-test-ca 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=kube-apiserver 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n' >san.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
  admin_token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  viewer_token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  printf '%s,admin,admin,system:masters\n%s,restricted,restricted\n' "$admin_token" "$viewer_token" >"$state/pki/tokens.csv"
  chmod 600 "$state/pki/"*
  etcd_port="$(free_port)"; etcd_peer="$(free_port)"; api_port="$(free_port)"
  cm_port="$(free_port)"; sched_port="$(free_port)"; kwok_port="$(free_port)"
  kubeconfig "$state/admin.kubeconfig" "$admin_token" admin
  kubeconfig "$state/restricted.kubeconfig" "$viewer_token" restricted

  start_bg etcd "$bin/etcd" --name fragctl-test --data-dir "$state/etcd" --unsafe-no-fsync \
    --listen-client-urls "http://127.0.0.1:$etcd_port" --advertise-client-urls "http://127.0.0.1:$etcd_port" \
    --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
    --initial-cluster "fragctl-test=http://127.0.0.1:$etcd_peer" --log-level warn --quota-backend-bytes 1073741824
  wait_for etcd "http://127.0.0.1:$etcd_port/health"

  start_bg kube-apiserver "$bin/kube-apiserver" --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$api_port" \
    --endpoint-reconciler-type none --tls-cert-file "$state/pki/server.crt" --tls-private-key-file "$state/pki/server.key" \
    --client-ca-file "$state/pki/ca.crt" --token-auth-file "$state/pki/tokens.csv" --authorization-mode RBAC \
    --allow-privileged=true --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$state/pki/sa.pub" --service-account-signing-key-file "$state/pki/sa.key" \
    --service-cluster-ip-range 10.96.0.0/16 --kubelet-preferred-address-types InternalIP --profiling=false --v=1
  wait_for kube-apiserver "https://127.0.0.1:$api_port/readyz" --cacert "$state/pki/ca.crt" -H "Authorization: Bearer $admin_token"

  # The controllers fragctl's objects need (names as in cmd/kube-controller-manager/names).
  local controllers=""
  for c in serviceaccount serviceaccount-token namespace garbage-collector replicaset deployment statefulset daemonset \
    job cronjob ttl-after-finished persistentvolume-binder persistentvolumeclaim-protection persistentvolume-protection \
    endpoints endpointslice node-lifecycle pod-garbage-collector root-ca-certificate-publisher clusterrole-aggregation; do
    controllers+="${controllers:+,}$c-controller"
  done
  start_bg kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$state/admin.kubeconfig" \
    --authentication-kubeconfig "$state/admin.kubeconfig" --authorization-kubeconfig "$state/admin.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port "$cm_port" \
    --service-account-private-key-file "$state/pki/sa.key" --root-ca-file "$state/pki/ca.crt" \
    --enable-hostpath-provisioner --pvclaimbinder-sync-period 2s --profiling=false \
    --controllers "$controllers"
  start_bg kube-scheduler "$bin/kube-scheduler" --kubeconfig "$state/admin.kubeconfig" \
    --authentication-kubeconfig "$state/admin.kubeconfig" --authorization-kubeconfig "$state/admin.kubeconfig" \
    --leader-elect=false --bind-address 127.0.0.1 --secure-port "$sched_port" --profiling=false
  # KWOK's configuration: the project's stages, and logs for every container (served through the
  # apiserver's log proxy like a kubelet's, so `kubectl logs` and fragctl read them for real).
  cp "$root/test/cluster/kwok/stages.yaml" "$state/kwok.yaml"
  printf -- '---\napiVersion: kwok.x-k8s.io/v1alpha1\nkind: ClusterLogs\nmetadata: { name: fragctl-test-logs }\nspec:\n  logs:\n  - logsFile: %s\n    follow: false\n' \
    "$root/test/cluster/kwok/container-log.cri" >>"$state/kwok.yaml"
  start_bg kwok "$bin/kwok" --kubeconfig "$state/admin.kubeconfig" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --node-ip 127.0.0.1 --cidr 10.244.0.0/16 \
    --server-address "127.0.0.1:$kwok_port" --node-port "$kwok_port" -c "$state/kwok.yaml"
  wait_for kube-controller-manager "https://127.0.0.1:$cm_port/healthz" -k
  wait_for kube-scheduler "https://127.0.0.1:$sched_port/readyz" -k

  local kc=("$bin/kubectl" --kubeconfig "$state/admin.kubeconfig")
  "${kc[@]}" apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-1
  annotations: { kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0" }
  labels: { kubernetes.io/hostname: kwok-node-1, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok }
status:
  allocatable: { cpu: "32", memory: 256Gi, pods: "110" }
  capacity: { cpu: "32", memory: 256Gi, pods: "110" }
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: { storageclass.kubernetes.io/is-default-class: "true" }
provisioner: kubernetes.io/host-path
reclaimPolicy: Delete
volumeBindingMode: Immediate
YAML
  for _ in $(seq 1 600); do
    if "${kc[@]}" get sa default -n default >/dev/null 2>&1 \
      && [ "$("${kc[@]}" get node kwok-node-1 -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; then
      ready=1; break
    fi
    sleep 0.1
  done
  [ "${ready:-}" = 1 ] || { log "the default ServiceAccount or the node did not become ready in 60 s"; stop; exit 1; }
  # Written whole, then renamed: its existence says the cluster is ready (test/helpers/cluster.ts waits for it).
  printf 'KUBECTL=%s\nKUBECONFIG=%s\nRESTRICTED_KUBECONFIG=%s\n' "$bin/kubectl" "$state/admin.kubeconfig" "$state/restricted.kubeconfig" >"$state/env.tmp"
  mv "$state/env.tmp" "$state/env"
  log "ready in $((SECONDS - t0)) s: $("${kc[@]}" version -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1) at https://127.0.0.1:$api_port (state $state)"
  echo "$state/admin.kubeconfig"
}

case "$cmd" in
  start) start ;;
  stop) stop; log "stopped ($state)" ;;
  env) cat "$state/env" ;;
  build) bash "$here/cluster/build.sh" ;;
  *) echo "usage: cluster.sh start|stop|env|build [--state DIR]" >&2; exit 2 ;;
esac
