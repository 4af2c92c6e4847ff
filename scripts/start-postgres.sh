#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback, for the deployment smoke test.
#
#   scripts/start-postgres.sh start BASE PORT [DB [USER [PASSWORD]]]
#       initdb BASE/data (if new), start the server on 127.0.0.1:PORT (unix socket in BASE/socket, log in
#       BASE/postgres.log), create USER (password auth, scram-sha-256 over TCP) and DB owned by USER.
#       Prints the SQLAlchemy URL on stdout: postgresql+psycopg2://USER:PASSWORD@127.0.0.1:PORT/DB
#   scripts/start-postgres.sh stop BASE
#       fast shutdown (no error if it is not running).
#
# The server never runs as root: when called as root it runs as the OS user $PG_OS_USER (default
# "postgres", created as a system user if missing) through runuser, and BASE is chowned to that user.
# Binaries: the newest /usr/lib/postgresql/*/bin (install with scripts/install-postgres.sh).
set -euo pipefail

usage() { sed -n '2,14p' "$0" >&2; exit 64; }
[[ $# -ge 2 ]] || usage
action=$1
base=$(realpath -m "$2")
PG_OS_USER=${PG_OS_USER:-postgres}

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [[ -z "$pgbin" || ! -x "$pgbin/initdb" ]]; then
    echo "start-postgres: initdb not found under /usr/lib/postgresql/*/bin; run scripts/install-postgres.sh" >&2
    exit 2
fi

as_pg() {
    if [[ "$(id -u)" -eq 0 ]]; then
        runuser -u "$PG_OS_USER" -- "$@"
    else
        "$@"
    fi
}

cd /  # the server user may not be able to enter the caller's working directory

case "$action" in
start)
    [[ $# -ge 3 ]] || usage
    port=$3 db=${4:-airflow} user=${5:-airflow} password=${6:-airflow}
    mkdir -p "$base"
    if [[ "$(id -u)" -eq 0 ]]; then
        id -u "$PG_OS_USER" >/dev/null 2>&1 \
            || useradd --system --user-group --home-dir /var/lib/postgresql --shell /usr/sbin/nologin "$PG_OS_USER"
        chown -R "$PG_OS_USER": "$base"
    fi
    chmod 700 "$base"
    as_pg mkdir -p "$base/socket"
    fresh=false
    if [[ ! -f "$base/data/PG_VERSION" ]]; then
        as_pg "$pgbin/initdb" --pgdata="$base/data" --username=postgres --encoding=UTF8 --locale=C \
            --auth-local=trust --auth-host=scram-sha-256 >"$base/initdb.log" 2>&1 \
            || { cat "$base/initdb.log" >&2; exit 1; }
        fresh=true
    fi
    # Loopback only. Durability settings off: this cluster is thrown away after the test.
    as_pg "$pgbin/pg_ctl" --pgdata="$base/data" --log="$base/postgres.log" --wait --timeout=60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $base/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >&2 || { tail -n 50 "$base/postgres.log" >&2; exit 1; }
    if $fresh; then
        as_pg "$pgbin/psql" -X -q -h "$base/socket" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
            -v user="$user" -v pw="$password" -v db="$db" <<'SQL'
CREATE ROLE :"user" LOGIN PASSWORD :'pw';
CREATE DATABASE :"db" OWNER :"user";
SQL
    fi
    echo "postgresql+psycopg2://${user}:${password}@127.0.0.1:${port}/${db}"
    ;;
stop)
    if [[ -f "$base/data/postmaster.pid" ]]; then
        as_pg "$pgbin/pg_ctl" --pgdata="$base/data" --mode=fast --wait --timeout=60 stop >&2 \
            || as_pg "$pgbin/pg_ctl" --pgdata="$base/data" --mode=immediate --wait stop >&2
    fi
    ;;
*)
    usage
    ;;
esac
