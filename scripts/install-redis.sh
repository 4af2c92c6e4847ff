#!/usr/bin/env bash
# Install Debian's redis-server (the Celery broker of docker-compose.yml's "celery" profile), for the
# deployment smoke test (tests/deploy/test_postgres_topology.py). Idempotent: does nothing when
# redis-server is already on PATH. Starts no server: the smoke test runs its own on a free loopback
# port, and the package's own service is kept from starting during the install (policy-rc.d).
set -euo pipefail

if command -v redis-server >/dev/null; then
    echo "install-redis: already installed: $(redis-server --version | head -1)"
    exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install-redis: need root or sudo" >&2; exit 1; }
    SUDO="sudo"
fi

# Without systemd the package's postinst would start a redis on 127.0.0.1:6379 through invoke-rc.d;
# a temporary policy-rc.d (exit 101 = "action forbidden") keeps it from starting.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    own_policy=true
fi
cleanup() { if $own_policy; then $SUDO rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends redis-server

command -v redis-server >/dev/null || { echo "install-redis: redis-server installed but not on PATH" >&2; exit 1; }
echo "install-redis: installed $(redis-server --version | head -1)"
