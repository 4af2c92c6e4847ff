#!/usr/bin/env bash
# Install the PostgreSQL server binaries (initdb, pg_ctl, postgres, psql) from Debian packages, for the
# deployment smoke test (tests/deploy/test_postgres_topology.py). Idempotent: does nothing when
# /usr/lib/postgresql/*/bin/initdb already exists. Does not create or start any cluster: the smoke test
# runs its own throwaway cluster on a free loopback port (scripts/start-postgres.sh).
set -euo pipefail

if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    echo "install-postgres: already installed: $(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)"
    exit 0
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "install-postgres: need root or sudo" >&2; exit 1; }
    SUDO="sudo"
fi

# Debian's postgresql-common would create and start a "main" cluster on port 5432: not wanted here.
$SUDO mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/sealreg-no-main.conf >/dev/null

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends postgresql

compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null \
    || { echo "install-postgres: postgresql installed but no /usr/lib/postgresql/*/bin/initdb" >&2; exit 1; }
echo "install-postgres: installed $(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)"
