#!/usr/bin/env bash
# Throwaway PostgreSQL 15 and Redis for the JobSafety integration tests.
#
#   scripts/services.sh start    install (only if missing), start, wait until both accept connections
#   scripts/services.sh stop     stop both (only the instances this script manages)
#   scripts/services.sh status   report both; exit 0 when both answer, 3 otherwise
#   scripts/services.sh env      print the `export JOBSAFETY_TEST_PG=...` / `JOBSAFETY_TEST_REDIS=...` lines
#                                (use: eval "$(scripts/services.sh env)")
#
# The servers listen on loopback only, on non-default ports (PostgreSQL 55432, Redis 56379; override with
# JOBSAFETY_PG_PORT / JOBSAFETY_REDIS_PORT), with trust auth, no fsync and no persistence: they are for
# tests only. State lives in <repo>/.services/ (gitignored). `start` is idempotent: a server that already
# answers on its port is reused. Installing needs root (apt-get); the machine image runs as root.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
SERVICES_DIR="$REPO_ROOT/.services"

PG_PORT="${JOBSAFETY_PG_PORT:-55432}"
REDIS_PORT="${JOBSAFETY_REDIS_PORT:-56379}"
PG_BIN=/usr/lib/postgresql/15/bin
PG_USER=postgres
START_TIMEOUT="${JOBSAFETY_SERVICES_TIMEOUT:-30}" # seconds to wait for each server to accept connections

REDIS_DIR="$SERVICES_DIR/redis"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"
APT_LOG="$SERVICES_DIR/apt.log"

log() { printf 'services.sh: %s\n' "$*"; }

# fail STEP COMMAND LOGFILE HINT: explain which step failed and how to recover, then exit 1.
fail() {
    local step="$1" cmd="$2" logfile="$3" hint="$4"
    {
        printf '\nservices.sh: ERROR while %s\n' "$step"
        printf '  command : %s\n' "$cmd"
        if [[ -n "$logfile" && -f "$logfile" ]]; then
            printf '  last lines of %s:\n' "$logfile"
            tail -n 25 "$logfile" | sed 's/^/    | /'
        elif [[ -n "$logfile" ]]; then
            printf '  (log file %s does not exist)\n' "$logfile"
        fi
        printf '  try     : %s\n\n' "$hint"
    } >&2
    exit 1
}

# --- PostgreSQL locations ----------------------------------------------------------------------------
# initdb/postgres refuse to run as root, so the cluster belongs to the postgres user, which must be able to
# traverse every directory above the data dir. When the repo lies somewhere postgres cannot enter (e.g. a
# 0700 home or work directory owned by root) the cluster goes to /tmp/jobsafety-services-<uid>/<cksum of the
# repo path>/ instead.
# The unix socket dir is separate from the data dir, and also moves to /tmp when its path would be too long
# for a unix socket (sun_path is 108 bytes, ".s.PGSQL.<port>" included).
pg_can_traverse() {
    id -u "$PG_USER" >/dev/null 2>&1 || return 1
    (cd / && runuser -u "$PG_USER" -- test -x "$1") 2>/dev/null
}

