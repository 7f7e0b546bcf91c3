#!/usr/bin/env bash
# Throwaway PostgreSQL + PostGIS + pgRouting cluster for bench/peer_network_pgrouting.py.
#
#   bench/setup-pgrouting.sh [start|stop|status|destroy]
#
# Reuses ../shared/bench/setup-postgis.sh (trust auth on a Unix socket, durability and JIT
# off; see its header) with its own folder and port, so it never meets the pipeline bench's
# PostGIS cluster, then adds the pgRouting extension (Debian postgresql-15-pgrouting, 3.4)
# and psycopg in the network bench's venv. Environment (defaults in brackets; the peer uses
# the same): PEERPG_DIR [${TMPDIR:-/tmp}/networkpg], PEERPG_PORT [55433], PEERPG_DB
# [networkbench], PEERPG_MEM [512MB], VENV [${TMPDIR:-/tmp}/networkvenv].
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
SETUP="$HERE/../../shared/bench/setup-postgis.sh"
[ -x "$SETUP" ] || SETUP="$(cd "$HERE/../.." && pwd)/shared/bench/setup-postgis.sh"
export PEERPG_DIR="${PEERPG_DIR:-${TMPDIR:-/tmp}/networkpg}"
export PEERPG_PORT="${PEERPG_PORT:-55433}"
export PEERPG_DB="${PEERPG_DB:-networkbench}"
export PEERPG_MEM="${PEERPG_MEM:-512MB}"
export VENV="${VENV:-${TMPDIR:-/tmp}/networkvenv}"
ACTION="${1:-start}"
if [ "$ACTION" = start ]; then
  if ! dpkg -s postgresql-15-pgrouting >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] && sudo=() || sudo=(sudo)
    DEBIAN_FRONTEND=noninteractive "${sudo[@]+"${sudo[@]}"}" apt-get install -y -q --no-install-recommends postgresql-15-pgrouting
  fi
  bash "$SETUP" start
  user=postgres; [ "$(id -u)" -eq 0 ] || user="$(id -un)"
  psql=(/usr/lib/postgresql/15/bin/psql -X -q -v ON_ERROR_STOP=1 -h "$PEERPG_DIR/socket" -p "$PEERPG_PORT" -U "$user" -d "$PEERPG_DB")
  "${psql[@]}" -c "CREATE EXTENSION IF NOT EXISTS pgrouting" -tAc "SELECT 'pgrouting: ' || pgr_version()" >&2
else
  bash "$SETUP" "$ACTION"
fi
