#!/usr/bin/env bash
# Make this machine able to run OCMS, idempotently and quickly when nothing is missing:
#   1. PostgreSQL, RabbitMQ and Redis installed (apt-get when root) and running;
#   2. with --with-tools: the tools the deployment tests use (Debian's docker-compose);
#   3. .venv with the hash-pinned requirements (reinstalled only when they change), and
#      a .pth file putting every libs/*/src, services/*/src, gateway/src on sys.path.
# Options: --no-venv (skip 3: the caller runs inside the venv already), --with-tools.
# Per-profile databases, roles and vhosts are created by `python -m scripts.stack`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WITH_VENV=1
WITH_TOOLS=0
for arg in "$@"; do
  case "$arg" in
    --no-venv) WITH_VENV=0 ;;
    --with-tools) WITH_TOOLS=1 ;;
    *) echo "usage: $0 [--no-venv] [--with-tools]" >&2; exit 2 ;;
  esac
done

say() { echo "ensure_infra: $*"; }
is_root() { [ "$(id -u)" = 0 ]; }
# systemd is PID 1 on a normal host, not in containers or CI sandboxes.
has_systemd() { [ -d /run/systemd/system ]; }
tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq 1 $((seconds * 4))); do "$@" && return 0; sleep 0.25; done
  say "$what did not come up within ${seconds}s" >&2
  return 1
}

APT_UPDATED=0
apt_install() { # apt_install PACKAGE...: `apt-get update` at most once per run
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq; APT_UPDATED=1; fi
  apt-get install -y -qq "$@"
}

# --- 1. PostgreSQL, RabbitMQ, Redis -------------------------------------------------
pg_installed() { compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null; }
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
rabbit_installed() { command -v rabbitmq-server >/dev/null || [ -x /usr/sbin/rabbitmq-server ]; }
rabbit_up() { tcp_open 5672; }
redis_installed() { command -v redis-server >/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }

missing=()
pg_installed || missing+=(postgresql)
rabbit_installed || missing+=(rabbitmq-server)
redis_installed || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if is_root; then
    say "installing ${missing[*]}"
    apt_install "${missing[@]}"
  else
    echo "ensure_infra: missing: ${missing[*]}" >&2
    echo "  install them (Debian/Ubuntu): sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    echo "  then run this again (or run it as root and it installs them itself)." >&2
    exit 1
  fi
fi

need_root_to_start() {
  echo "ensure_infra: $1 is installed but not running, and only root can start it here." >&2
  echo "  start it: $2" >&2
  exit 1
}

if ! pg_up; then
  say "starting PostgreSQL"
  if has_systemd; then
    is_root || need_root_to_start PostgreSQL "sudo systemctl start postgresql"
    systemctl start postgresql
  else
    is_root || need_root_to_start PostgreSQL "sudo pg_ctlcluster <version> main start"
    # Debian's wrapper starts every cluster it knows (normally one: <version>/main).
    while read -r version cluster _; do
      pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start || true
    done < <(pg_lsclusters --no-header)
  fi
  wait_for 30 PostgreSQL pg_up
fi

# A whole stack is 14 processes (each capped at 8 connections, see scripts/stack.py),
# and a test run keeps one up beside its scratch databases: more than a stock
# PostgreSQL's 100 connections. Raised once (ALTER SYSTEM persists), as root only.
PG_MIN_CONNECTIONS=300
# As root over the socket as the postgres OS user (peer auth, Debian's default), else TCP.
pg_super() {
  if is_root; then (cd / && runuser -u postgres -- psql -X -d postgres "$@")
  else psql -h 127.0.0.1 -U postgres -X -d postgres "$@"; fi
}
pg_connections() { pg_super -Atqc "SHOW max_connections" 2>/dev/null || echo 0; }
if [ "$(pg_connections)" -lt "$PG_MIN_CONNECTIONS" ]; then
  if is_root && pg_super -qc "ALTER SYSTEM SET max_connections = $PG_MIN_CONNECTIONS" >/dev/null 2>&1; then
    say "raising PostgreSQL's max_connections to $PG_MIN_CONNECTIONS (restart)"
    if has_systemd; then
      systemctl restart postgresql
    else
      while read -r version cluster _; do
        pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" restart || true
      done < <(pg_lsclusters --no-header)
    fi
    wait_for 30 PostgreSQL pg_up
  else
    say "warning: PostgreSQL allows $(pg_connections) connections; a full test run wants" \
      "$PG_MIN_CONNECTIONS (as a superuser: ALTER SYSTEM SET max_connections = $PG_MIN_CONNECTIONS, then restart)" >&2
  fi
fi

if ! rabbit_up; then
  say "starting RabbitMQ"
  if has_systemd; then
    is_root || need_root_to_start RabbitMQ "sudo systemctl start rabbitmq-server"
    systemctl start rabbitmq-server
  else
    is_root || need_root_to_start RabbitMQ "sudo rabbitmq-server -detached"
    rabbitmq-server -detached
  fi
  # await_startup returns once the node booted, which is later than the port opening.
  rabbitmqctl -q await_startup --timeout 120
  wait_for 30 RabbitMQ rabbit_up
fi

if ! redis_up; then
  say "starting Redis"
  if has_systemd; then
    is_root || need_root_to_start Redis "sudo systemctl start redis-server"
    systemctl start redis-server
  else
    is_root || need_root_to_start Redis "sudo redis-server --daemonize yes"
    mkdir -p /var/lib/redis /var/log/redis
    # Nothing kept on disk: Redis holds only rate-limit counters and caches here.
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
      --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  fi
  wait_for 15 Redis redis_up
fi

# --- 2. Tools the deployment tests use ---------------------------------------------
if [ "$WITH_TOOLS" = 1 ] && ! command -v docker-compose >/dev/null; then
  # `docker-compose config` validates docker-compose.yml without a Docker engine.
  if is_root; then
    say "installing docker-compose (validates docker-compose.yml)"
    apt_install docker-compose || say "could not install docker-compose; tests/deploy skips that check"
  else
    say "docker-compose missing (sudo apt-get install -y docker-compose); tests/deploy skips that check"
  fi
fi

# --- 3. Python virtualenv -------------------------------------------------------------
[ "$WITH_VENV" = 1 ] || exit 0

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "ensure_infra: OCMS needs Python >= 3.11 ('$PYTHON' is $("$PYTHON" -V 2>&1))." >&2
  echo "  set PYTHON=/path/to/python3.11 or install it (Debian 12: apt-get install python3 python3-venv)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  "$PYTHON" -m venv .venv
fi

# Reinstall only when the pinned requirements (or the interpreter) changed.
stamp_file=.venv/.ocms-requirements.sha256
stamp="$(cat requirements/runtime.txt requirements/dev.txt <(.venv/bin/python -VV) | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp_file" 2>/dev/null)" != "$stamp" ]; then
  say "installing requirements into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes \
    -r requirements/runtime.txt -r requirements/dev.txt
  echo "$stamp" >"$stamp_file"
fi

# Our own packages are not installed: their src dirs go on sys.path, so edits apply at
# once. Rewritten every run, so a new service directory is picked up. The repository
# root comes last, for `scripts` (the stack, the pytest plugin): a real package in a
# src dir always wins over a same-named directory there.
site="$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
{
  for dir in libs/*/src services/*/src gateway/src .; do
    if [ "$dir" = . ]; then echo "$ROOT"; elif [ -d "$dir" ]; then echo "$ROOT/$dir"; fi
  done
} >"$site/ocms-dev.pth.new"
mv "$site/ocms-dev.pth.new" "$site/ocms-dev.pth"
