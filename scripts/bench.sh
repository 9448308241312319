#!/usr/bin/env bash
# `make bench`: load test of Habiter on PostgreSQL, written to docs/BENCHMARKS.md.
#
# A fresh database `habiter_bench` with the demo data at scale, gunicorn (2 sync workers) on the loopback
# interface with production-like settings, then wrk against the trivial view, the same view behind the login
# (the floor of any logged-in page, the reference of the ratios), the household search, a household page and
# the social worker's home page. Only 127.0.0.1 is ever loaded. Tunable: BENCH_SCALE, BENCH_DURATION, BENCH_CONNECTIONS,
# BENCH_PGHOST, BENCH_PGPORT, BENCH_PGUSER, BENCH_DB, and for the ledger part (manage.py bench_ledger)
# BENCH_LEASES (0: no ledger at scale), BENCH_YEARS, and for the residences' figures (manage.py bench_residences)
# BENCH_RESIDENCES, BENCH_RESIDENCE_YEARS. The dashboard and the reports (manage.py bench_reports) come last, counted
# over the tables that hold the ledger's years and the residences at scale.
set -euo pipefail

cd "$(dirname "$0")/.."
PY=.venv/bin/python

export BENCH_SCALE="${BENCH_SCALE:-20000}"
export BENCH_DURATION="${BENCH_DURATION:-10s}"
export BENCH_CONNECTIONS="${BENCH_CONNECTIONS:-8}"
WARMUP=2s
WORKERS=2
PGHOST_="${BENCH_PGHOST:-127.0.0.1}"
PGPORT_="${BENCH_PGPORT:-5432}"
PGUSER_="${BENCH_PGUSER:-postgres}"
DB="${BENCH_DB:-habiter_bench}"
USERNAME=direction
WORKER_USERNAME=travailleur.social
PASSWORD=demo-habiter-2026 # the documented demo password (seed_demo)
REPORT=docs/BENCHMARKS.md

step() { printf '\n== %s\n' "$*"; }
fail() {
    printf 'bench : %s\n' "$*" >&2
    exit 1
}

WORKDIR=$(mktemp -d)
GUNICORN_PID=""
cleanup() {
    if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID" 2>/dev/null || true
        wait "$GUNICORN_PID" 2>/dev/null || true
    fi
    rm -rf "$WORKDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -----------------------------------------------------------------------------------------
[ -x "$PY" ] || fail "environnement Python absent : lancez d'abord « make install »."
if ! command -v wrk >/dev/null 2>&1; then
    step "Installation de wrk (paquet Debian)"
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }
    fi
    command -v wrk >/dev/null 2>&1 || fail "wrk introuvable : installez le paquet Debian « wrk »."
fi
command -v psql >/dev/null 2>&1 || fail "psql introuvable : installez le paquet Debian « postgresql-client »."

export BENCH_LOAD_BEFORE
BENCH_LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo '?')

# --- PostgreSQL ------------------------------------------------------------------------------------
if ! pg_isready -q -h "$PGHOST_" -p "$PGPORT_"; then
    step "Démarrage de PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
    for _ in $(seq 30); do
        pg_isready -q -h "$PGHOST_" -p "$PGPORT_" && break
        sleep 1
    done
    pg_isready -q -h "$PGHOST_" -p "$PGPORT_" || fail "PostgreSQL ne répond pas sur $PGHOST_:$PGPORT_."
fi
export DATABASE_URL="postgres://$PGUSER_@$PGHOST_:$PGPORT_/$DB"

step "Base $DB : création, migrations, données de démonstration ($BENCH_SCALE ménages)"
SECONDS=0
psql -q -X -v ON_ERROR_STOP=1 -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d postgres \
    -c "SET client_min_messages TO warning" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
DJANGO_SETTINGS_MODULE=habiter.settings.dev $PY manage.py migrate --noinput -v0
DJANGO_SETTINGS_MODULE=habiter.settings.dev $PY manage.py seed_demo --scale "$BENCH_SCALE" --quiet-logins
psql -q -X -h "$PGHOST_" -p "$PGPORT_" -U "$PGUSER_" -d "$DB" -c "VACUUM ANALYZE" >/dev/null
echo "prête en ${SECONDS} s"

# --- the server ------------------------------------------------------------------------------------
export DJANGO_SETTINGS_MODULE=habiter.settings.bench
export HABITER_STATIC_ROOT="$WORKDIR/static"
export HABITER_LOG_LEVEL=ERROR
$PY manage.py collectstatic --noinput -v0

step "Pages chargées et requêtes SQL par page"
TARGETS=$($PY scripts/bench_report.py targets "$WORKDIR/meta.json")
eval "$TARGETS"
printf '  %s\n' "$PATH_TRIVIAL" "$PATH_SESSION" "$PATH_LAYOUT" "$PATH_SEARCH" "$PATH_HOUSEHOLD" "$PATH_HOME"

PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
GUNICORN_OPTS=(--bind "127.0.0.1:$PORT" --workers "$WORKERS" --worker-class sync --error-logfile "$WORKDIR/gunicorn.log")
if .venv/bin/gunicorn --help 2>/dev/null | grep -q -- '--no-control-socket'; then
    GUNICORN_OPTS+=(--no-control-socket)
fi
step "gunicorn sur $BASE ($WORKERS workers sync)"
.venv/bin/gunicorn "${GUNICORN_OPTS[@]}" habiter.wsgi:application &
GUNICORN_PID=$!
for _ in $(seq 100); do
    curl -fsS -o /dev/null "$BASE$PATH_TRIVIAL" 2>/dev/null && break
    kill -0 "$GUNICORN_PID" 2>/dev/null || { cat "$WORKDIR/gunicorn.log" >&2; fail "gunicorn s'est arrêté."; }
    sleep 0.2
done
curl -fsS -o /dev/null "$BASE$PATH_TRIVIAL" || { cat "$WORKDIR/gunicorn.log" >&2; fail "gunicorn ne répond pas."; }

COOKIE=$($PY scripts/bench_report.py login "$BASE" "$USERNAME" "$PASSWORD" "$PATH_SESSION" "$PATH_LAYOUT" "$PATH_SEARCH" "$PATH_HOUSEHOLD")
WORKER_COOKIE=$($PY scripts/bench_report.py login "$BASE" "$WORKER_USERNAME" "$PASSWORD" "$PATH_HOME")

# --- the load --------------------------------------------------------------------------------------
load() { # key path [wrk options…]
    local key=$1 path=$2
    shift 2
    step "wrk $key : $BENCH_CONNECTIONS connexions, $BENCH_DURATION — $path"
    wrk -t2 -c"$BENCH_CONNECTIONS" -d"$WARMUP" "$@" "$BASE$path" >/dev/null
    wrk -t2 -c"$BENCH_CONNECTIONS" -d"$BENCH_DURATION" --latency -s scripts/bench.lua "$@" "$BASE$path" |
        tee "$WORKDIR/$key.txt" | grep -v '^RESULT'
    # Ctrl+C stops wrk (which prints its figures) and gunicorn: stop here rather than load a dead server.
    curl -fsS -o /dev/null "$BASE$PATH_TRIVIAL" 2>/dev/null || fail "gunicorn ne répond plus : arrêt."
}
load trivial "$PATH_TRIVIAL"
load session "$PATH_SESSION" -H "Cookie: $COOKIE"
load layout "$PATH_LAYOUT" -H "Cookie: $COOKIE"
load search "$PATH_SEARCH" -H "Cookie: $COOKIE"
load household "$PATH_HOUSEHOLD" -H "Cookie: $COOKIE"
load home "$PATH_HOME" -H "Cookie: $WORKER_COOKIE"

step "Rapport : $REPORT"
$PY scripts/bench_report.py report "$WORKDIR/meta.json" "$WORKDIR" "$REPORT"

# --- the server stops: the next parts measure in-process ------------------------------------------
kill -TERM "$GUNICORN_PID" 2>/dev/null || true
wait "$GUNICORN_PID" 2>/dev/null || true
GUNICORN_PID=""

# --- the residences' figures at scale --------------------------------------------------------------
export BENCH_RESIDENCES="${BENCH_RESIDENCES:-9}"
export BENCH_RESIDENCE_YEARS="${BENCH_RESIDENCE_YEARS:-10}"
step "Résidences : $BENCH_RESIDENCES résidences, $BENCH_RESIDENCE_YEARS ans de séjours"
DJANGO_SETTINGS_MODULE=habiter.settings.dev $PY manage.py bench_residences \
    --residences "$BENCH_RESIDENCES" --years "$BENCH_RESIDENCE_YEARS" --report "$REPORT"

# --- the ledger at scale ---------------------------------------------------------------------------
export BENCH_LEASES="${BENCH_LEASES:-5000}"
export BENCH_YEARS="${BENCH_YEARS:-10}"
if [ "$BENCH_LEASES" != 0 ]; then
    step "Comptabilité : $BENCH_LEASES baux, $BENCH_YEARS ans d'historique"
    DJANGO_SETTINGS_MODULE=habiter.settings.dev $PY manage.py bench_ledger \
        --leases "$BENCH_LEASES" --years "$BENCH_YEARS" --report "$REPORT"
fi

# --- the dashboard and the reports, once the ledger's years and the residences are in the tables -----
step "Tableau de bord, rapports de l'année écoulée, enregistrement et exports"
DJANGO_SETTINGS_MODULE=habiter.settings.dev $PY manage.py bench_reports --report "$REPORT"
