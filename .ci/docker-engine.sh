#!/usr/bin/env bash
# Installs and starts a private Docker engine for the container-target self-tests (CI only: the tests skip
# locally without one). Recipe: ../shared/docs/docker-here.md. Source it: it exports DOCKER_HOST and friends.
set -euo pipefail
engine_dir=/var/lib/anomalies-docker
if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
fi
mkdir -p "$engine_dir"
export DOCKER_HOST="unix://$engine_dir/docker.sock"
if ! docker info >/dev/null 2>&1; then
  nohup dockerd --iptables=false --bridge=none --storage-driver=vfs --data-root "$engine_dir/data" \
    -H "$DOCKER_HOST" --pidfile "$engine_dir/docker.pid" >"$engine_dir/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -20 "$engine_dir/dockerd.log" >&2; echo "the Docker engine did not start" >&2; exit 1; }
fi
# Testcontainers 4.x speaks API 1.44 by default; Debian's engine 20.10 speaks 1.41. The resource reaper's
# image cannot be pulled here, so the suite disposes its containers itself.
export DOCKER_API_VERSION=1.41 TESTCONTAINERS_RYUK_DISABLED=true
