"""Shared inputs of the deployment checks: the compose file and the rendered overlays."""

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts import tools

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = sorted(p.name for p in (ROOT / "k8s" / "overlays").iterdir() if p.is_dir())

Manifest = dict[str, Any]


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[Manifest]]:
    """overlay name -> its manifests, as `kubectl kustomize` renders them (offline)."""
    kubectl = tools.kubectl()
    out: dict[str, list[Manifest]] = {}
    for overlay in OVERLAYS:
        done = subprocess.run(
            [str(kubectl), "kustomize", str(ROOT / "k8s" / "overlays" / overlay)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"kubectl kustomize {overlay} failed:\n{done.stderr}"
        out[overlay] = [doc for doc in yaml.safe_load_all(done.stdout) if doc]
    return out