pg_locate() {
    # one sub-directory per checkout, so that two checkouts on other ports do not share a cluster
    local fallback
    PG_FALLBACK_ROOT="/tmp/jobsafety-services-$(id -u)"
    fallback="/tmp/jobsafety-services-$(id -u)/$(printf '%s' "$REPO_ROOT" | cksum | cut -d' ' -f1)"
    if pg_can_traverse "$REPO_ROOT"; then
        PG_BASE="$SERVICES_DIR/postgres"
    else
        PG_BASE="$fallback/postgres"
    fi
    PG_DATA="$PG_BASE/data"
    PG_LOG="$PG_BASE/postgres.log"
    PG_INITDB_LOG="$PG_BASE/initdb.log"
    PG_SOCK="$PG_BASE/sock"
    if (( ${#PG_SOCK} + 20 > 100 )); then
        PG_SOCK="$fallback/pgsock"
    fi
}

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 2 >/dev/null 2>&1; }
redis_ready() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

as_pg() { (cd / && runuser -u "$PG_USER" -- "$@"); }

# Run a command that leaves a daemon behind with no inherited descriptor other than 0-2. Otherwise the
# daemon keeps our lock files (and any fd of the caller, e.g. test.sh's lock) open and locked forever.
without_inherited_fds() {
    (
        cd /
        for fd in /proc/$BASHPID/fd/*; do
            fd="${fd##*/}"
            if (( fd > 2 )); then eval "exec $fd>&-" 2>/dev/null || true; fi
        done
        exec "$@"
    )
}

# --- install -----------------------------------------------------------------------------------------
ensure_installed() {
    local missing=()
    [[ -x "$PG_BIN/pg_ctl" && -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_isready" && -x "$PG_BIN/psql" ]] || missing+=("PostgreSQL 15 ($PG_BIN/pg_ctl)")
    id -u "$PG_USER" >/dev/null 2>&1 || missing+=("the '$PG_USER' user")
    command -v redis-server >/dev/null 2>&1 || missing+=("redis-server")
    command -v redis-cli >/dev/null 2>&1 || missing+=("redis-cli")
    (( ${#missing[@]} == 0 )) && return 0

    log "missing: ${missing[*]} -> installing postgresql redis-server from the Debian packages"
    if [[ "$(id -u)" != 0 ]]; then
        fail "installing the test services" "apt-get install -y postgresql redis-server" "" \
            "this needs root; run 'sudo apt-get install -y postgresql-15 redis-server' once, then re-run"
    fi
    : >"$APT_LOG"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get update >>"$APT_LOG" 2>&1; then
        fail "refreshing the package lists" "apt-get update" "$APT_LOG" \
            "check network access / the apt sources, then re-run 'scripts/services.sh start'"
    fi
    if ! apt-get install -y postgresql redis-server >>"$APT_LOG" 2>&1; then
        fail "installing PostgreSQL and Redis" "apt-get install -y postgresql redis-server" "$APT_LOG" \
            "run the command by hand to see what apt needs (e.g. 'dpkg --configure -a'), then re-run"
    fi
    [[ -x "$PG_BIN/pg_ctl" ]] || fail "installing PostgreSQL" "apt-get install -y postgresql" "$APT_LOG" \
        "the installed PostgreSQL is not version 15 ($PG_BIN missing); install postgresql-15 explicitly"
    command -v redis-server >/dev/null 2>&1 || fail "installing Redis" "apt-get install -y redis-server" "$APT_LOG" \
        "redis-server is still not on PATH; install it by hand and re-run"
    log "installed (log: $APT_LOG)"
}

# --- PostgreSQL --------------------------------------------------------------------------------------
# Is PID alive and a postgres process using our data dir?
pg_pid_is_ours() {
    local pid="$1"
    [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/cmdline" ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$PG_DATA"
}

# The tests log in as postgres without a password: check that the server at the port lets them.
pg_check_login() {
    local out
    if ! out="$(PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -XAtqc 'select 1' 2>&1)"; then
        mkdir -p "$SERVICES_DIR"
        printf '%s\n' "$out" >"$SERVICES_DIR/psql-check.log"
        fail "$1" "psql -h 127.0.0.1 -p $PG_PORT -U postgres -d postgres -c 'select 1'" "$SERVICES_DIR/psql-check.log" \
            "something else listens on port $PG_PORT ('ss -ltnp | grep $PG_PORT'); stop it or set JOBSAFETY_PG_PORT"
    fi
}

pg_clear_stale() {
    local pidfile="$PG_DATA/postmaster.pid" pid
    if [[ -f "$pidfile" ]]; then
        pid="$(head -n 1 "$pidfile" 2>/dev/null || true)"
        if pg_pid_is_ours "$pid"; then
            # Our postmaster is alive but does not answer: maybe still starting or recovering. Give it a
            # moment, otherwise stop it hard and start afresh (the data is throwaway).
            log "PostgreSQL (pid $pid) is running but not answering on port $PG_PORT; waiting ${START_TIMEOUT}s"
            if wait_for pg_ready; then return 0; fi
            log "stopping the unresponsive PostgreSQL (pid $pid)"
            as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 20 stop >/dev/null 2>&1 || kill -9 "$pid" 2>/dev/null || true
            sleep 1
        fi
        log "removing stale $pidfile (pid ${pid:-?} is not a running server of this data dir)"
        rm -f "$pidfile"
    fi
    # Lock files of the socket dir follow the same rule; the dir is ours alone.
    rm -f "$PG_SOCK"/.s.PGSQL."$PG_PORT" "$PG_SOCK"/.s.PGSQL."$PG_PORT".lock
}

wait_for() { # wait_for CHECK_FUNCTION: poll for START_TIMEOUT seconds
    local deadline=$((SECONDS + START_TIMEOUT))
    until "$1"; do
        (( SECONDS >= deadline )) && return 1
        sleep 0.2
    done
}

pg_start() {
    pg_locate
    if pg_ready; then
        pg_check_login "reusing the PostgreSQL server that already answers on 127.0.0.1:$PG_PORT"
        log "PostgreSQL: reusing the server already answering on 127.0.0.1:$PG_PORT"
        return 0
    fi

    mkdir -p "$PG_BASE" "$PG_SOCK"
    [[ "$PG_BASE" == "$SERVICES_DIR"/* ]] && chmod 0755 "$SERVICES_DIR" # postgres must traverse it
    chown "$PG_USER:" "$PG_BASE" "$PG_SOCK"
    chmod 0700 "$PG_BASE" "$PG_SOCK"
    if [[ -d "$PG_FALLBACK_ROOT" ]]; then # postgres must traverse the fallback dirs, whatever the umask
        find "$PG_FALLBACK_ROOT" -maxdepth 1 -type d -user "$(id -u)" -exec chmod 0755 {} +
    fi
    if [[ "$PG_BASE" == /tmp/* ]]; then
        log "PostgreSQL: '$PG_USER' cannot traverse $SERVICES_DIR, using $PG_BASE instead"
    fi

    # A data dir left half-initialised, or by another major version, is simply recreated: it is throwaway.
    if [[ -d "$PG_DATA" && "$(cat "$PG_DATA/PG_VERSION" 2>/dev/null || true)" != 15 ]]; then
        log "PostgreSQL: $PG_DATA is not a complete PostgreSQL 15 cluster; recreating it"
        rm -rf "$PG_DATA"
    fi
    if [[ ! -d "$PG_DATA" ]]; then
        log "PostgreSQL: initdb $PG_DATA"
        if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
            >"$PG_INITDB_LOG" 2>&1; then
            rm -rf "$PG_DATA"
            fail "initialising the PostgreSQL data dir" \
                "runuser -u $PG_USER -- $PG_BIN/initdb -D $PG_DATA -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" \
                "$PG_INITDB_LOG" "check free disk space and that '$PG_USER' can write to $PG_BASE"
        fi
    fi

    pg_clear_stale
    if pg_ready; then
        pg_check_login "checking the PostgreSQL server that came back on 127.0.0.1:$PG_PORT"
        log "PostgreSQL: ready on 127.0.0.1:$PG_PORT"
        return 0
    fi

    local opts="-p $PG_PORT -k $PG_SOCK -c listen_addresses=127.0.0.1 -c fsync=off"
    opts+=" -c max_prepared_transactions=20 -c max_connections=300"
    local cmd=("$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$START_TIMEOUT" -o "$opts" start)
    log "PostgreSQL: starting on 127.0.0.1:$PG_PORT (data $PG_DATA, log $PG_LOG)"
    if ! without_inherited_fds runuser -u "$PG_USER" -- "${cmd[@]}" </dev/null >/dev/null 2>"$PG_BASE/pg_ctl.err"; then
        cat "$PG_BASE/pg_ctl.err" >>"$PG_LOG" 2>/dev/null || true
        fail "starting PostgreSQL" "runuser -u $PG_USER -- ${cmd[*]@Q}" "$PG_LOG" \
            "if the port is taken, see 'ss -ltnp | grep $PG_PORT'; otherwise 'scripts/services.sh stop', 'rm -rf $PG_BASE' and start again"
    fi
    if ! wait_for pg_ready; then
        fail "waiting for PostgreSQL to accept connections" "$PG_BIN/pg_isready -h 127.0.0.1 -p $PG_PORT" "$PG_LOG" \
            "the server started but does not accept TCP connections on 127.0.0.1:$PG_PORT within ${START_TIMEOUT}s"
    fi
    pg_check_login "logging in to the new PostgreSQL server"
    log "PostgreSQL: ready on 127.0.0.1:$PG_PORT"
}

pg_stop() {
    pg_locate
    if [[ -f "$PG_DATA/postmaster.pid" ]] && pg_pid_is_ours "$(head -n 1 "$PG_DATA/postmaster.pid")"; then
        if as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>"$PG_BASE/pg_ctl.err"; then
            log "PostgreSQL: stopped"
        else
            fail "stopping PostgreSQL" "runuser -u $PG_USER -- $PG_BIN/pg_ctl -D $PG_DATA -m fast stop" \
                "$PG_BASE/pg_ctl.err" "kill the postgres processes of $PG_DATA by pid"
        fi
    elif pg_ready; then
        log "PostgreSQL: a server answers on port $PG_PORT but it is not ours ($PG_DATA); left alone"
    else
        log "PostgreSQL: not running"
    fi
}

# --- Redis -------------------------------------------------------------------------------------------
redis_start() {
    if redis_ready; then
        log "Redis: reusing the server already answering on 127.0.0.1:$REDIS_PORT"
        return 0
    fi
    mkdir -p "$REDIS_DIR"
    if [[ -f "$REDIS_PIDFILE" ]]; then
        local pid
        pid="$(cat "$REDIS_PIDFILE" 2>/dev/null || true)"
        if [[ "$pid" =~ ^[0-9]+$ && "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == redis-server* ]]; then
            log "Redis (pid $pid) is running but does not answer; killing it"
            kill "$pid" 2>/dev/null || true
            sleep 1
            kill -9 "$pid" 2>/dev/null || true
        fi
        log "removing stale $REDIS_PIDFILE"
        rm -f "$REDIS_PIDFILE"
    fi
    local cmd=(redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no
        --dir "$REDIS_DIR" --daemonize yes --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG")
    log "Redis: starting on 127.0.0.1:$REDIS_PORT (log $REDIS_LOG)"
    if ! without_inherited_fds "${cmd[@]}" </dev/null >>"$REDIS_LOG" 2>&1; then
        fail "starting Redis" "${cmd[*]@Q}" "$REDIS_LOG" \
            "if the port is taken, see 'ss -ltnp | grep $REDIS_PORT'"
    fi
    if ! wait_for redis_ready; then
        fail "waiting for Redis to accept connections" "redis-cli -h 127.0.0.1 -p $REDIS_PORT ping" "$REDIS_LOG" \
            "Redis did not answer PONG within ${START_TIMEOUT}s; see the log above"
    fi
    log "Redis: ready on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
    if redis_ready; then
        if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || ! redis_ready; then
            log "Redis: stopped"
        else
            fail "stopping Redis" "redis-cli -p $REDIS_PORT shutdown nosave" "$REDIS_LOG" "kill the redis-server pid in $REDIS_PIDFILE"
        fi
    else
        log "Redis: not running"
    fi
    rm -f "$REDIS_PIDFILE"
}

# --- commands ----------------------------------------------------------------------------------------
print_env() {
    printf "export JOBSAFETY_TEST_PG='Host=127.0.0.1;Port=%s;Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50;Timeout=10'\n" "$PG_PORT"
    printf "export JOBSAFETY_TEST_REDIS='127.0.0.1:%s,abortConnect=false,connectTimeout=5000,syncTimeout=30000,asyncTimeout=30000'\n" "$REDIS_PORT"
}

status() {
    local rc=0
    pg_locate
    if pg_ready; then log "PostgreSQL: up on 127.0.0.1:$PG_PORT (data $PG_DATA)"; else log "PostgreSQL: down (port $PG_PORT)"; rc=3; fi
    if command -v redis-cli >/dev/null 2>&1 && redis_ready; then
        log "Redis: up on 127.0.0.1:$REDIS_PORT"
    else
        log "Redis: down (port $REDIS_PORT)"; rc=3
    fi
    return "$rc"
}

# Serialise start/stop of concurrent invocations (several engineers/runs may share one checkout).
# Processes other than services.sh that hold the lock file open are ignored: servers started by an older
# version of this script inherited the descriptor and keep the lock for as long as they run.
lock_holders() { # pids, other than our own, that have the lock file open
    local lock="$1" p fd
    for p in /proc/[0-9]*; do
        [[ "${p#/proc/}" == "$$" || "${p#/proc/}" == "$BASHPID" ]] && continue
        for fd in "$p"/fd/*; do
            if [[ "$(readlink "$fd" 2>/dev/null)" == "$lock" ]]; then echo "${p#/proc/}"; break; fi
        done
    done 2>/dev/null
}

with_lock() {
    local lock="$SERVICES_DIR/.lock" deadline=$((SECONDS + 300)) pid only_servers
    mkdir -p "$SERVICES_DIR"
    exec 9>"$lock"
    flock -n 9 && return 0
    log "waiting for another services.sh start/stop in this checkout..."
    until flock -w 2 9; do
        only_servers=1
        for pid in $(lock_holders "$lock"); do
            case "$(cat "/proc/$pid/comm" 2>/dev/null || true)" in
                postgres | postmaster | redis-server | redis-serve*) ;;
                *) only_servers=0 ;;
            esac
        done
        if (( only_servers )); then
            log "the lock is only held by server processes that inherited it (older services.sh); ignoring it"
            return 0
        fi
        (( SECONDS < deadline )) || fail "waiting for the services lock" "flock $lock" "" \
            "another scripts/services.sh seems stuck; check 'ps aux | grep services.sh'"
    done
}

# Both servers answer and PostgreSQL lets the tests log in: nothing to do, no lock needed.
already_up() {
    [[ -x "$PG_BIN/pg_isready" ]] && command -v redis-cli >/dev/null 2>&1 || return 1
    pg_ready && redis_ready || return 1
    pg_check_login "reusing the PostgreSQL server that already answers on 127.0.0.1:$PG_PORT"
}

case "${1:-}" in
    start)
        if already_up; then
            log "PostgreSQL: reusing the server already answering on 127.0.0.1:$PG_PORT"
            log "Redis: reusing the server already answering on 127.0.0.1:$REDIS_PORT"
            exit 0
        fi
        with_lock
        ensure_installed
        pg_start
        redis_start
        ;;
    stop)
        with_lock
        if [[ -x "$PG_BIN/pg_ctl" ]]; then pg_stop; else log "PostgreSQL: not installed"; fi
        if command -v redis-cli >/dev/null 2>&1; then redis_stop; else log "Redis: not installed"; fi
        ;;
    status) status ;;
    env) print_env ;;
    *)
        echo "usage: $0 start|stop|status|env" >&2
        exit 2
        ;;
esac
