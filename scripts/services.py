"""The one list of OCMS services.

Adding a service is one entry here. Everything else reads this list: the process stack
(`scripts/stack.py`), the database bootstrap, the test fixture, and `tests/deploy`, which
fails until the new service also has its Dockerfile, compose entries and
`k8s/base/<name>.yaml`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    name: str
    port: int  # dev profile port; the test profile adds 10000
    has_db: bool  # owns a PostgreSQL database (migrations, owner + app roles)
    has_worker: bool  # runs `python -m <name>.worker` beside its API
    uses_s3: bool = False  # gets the OCMS_S3_* settings

    @property
    def src_dir(self) -> str:
        """Directory holding pyproject.toml, Dockerfile (and alembic.ini if has_db)."""
        return "gateway" if self.name == "gateway" else f"services/{self.name}"

    @property
    def package(self) -> str:
        return self.name


# Start order: identity first (others fetch its JWKS), gateway last (its /readyz checks
# every upstream).
SERVICES: tuple[Service, ...] = (
    Service("identity", 8001, has_db=True, has_worker=True),
    Service("clients", 8002, has_db=True, has_worker=True),
    Service("sessions", 8003, has_db=True, has_worker=True),
    Service("referrals", 8004, has_db=True, has_worker=True),
    Service("files", 8005, has_db=True, has_worker=True, uses_s3=True),
    Service("reporting", 8006, has_db=True, has_worker=True),
    Service("icare", 8007, has_db=True, has_worker=True, uses_s3=True),
    Service("gateway", 8000, has_db=False, has_worker=False),
)


def by_name(name: str) -> Service:
    for service in SERVICES:
        if service.name == name:
            return service
    raise KeyError(f"unknown service {name!r}; known: {[s.name for s in SERVICES]}")


def db_services() -> list[Service]:
    return [s for s in SERVICES if s.has_db]


def upstreams() -> list[Service]:
    """Everything the gateway routes to."""
    return [s for s in SERVICES if s.name != "gateway"]
