"""docker-compose.yml: valid, complete (every service of the registry) and hardened."""

import glob
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scripts.services import SERVICES, db_services, upstreams
from scripts.stack import dev_password, role_name
from tests.deploy.conftest import ROOT

pytestmark = pytest.mark.deploy

# The Compose Specification schema as Debian's docker-compose package ships it (inside
# its Python module); nothing is downloaded.
COMPOSE_SPEC = "/usr/lib/python3*/dist-packages/compose/config/compose_spec.json"
NO_COMPOSE = (
    "Debian's docker-compose is not installed (`make test` installs it when run as root: "
    "apt-get install docker-compose)"
)


def test_docker_compose_accepts_the_file() -> None:
    if shutil.which("docker-compose") is None:
        pytest.skip(NO_COMPOSE)
    done = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_file_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    found = sorted(glob.glob(COMPOSE_SPEC))
    if not found:
        pytest.skip(NO_COMPOSE)
    schema = json.loads(Path(found[-1]).read_text())
    # The file declares draft 2019-09 (in a spelling jsonschema does not look up).
    validator = jsonschema.Draft201909Validator(schema)
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_every_service_has_its_containers(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for svc in SERVICES:
        api = services.get(svc.name)
        assert api is not None, f"no compose service {svc.name!r}"
        assert api["build"]["dockerfile"] == f"{svc.src_dir}/Dockerfile"
        assert f"127.0.0.1:{svc.port}:{svc.port}" in api["ports"]
        if svc.has_worker:
            worker = services.get(f"{svc.name}-worker")
            assert worker is not None, f"{svc.name} has a worker: no {svc.name}-worker"
            assert worker["command"] == ["python", "-m", f"{svc.name}.worker"]
            assert worker["image"] == api["image"]
        if svc.has_db:
            migrate = services.get(f"{svc.name}-migrate")
            assert migrate is not None, f"{svc.name} has a database: no {svc.name}-migrate"
            assert migrate["command"][:1] == ["alembic"]
            assert migrate["image"] == api["image"]
            for dependent in (api, services.get(f"{svc.name}-worker")):
                if dependent is not None:
                    condition = dependent["depends_on"][f"{svc.name}-migrate"]["condition"]
                    assert condition == "service_completed_successfully"


def test_postgres_creates_every_database(compose: dict[str, Any]) -> None:
    env = compose["services"]["postgres"]["environment"]
    assert env["OCMS_DB_SERVICES"].split() == [s.name for s in db_services()]


def test_database_urls_use_the_roles_the_init_script_creates(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for svc in db_services():
        app_url = services[svc.name]["environment"]["OCMS_DATABASE_URL"]
        owner_url = services[f"{svc.name}-migrate"]["environment"]["OCMS_MIGRATION_DATABASE_URL"]
        for url, kind in ((app_url, "app"), (owner_url, "owner")):
            role = role_name(svc, kind)
            default = dev_password(role)
            pattern = rf"//{role}:\$\{{OCMS_DB_PASSWORD_{role.upper()}:-{re.escape(default)}\}}@"
            assert re.search(pattern, url), url
            assert url.endswith(f"@postgres:5432/ocms_{svc.name}")
        # Only the one-shots get the owner role.
        assert "OCMS_MIGRATION_DATABASE_URL" not in services[svc.name]["environment"]


def test_gateway_routes_to_every_service(compose: dict[str, Any]) -> None:
    env = compose["services"]["gateway"]["environment"]
    routes = json.loads(env["OCMS_UPSTREAMS"])
    assert routes == {s.name: f"http://{s.name}:{s.port}" for s in upstreams()}


def test_every_container_has_a_healthcheck(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        check = service.get("healthcheck")
        assert check, f"{name} has no healthcheck"
        if check.get("disable"):
            # Only one-shots (depended on by completion, never restarted) go without.
            assert service.get("restart") == "no", f"{name} disables its healthcheck"
        else:
            assert check["test"], name


def test_ocms_containers_are_hardened(compose: dict[str, Any]) -> None:
    ours = {n: s for n, s in compose["services"].items() if "build" in s}
    assert set(ours) >= {s.name for s in SERVICES}
    for name, service in ours.items():
        assert service.get("read_only") is True, name
        assert service.get("cap_drop") == ["ALL"], name
        assert "no-new-privileges:true" in service.get("security_opt", []), name
        assert "user" not in service or service["user"] != "root", name
