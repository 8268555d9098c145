#!/usr/bin/env bash
# Installs everything fragctl and its tests need on a fresh machine: npm packages, a Python venv
# with the AWS emulator (moto), cfn-lint and the full `ansible` package (ansible-core plus the
# collections ops repositories use; scripts/requirements.txt), and the Debian packages for the test peers
# (sshd for Ansible test hosts, docker-registry for promotions); the tests' kubectl is built with the
# test control plane (below), at the server's version.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'setup: %s\n' "$*" >&2; }

case "${1:-}" in
  '' | --bench | --no-cluster) ;;
  *)
    log "unknown option: $1 (use --bench, --no-cluster or nothing)"
    exit 2
    ;;
esac

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# The venv's Python: FRAGCTL_PYTHON when set; else the distribution's /usr/bin/python3 when it is
# 3.11 or later (ansible-core's floor) and can make venvs, since distributions build it with
# profile-guided and link-time optimisation, which pyenv's builds skip by default (here Ansible
# starts on a quarter less CPU); else python3 from PATH.
can_venv() { "$1" -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }
venv_python() {
  if [ -n "${FRAGCTL_PYTHON:-}" ]; then
    echo "$FRAGCTL_PYTHON"
  elif can_venv /usr/bin/python3; then
    echo /usr/bin/python3
  else
    echo python3
  fi
}

# The Python venv is built once per requirements file and Python, in a cache outside the work
# tree (~/.cache/fragctl/venv-<hash>), and linked as .venv: a clean clone (as CI makes) reuses
# it instead of spending a minute in pip. A venv cannot move (its scripts name their python by
# absolute path), so it is built in place, under a lock, and marked complete only at the end.
venv_ok() { [ -x "$1/bin/ansible-playbook" ] && [ -x "$1/bin/moto_server" ] && [ -x "$1/bin/cfn-lint" ]; }
python=$(venv_python)
if ! can_venv "$python"; then
  log "$python is not a Python 3.11 or later that can make venvs (ansible-core needs 3.11+; on Debian: apt-get install python3-venv${FRAGCTL_PYTHON:+; or unset FRAGCTL_PYTHON})"
  exit 2
fi
key=$({ cat scripts/requirements.txt; command -v "$python"; "$python" --version; } | sha256sum | cut -c1-16)
venv="${FRAGCTL_CACHE:-$HOME/.cache/fragctl}/venv-$key"
if [ "$(readlink .venv 2>/dev/null)" != "$venv" ] || ! venv_ok .venv; then
  mkdir -p "$(dirname "$venv")"
  (
    flock 9
    if [ ! -f "$venv/.complete" ] || ! venv_ok "$venv"; then
      log "python venv with moto[server], cfn-lint and ansible ($venv, from $python)"
      rm -rf "$venv"
      "$python" -m venv "$venv"
      "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/requirements.txt
      touch "$venv/.complete"
    fi
  ) 9>"$venv.lock"
  rm -rf .venv
  ln -s "$venv" .venv
fi

# Benchmarks only (`bash scripts/setup.sh --bench` or FRAGCTL_BENCH=1): the full `ansible` package
# (amazon.aws's aws_ec2 inventory plugin, which bench/hosts.ts compares with) in a venv of its own.
if { [ "${1:-}" = "--bench" ] || [ -n "${FRAGCTL_BENCH:-}" ]; } && [ ! -x .venv/ansible-full/bin/ansible-inventory ]; then
  log "full ansible + boto3 for the inventory benchmark (.venv/ansible-full)"
  "$python" -m venv .venv/ansible-full
  .venv/ansible-full/bin/pip install --quiet --disable-pip-version-check 'ansible>=9' boto3
fi

need_apt=()
[ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)
command -v docker-registry >/dev/null 2>&1 || need_apt+=(docker-registry)
command -v ssh >/dev/null 2>&1 || need_apt+=(openssh-client)
# zsh and fish: the completion scripts are tested in the shells they are for.
command -v zsh >/dev/null 2>&1 || need_apt+=(zsh)
command -v fish >/dev/null 2>&1 || need_apt+=(fish)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  # docker-registry's package starts a system service on :5000; tests start their own.
  $SUDO systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi
mkdir -p /run/sshd 2>/dev/null || true

# A throwaway key for the demo and the tests (keys/*.pem is never committed).
if [ ! -f keys/frag-deploy.pem ]; then
  log "generating keys/frag-deploy.pem (demo key)"
  ssh-keygen -q -t ed25519 -N '' -C fragctl-demo -f keys/frag-deploy.pem
  mv keys/frag-deploy.pem.pub keys/frag-deploy.pub
fi
chmod 600 keys/frag-deploy.pem

# The Kubernetes control plane the tests run on (kube-apiserver, controller-manager, scheduler,
# kubectl, etcd, kwok), built once from the Go module proxy into ~/.cache/fragctl (tens of minutes
# the first time on 2 cores; seconds when cached). See scripts/cluster.sh.
if [ "${1:-}" != "--no-cluster" ]; then
  command -v go >/dev/null 2>&1 || need_go=1
  if [ -n "${need_go:-}" ]; then log "go is missing: install Go >= 1.25 (the test control plane is built from Go modules)"; exit 1; fi
  bash scripts/cluster/build.sh >/dev/null
fi

# The bundle is built again when a source, the build script or the dependencies are newer than it
# (test/integration/foundation/demo.test.ts applies the same rule).
if [ ! -f dist/fragctl.js ] || [ -n "$(find src bin scripts/build.mjs package-lock.json -type f -newer dist/fragctl.js -print -quit 2>/dev/null)" ]; then
  log "build"
  npm run --silent build
fi
log "ready"
