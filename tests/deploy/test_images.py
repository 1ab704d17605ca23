"""The Dockerfiles (one pattern for every service) and the pinned requirements."""

import re

import pytest

from scripts.services import SERVICES
from tests.deploy.conftest import ROOT

pytestmark = pytest.mark.deploy

# The only lines a service's Dockerfile may change from the pattern.
SERVICE_ARGS = re.compile(r"^ARG (SERVICE|SERVICE_DIR|PORT)=(\S+)$", re.MULTILINE)


def dockerfile(src_dir: str) -> str:
    return (ROOT / src_dir / "Dockerfile").read_text()


def test_every_service_has_a_dockerfile_with_its_own_values() -> None:
    for svc in SERVICES:
        path = ROOT / svc.src_dir / "Dockerfile"
        assert path.exists(), f"{svc.name}: no {svc.src_dir}/Dockerfile"
        args = dict(SERVICE_ARGS.findall(path.read_text()))
        assert args == {"SERVICE": svc.name, "SERVICE_DIR": svc.src_dir, "PORT": str(svc.port)}


def test_dockerfiles_follow_one_pattern() -> None:
    patterns = {
        svc.name: SERVICE_ARGS.sub("ARG \\1=…", dockerfile(svc.src_dir)) for svc in SERVICES
    }
    first = SERVICES[0].name
    for name, text in patterns.items():
        assert text == patterns[first], f"{name}'s Dockerfile drifted from {first}'s"


def test_image_runs_unprivileged_and_reproducibly() -> None:
    text = dockerfile(SERVICES[0].src_dir)
    assert "--require-hashes -r /tmp/runtime.txt" in text
    assert "--no-deps --no-build-isolation" in text
    assert re.search(r"^USER 10001:10001$", text, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", text, re.MULTILINE)
    assert re.search(r"^EXPOSE \$\{PORT\}$", text, re.MULTILINE)
    # Both stages on the same pinned base (the FROM lines use the ARG).
    assert re.findall(r"^FROM (\S+)", text, re.MULTILINE) == ["${PYTHON_IMAGE}"] * 2
    assert "/healthz" in text


@pytest.mark.parametrize("name", ["runtime.txt", "dev.txt", "runtime.in", "dev.in"])
def test_requirements_name_no_registry(name: str) -> None:
    """Pins are names and hashes; an index or a download address stays out."""
    text = (ROOT / "requirements" / name).read_text()
    # Any address at all ("://") covers every registry's host without naming one here.
    for forbidden in ("--index-url", "--extra-index-url", "--find-links", "://"):
        assert forbidden not in text, f"requirements/{name} contains {forbidden!r}"
    if name.endswith(".txt"):
        pins = re.findall(r"^([A-Za-z0-9_.-]+)==\S+ \\$", text, re.MULTILINE)
        assert pins, name
        assert text.count("--hash=sha256:") >= len(pins), f"{name}: a pin without a hash"
