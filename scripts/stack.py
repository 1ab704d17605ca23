"""Run the whole OCMS stack as local processes.

    python -m scripts.stack up [dev|test] [--fresh] [--no-seed] [--no-infra]
    python -m scripts.stack down [dev|test]
    python -m scripts.stack status [dev|test]
    python -m scripts.stack env [dev|test] SERVICE   # `eval` it to run alembic/pytest by hand

Profiles run side by side: `dev` (what `make up` starts: ports 8000-8007,
databases ocms_<svc>, vhost ocms) and `test` (what tests/conftest.py starts: ports
18000-18007, databases ocms_test_<svc>, vhost ocms_test, recreated for every run);
`test1`..`test6` are the same on other ports for parallel runs (OCMS_TEST_PROFILE).
Everything they write lives in var/<profile>/: logs/, pids/, s3/ (SeaweedFS data) and
mail/ (the SMTP sink's maildir: every email the services send, one file per message).

Standard library only, and importable: tests/conftest.py calls up() and down().
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from scripts.services import SERVICES, Service, by_name

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = VENV_BIN / "python"
READY_TIMEOUT = float(os.environ.get("OCMS_STACK_TIMEOUT", "90"))
S3_BUCKET = "ocms-files"  # created by the files service, not here
LOCAL_DB_POOL_SIZE = 4
WORKER_METRICS_OFFSET = 1000  # identity's worker: metrics on 9001 (dev), 19001 (test)


class StackError(RuntimeError):
    """Something the developer has to fix; the message says what and where to look."""


@dataclass(frozen=True)
class Profile:
    name: str
    port_offset: int
    db_prefix: str
    vhost: str
    redis_db: int
    smtp_port: int
    # SeaweedFS listens on many ports; every one is set so two profiles never collide.
    weed_ports: dict[str, int]

    @property
    def var(self) -> Path:
        return ROOT / "var" / self.name

    def port(self, service: Service) -> int:
        return service.port + self.port_offset

    def url(self, service: Service | str) -> str:
        svc = by_name(service) if isinstance(service, str) else service
        return f"http://127.0.0.1:{self.port(svc)}"


def _weed_ports(s3: int, master: int, volume: int, filer: int, admin: int) -> dict[str, int]:
    # gRPC ports default to http + 10000, which would land on the other profile's ports.
    return {
        "s3.port": s3,
        "s3.port.grpc": s3 + 100,
        "master.port": master,
        "master.port.grpc": master + 100,
        "volume.port": volume,
        "volume.port.grpc": volume + 100,
        "filer.port": filer,
        "filer.port.grpc": filer + 100,
        "admin.port": admin,
        "admin.port.grpc": admin + 100,
    }


def _test_slot(slot: int) -> Profile:
    """`test` is slot 0; slots 1-6 (`test1`..`test6`) let several developers or helpers
    run the end-to-end suite side by side on one machine (OCMS_TEST_PROFILE=test2).

    Each slot takes the dev ports moved up by 10,000 + 2,000 per slot (services at
    18000, 20000, ... 30000; worker metrics 1000 above), all below 32768 where Linux
    starts handing out ephemeral ports: a listening port in that range can be held by
    any outgoing connection at the moment a service (re)starts.
    """
    base = 10000 + 2000 * slot
    suffix = str(slot) if slot else ""
    return Profile(
        name=f"test{suffix}",
        port_offset=base,
        db_prefix=f"ocms_test{suffix}_",
        vhost=f"ocms_test{suffix}",
        redis_db=1 + slot,
        smtp_port=11025 + slot,
        weed_ports=_weed_ports(
            s3=8333 + base,
            master=9333 + base,
            volume=9340 + base,
            filer=8888 + base,
            admin=23656 + 10 * slot,
        ),
    )


PROFILES: dict[str, Profile] = {
    "dev": Profile(
        name="dev",
        port_offset=0,
        db_prefix="ocms_",
        vhost="ocms",
        redis_db=0,
        smtp_port=1025,
        weed_ports=_weed_ports(s3=8333, master=9333, volume=9340, filer=8888, admin=23646),
    ),
} | {p.name: p for p in map(_test_slot, range(7))}


def profile_of(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise StackError(f"unknown profile {name!r}; use one of {sorted(PROFILES)}") from None


# --- names, credentials, settings ----------------------------------------------------


def db_name(profile: Profile, service: Service) -> str:
    return f"{profile.db_prefix}{service.name}"


def role_name(service: Service, kind: str) -> str:
    """kind is "owner" (owns the database, runs migrations) or "app" (the service)."""
    assert kind in ("owner", "app")
    return f"ocms_{service.name}_{kind}"


def dev_password(role: str) -> str:
    """Development only, derived from the role name; production takes them from secrets."""
    return f"{role}-dev"


def db_url(profile: Profile, service: Service, kind: str, host: str = "127.0.0.1") -> str:
    role = role_name(service, kind)
    return (
        f"postgresql+asyncpg://{role}:{dev_password(role)}@{host}:5432/{db_name(profile, service)}"
    )


def amqp_url(profile: Profile) -> str:
    return f"amqp://guest:guest@127.0.0.1:5672/{profile.vhost}"


def redis_url(profile: Profile) -> str:
    return f"redis://127.0.0.1:6379/{profile.redis_db}"


def s3_endpoint(profile: Profile) -> str:
    return f"http://127.0.0.1:{profile.weed_ports['s3.port']}"


def s3_credentials(profile: Profile) -> tuple[str, str]:
    return f"ocms-{profile.name}", f"ocms-{profile.name}-s3-secret"


def common_env(profile: Profile) -> dict[str, str]:
    """OCMS_* settings every service of the profile shares."""
    return {
        "OCMS_LOG_LEVEL": os.environ.get("OCMS_LOG_LEVEL", "INFO"),
        "OCMS_AMQP_URL": amqp_url(profile),
        "OCMS_IDENTITY_URL": profile.url("identity"),
        "OCMS_INTERNAL_KEY": f"ocms-{profile.name}-internal-key",
        "OCMS_REDIS_URL": redis_url(profile),
        "OCMS_SMTP_HOST": "127.0.0.1",
        "OCMS_SMTP_PORT": str(profile.smtp_port),
        "OCMS_PUBLIC_URL": profile.url("gateway"),
    }


def service_env(profile: Profile, service: Service) -> dict[str, str]:
    """The complete OCMS_* environment of one service's API, worker and migrations."""
    env = common_env(profile) | {"OCMS_SERVICE_NAME": service.name}
    if service.has_db:
        env["OCMS_DATABASE_URL"] = db_url(profile, service, "app")
        env["OCMS_MIGRATION_DATABASE_URL"] = db_url(profile, service, "owner")
        # Every API and worker of a profile shares one PostgreSQL (max_connections is
        # 100 on a stock install): 4 + 4 overflow per process keeps a whole stack, and
        # the test run's scratch databases beside it, inside that.
        env["OCMS_DB_POOL_SIZE"] = str(LOCAL_DB_POOL_SIZE)
    if service.uses_s3:
        access, secret = s3_credentials(profile)
        env |= {
            "OCMS_S3_ENDPOINT": s3_endpoint(profile),
            "OCMS_S3_ACCESS_KEY": access,
            "OCMS_S3_SECRET_KEY": secret,
            "OCMS_S3_BUCKET": S3_BUCKET,
        }
    if service.name == "gateway":
        routes = {s.name: profile.url(s) for s in SERVICES if s.name != "gateway"}
        env["OCMS_UPSTREAMS"] = json.dumps(routes)
        port = profile.port(service)  # browsers' Origin on this profile's port
        env["OCMS_ALLOWED_ORIGINS"] = json.dumps(
            [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
        )
        if profile.name.startswith("test"):
            # The whole end-to-end suite signs in from one address; the limit itself is
            # tested in gateway/tests.
            env["OCMS_LOGIN_RATE_PER_MINUTE"] = "600"
        if (ROOT / "web" / "dist").is_dir():
            env["OCMS_WEB_DIST"] = str(ROOT / "web" / "dist")
    return env


def process_env(extra: dict[str, str]) -> dict[str, str]:
    src_dirs = [
        str(p)
        for pattern in ("libs/*/src", "services/*/src", "gateway/src")
        for p in sorted(ROOT.glob(pattern))
    ]
    return (
        os.environ
        | {
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            # Same dirs as the venv's .pth file, so a service added since the last
            # ensure_infra run is importable too.
            "PYTHONPATH": os.pathsep.join(src_dirs),
            "PYTHONUNBUFFERED": "1",
        }
        | extra
    )


# --- infrastructure: PostgreSQL, RabbitMQ, Redis -------------------------------------


def run(
    cmd: list[str],
    *,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    what: str = "",
    cwd: Path | str = ROOT,
) -> str:
    """Run a command; on failure raise StackError with its output."""
    try:
        done = subprocess.run(
            cmd, input=stdin, env=env, cwd=cwd, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise StackError(f"{what or cmd[0]}: {exc}; run scripts/ensure_infra.sh") from exc
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()
        raise StackError(f"{what or ' '.join(cmd)} failed (exit {done.returncode}):\n{output}")
    return done.stdout


def ensure_infra() -> None:
    """Start PostgreSQL/RabbitMQ/Redis if they stopped (the venv exists: we run in it)."""
    script = ROOT / "scripts" / "ensure_infra.sh"
    if subprocess.run(["bash", str(script), "--no-venv"], check=False).returncode != 0:
        raise StackError(f"{script.relative_to(ROOT)} failed (see above)")


def psql_superuser(sql: str, variables: dict[str, str] | None = None, what: str = "psql") -> None:
    # As root, over the socket as the postgres OS user (peer auth, the Debian default);
    # otherwise TCP as the postgres role (works with trust or a ~/.pgpass entry).
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", "psql"]
    else:
        cmd = ["psql", "-h", "127.0.0.1", "-U", "postgres"]
    cmd += ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres"]
    for key, value in (variables or {}).items():
        cmd += ["-v", f"{key}={value}"]
    # SQL on stdin and cwd "/": the postgres user may not be able to read the repo.
    run(cmd, stdin=sql, what=what, cwd="/")


def bootstrap_databases(profile: Profile, fresh: bool = False) -> None:
    sql = (ROOT / "scripts" / "db" / "bootstrap.sql").read_text()
    for service in SERVICES:
        if not service.has_db:
            continue
        name = db_name(profile, service)
        if fresh:
            psql_superuser(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE);', what=f"drop {name}")
        owner, app = role_name(service, "owner"), role_name(service, "app")
        variables = {
            "db": name,
            "owner": owner,
            "app": app,
            "owner_pw": dev_password(owner),
            "app_pw": dev_password(app),
        }
        _bootstrap_database(sql, variables, name)


def _bootstrap_database(sql: str, variables: dict[str, str], name: str) -> None:
    """Run the (idempotent) bootstrap script; again when another profile's bootstrap
    altered the same shared roles at the same moment ("tuple concurrently updated")."""
    for attempt in range(5):
        try:
            psql_superuser(sql, variables, what=f"bootstrap database {name}")
            return
        except StackError as exc:
            if "concurrently" not in str(exc) or attempt == 4:
                raise
            time.sleep(0.2 * (attempt + 1))


def rabbitmqctl(*args: str) -> str:
    return run(["rabbitmqctl", "-q", *args], what=f"rabbitmqctl {args[0]}")


def bootstrap_vhost(profile: Profile, fresh: bool = False) -> None:
    """One RabbitMQ vhost per profile, so test runs never see dev queues (or old tests')."""
    try:
        exists = profile.vhost in rabbitmqctl("list_vhosts", "name", "--no-table-headers").split()
    except StackError as exc:
        raise StackError(
            f"{exc}\nrabbitmqctl needs root (or the broker's Erlang cookie). Create the vhost "
            f"by hand: rabbitmqctl add_vhost {profile.vhost} && rabbitmqctl set_permissions "
            f"-p {profile.vhost} guest '.*' '.*' '.*'"
        ) from exc
    if exists and fresh:
        rabbitmqctl("delete_vhost", profile.vhost)
        exists = False
    if not exists:
        rabbitmqctl("add_vhost", profile.vhost)
        rabbitmqctl("set_permissions", "-p", profile.vhost, "guest", ".*", ".*", ".*")


def flush_redis(profile: Profile) -> None:
    run(
        ["redis-cli", "-h", "127.0.0.1", "-n", str(profile.redis_db), "flushdb"],
        what="redis flushdb",
    )


def bootstrap(profile: Profile, fresh: bool = False, infra: bool = True) -> None:
    """Infrastructure running, and this profile's databases, roles, vhost present."""
    if infra:
        ensure_infra()
    bootstrap_databases(profile, fresh)
    bootstrap_vhost(profile, fresh)
    if fresh:
        flush_redis(profile)


def migrate(profile: Profile) -> None:
    for service in SERVICES:
        if service.has_db:
            ini = ROOT / service.src_dir / "alembic.ini"
            print(f"stack: migrating {service.name}", flush=True)
            run(
                [str(VENV_BIN / "alembic"), "-c", str(ini), "upgrade", "head"],
                env=process_env(service_env(profile, service)),
                what=f"alembic upgrade head ({service.name})",
            )


# --- background processes ------------------------------------------------------------


@dataclass
class Proc:
    name: str  # identity-api, identity-worker, seaweedfs, smtp
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    ready_url: str | None = None  # answered 200 when ready (HTTP services)
    port: int | None = None  # must be free before start, open once ready

    @property
    def marker(self) -> str:
        """A piece of the command line telling our process from a reused pid."""
        return " ".join(self.argv[1:4])


# Popen objects of processes this Python process started: kept so they are reaped.
_children: dict[int, subprocess.Popen[bytes]] = {}


def _paths(profile: Profile, name: str) -> tuple[Path, Path]:
    return profile.var / "pids" / f"{name}.pid", profile.var / "logs" / f"{name}.log"


def _cmdline(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return None


def _alive(pid: int) -> bool:
    child = _children.get(pid)
    if child is not None:
        return child.poll() is None
    cmdline = _cmdline(pid)
    return cmdline is not None and cmdline.strip() != ""  # a zombie has an empty cmdline


def running_pid(profile: Profile, name: str) -> int | None:
    """The pid from our pid file if that process is still ours and alive."""
    pidfile, _ = _paths(profile, name)
    try:
        pid_text, marker = pidfile.read_text().split("\n", 1)
        pid = int(pid_text)
    except (OSError, ValueError):
        return None
    if pid in _children:  # ours since this Python started: poll() knows best (right
        return pid if _alive(pid) else None  # after exec, /proc cmdline can read empty)
    cmdline = _cmdline(pid)
    if not _alive(pid) or cmdline is None or marker.strip() not in cmdline:
        return None
    return pid


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start(profile: Profile, proc: Proc) -> int:
    pidfile, logfile = _paths(profile, proc.name)
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    logfile.parent.mkdir(parents=True, exist_ok=True)
    if proc.port is not None and port_open(proc.port):
        raise StackError(
            f"port {proc.port} (for {proc.name}) is taken by a process this stack did not "
            f"start; find it with: ss -ltnp 'sport = :{proc.port}'"
        )
    with logfile.open("ab") as log:
        log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(proc.argv)}\n".encode())
        log.flush()
        child = subprocess.Popen(
            proc.argv,
            cwd=ROOT,
            env=process_env(proc.env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped together, not by ^C
        )
    _children[child.pid] = child
    pidfile.write_text(f"{child.pid}\n{proc.marker}\n")
    return child.pid


def stop(profile: Profile, name: str, timeout: float = 15.0) -> bool:
    """SIGTERM the process group (graceful: uvicorn drains, workers finish a message),
    SIGKILL after `timeout`. Returns whether something was running."""
    pidfile, _ = _paths(profile, name)
    pid = running_pid(profile, name)
    pidfile.unlink(missing_ok=True)
    if pid is None:
        return False
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        print(f"stack: {name} ignored SIGTERM for {timeout:.0f}s; killing it", flush=True)
        _signal_group(pid, signal.SIGKILL)
        while _alive(pid):
            time.sleep(0.1)
    child = _children.pop(pid, None)
    if child is not None:
        child.wait()
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)  # we started it as a session (group) leader


def log_tail(profile: Profile, name: str, lines: int = 25) -> str:
    _, logfile = _paths(profile, name)
    try:
        return "\n".join(logfile.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_ready(profile: Profile, procs: Iterable[Proc], timeout: float = READY_TIMEOUT) -> None:
    """Wait until every proc answers (its ready_url 200, else its port open)."""
    pending = [p for p in procs if p.ready_url or p.port]
    last: dict[str, str] = {}
    deadline = time.monotonic() + timeout
    while pending:
        for proc in list(pending):
            _, logfile = _paths(profile, proc.name)
            if running_pid(profile, proc.name) is None:
                raise StackError(
                    f"{proc.name} exited while starting; its log ({logfile}) ends with:\n"
                    f"{log_tail(profile, proc.name)}"
                )
            if _answers(proc, last):
                pending.remove(proc)
        if pending and time.monotonic() > deadline:
            proc = pending[0]
            _, logfile = _paths(profile, proc.name)
            raise StackError(
                f"{proc.name} not ready after {timeout:.0f}s ({proc.ready_url or proc.port}: "
                f"{last.get(proc.name, 'no answer')}); see {logfile}, which ends with:\n"
                f"{log_tail(profile, proc.name)}"
            )
        time.sleep(0.25)


def _answers(proc: Proc, last: dict[str, str]) -> bool:
    if proc.ready_url is None:
        return proc.port is not None and port_open(proc.port)
    try:
        with urllib.request.urlopen(proc.ready_url, timeout=3) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError as exc:  # e.g. 503 while the broker check fails
        last[proc.name] = f"HTTP {exc.code} {exc.read()[:300].decode(errors='replace')}"
    except OSError as exc:
        last[proc.name] = str(exc)
    return False


# --- what runs -----------------------------------------------------------------------


def helper_procs(profile: Profile) -> list[Proc]:
    """SeaweedFS (local S3) and an SMTP sink; they keep data, so `up` leaves them running."""
    access, secret = s3_credentials(profile)
    # Loopback only, and nothing but S3 (and the parts it needs).
    weed_flags = ["-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-webdav=false", "-admin.ui=false"]
    weed_flags += ["-s3.port.iceberg=0", "-s3.port.lance=0", "-master.telemetry=false"]
    weed_flags += [f"-{flag}={port}" for flag, port in profile.weed_ports.items()]
    weed = Proc(
        "seaweedfs",
        [str(VENV_BIN / "weed"), "mini", f"-dir={profile.var / 's3'}", *weed_flags],
        # weed enforces these credentials on its S3 API.
        env={"AWS_ACCESS_KEY_ID": access, "AWS_SECRET_ACCESS_KEY": secret},
        port=profile.weed_ports["s3.port"],
    )
    # The Mailbox handler writes every message into a maildir: var/<profile>/mail/new/.
    listen = f"127.0.0.1:{profile.smtp_port}"
    mailbox = ["-c", "aiosmtpd.handlers.Mailbox", str(profile.var / "mail")]
    smtp = Proc(
        "smtp",
        [str(PYTHON), "-m", "aiosmtpd", "-n", "-l", listen, *mailbox],
        port=profile.smtp_port,
    )
    return [weed, smtp]


def service_procs(profile: Profile) -> list[Proc]:
    procs: list[Proc] = []
    for service in SERVICES:
        env = service_env(profile, service)
        port = profile.port(service)
        api = f"{service.package}.main:create_app --factory --host 127.0.0.1 --port {port}"
        procs.append(
            Proc(
                f"{service.name}-api",
                [str(PYTHON), "-m", "uvicorn", *api.split(), "--no-access-log"],
                env,
                ready_url=f"http://127.0.0.1:{port}/readyz",
                port=port,
            )
        )
        if service.has_worker:
            # Workers have no HTTP app; their Prometheus port shows they started.
            metrics = port + WORKER_METRICS_OFFSET
            worker = [str(PYTHON), "-m", f"{service.package}.worker"]
            worker_env = env | {"OCMS_WORKER_METRICS_PORT": str(metrics)}
            procs.append(Proc(f"{service.name}-worker", worker, worker_env, port=metrics))
    return procs


def preflight() -> None:
    """Fail before touching anything if a service's code is not there yet."""
    problems = []
    for service in SERVICES:
        pkg = ROOT / service.src_dir / "src" / service.package
        needed = [pkg / "main.py"]
        needed += [pkg / "worker.py"] if service.has_worker else []
        needed += [ROOT / service.src_dir / "alembic.ini"] if service.has_db else []
        problems += [str(p.relative_to(ROOT)) for p in needed if not p.exists()]
    if problems:
        raise StackError(
            "cannot start the stack: these files are missing, so the services are not "
            "importable (or migratable) yet:\n  " + "\n  ".join(problems)
        )
    if not PYTHON.exists():
        raise StackError(f"{PYTHON} missing: run scripts/ensure_infra.sh first")


def seed(profile: Profile) -> str:
    """Run every `<service>.seed` module that exists (identity's creates the demo agency).
    Returns what they print for people (the logins), without their JSON log lines; the
    whole output goes to var/<profile>/logs/seed.log."""
    output = []
    for service in SERVICES:
        if (ROOT / service.src_dir / "src" / service.package / "seed.py").exists():
            print(f"stack: seeding {service.name}", flush=True)
            output.append(
                run(
                    [str(PYTHON), "-m", f"{service.package}.seed"],
                    env=process_env(service_env(profile, service)),
                    what=f"python -m {service.package}.seed",
                )
            )
        elif service.name == "identity":
            print("stack: WARNING identity.seed does not exist yet: no demo data", flush=True)
    _, logfile = _paths(profile, "seed")
    logfile.parent.mkdir(parents=True, exist_ok=True)
    logfile.write_text("".join(output))
    lines = "".join(output).splitlines(keepends=True)
    return "".join(line for line in lines if not line.lstrip().startswith("{"))


@dataclass
class StackInfo:
    """What a running stack looks like from outside: addresses and credentials."""

    profile: str
    gateway_url: str
    urls: dict[str, str]  # service -> base URL
    db_urls: dict[str, dict[str, str]]  # service -> {"app": url, "owner": url}
    amqp_url: str
    redis_url: str
    s3_endpoint: str
    smtp: tuple[str, int]
    mail_dir: Path  # maildir of the SMTP sink (messages land in mail_dir / "new")
    log_dir: Path
    env: dict[str, str]  # the OCMS_* settings every service shares
    seed_output: str = ""

    def service_env(self, name: str) -> dict[str, str]:
        return service_env(profile_of(self.profile), by_name(name))


def info(profile: Profile, seed_output: str = "") -> StackInfo:
    return StackInfo(
        profile=profile.name,
        gateway_url=profile.url("gateway"),
        urls={s.name: profile.url(s) for s in SERVICES},
        db_urls={
            s.name: {"app": db_url(profile, s, "app"), "owner": db_url(profile, s, "owner")}
            for s in SERVICES
            if s.has_db
        },
        amqp_url=amqp_url(profile),
        redis_url=redis_url(profile),
        s3_endpoint=s3_endpoint(profile),
        smtp=("127.0.0.1", profile.smtp_port),
        mail_dir=profile.var / "mail",
        log_dir=profile.var / "logs",
        env=common_env(profile),
        seed_output=seed_output,
    )


def up(
    profile_name: str = "dev", *, fresh: bool = False, seed_data: bool = True, infra: bool = True
) -> StackInfo:
    """Bring the profile up; harmless when it is up already (services are restarted,
    SeaweedFS and the SMTP sink are left running). fresh=True recreates the databases,
    the vhost and the Redis db first."""
    profile = profile_of(profile_name)
    preflight()
    apps = service_procs(profile)
    for proc in reversed(apps):  # restarted below, after migrations, with current code
        stop(profile, proc.name)
    bootstrap(profile, fresh=fresh, infra=infra)

    helpers = [p for p in helper_procs(profile) if running_pid(profile, p.name) is None]
    for proc in helpers:
        start(profile, proc)
    wait_ready(profile, helpers, timeout=60)

    migrate(profile)
    for proc in apps:
        start(profile, proc)
    wait_ready(profile, apps)
    time.sleep(1)  # a worker opens its metrics port first: make sure none died after
    for proc in apps:
        if running_pid(profile, proc.name) is None:
            _, logfile = _paths(profile, proc.name)
            raise StackError(f"{proc.name} exited; see {logfile}:\n{log_tail(profile, proc.name)}")
    return info(profile, seed(profile) if seed_data else "")


def down(profile_name: str = "dev") -> list[str]:
    """Stop every process the profile started (data is kept). Returns what was stopped."""
    profile = profile_of(profile_name)
    names = [p.name for p in reversed(service_procs(profile))]
    names += [p.name for p in helper_procs(profile)]
    # Also whatever has a pid file but is no longer in the registry.
    names += sorted(p.stem for p in (profile.var / "pids").glob("*.pid") if p.stem not in names)
    return [name for name in names if stop(profile, name)]


def status(profile_name: str = "dev") -> dict[str, int | None]:
    profile = profile_of(profile_name)
    procs = service_procs(profile) + helper_procs(profile)
    return {p.name: running_pid(profile, p.name) for p in procs}


# --- command line --------------------------------------------------------------------


def _print_up(stack: StackInfo) -> None:
    print()
    print(f"OCMS ({stack.profile}) is up: {stack.gateway_url}")
    print(f"  API docs:  {stack.gateway_url}/api/docs")
    if stack.seed_output.strip():
        print("  demo data:")
        for line in stack.seed_output.strip().splitlines():
            print(f"    {line}")
    print(
        f"  emails:    SMTP sink on {stack.smtp[0]}:{stack.smtp[1]}; every message is a file "
        f"in {stack.mail_dir / 'new'}"
    )
    print(f"  S3:        {stack.s3_endpoint} (SeaweedFS)")
    print(f"  logs:      {stack.log_dir}/")
    stop = (
        "make down" if stack.profile == "dev" else f"python -m scripts.stack down {stack.profile}"
    )
    print(f"  stop:      {stop} (data is kept)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.stack",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_up = sub.add_parser("up", help="start (or restart) the stack")
    p_up.add_argument("profile", nargs="?", default="dev", choices=sorted(PROFILES))
    p_up.add_argument("--fresh", action="store_true", help="recreate databases/vhost first")
    p_up.add_argument("--no-seed", action="store_true")
    p_up.add_argument("--no-infra", action="store_true", help="skip scripts/ensure_infra.sh")
    for name, text in (("down", "stop it, keep the data"), ("status", "what runs")):
        p = sub.add_parser(name, help=text)
        p.add_argument("profile", nargs="?", default="dev", choices=sorted(PROFILES))
    p_env = sub.add_parser("env", help="print a service's environment as shell exports")
    p_env.add_argument("profile", choices=sorted(PROFILES))
    p_env.add_argument("service")
    args = parser.parse_args(argv)

    try:
        if args.command == "up":
            stack = up(
                args.profile, fresh=args.fresh, seed_data=not args.no_seed, infra=not args.no_infra
            )
            _print_up(stack)
        elif args.command == "down":
            stopped = down(args.profile)
            print(f"stack: stopped {', '.join(stopped) if stopped else 'nothing (not running)'}")
        elif args.command == "status":
            for name, pid in status(args.profile).items():
                print(f"{name:20} {'running, pid ' + str(pid) if pid else 'stopped'}")
        elif args.command == "env":
            env = service_env(profile_of(args.profile), by_name(args.service))
            for key, value in env.items():
                print(f"export {key}='{value}'")
    except (StackError, KeyError) as exc:
        print(f"stack: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
