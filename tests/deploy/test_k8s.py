"""Kubernetes manifests: every overlay renders, validates strictly, and is complete and safe."""

import json
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from scripts.services import SERVICES, upstreams
from tests.deploy.conftest import OVERLAYS, ROOT, Manifest

pytestmark = pytest.mark.deploy

# The oldest Kubernetes we support and the kubectl we render with.
KUBERNETES_VERSIONS = ("1.30.0", "1.36.0")


def of_kind(docs: list[Manifest], kind: str) -> list[Manifest]:
    return [d for d in docs if d["kind"] == kind]


def labelled(docs: list[Manifest], kind: str, name: str, component: str) -> list[Manifest]:
    return [
        d
        for d in of_kind(docs, kind)
        if d["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/name") == name
        and d["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component")
        == component
    ]


def pod_spec(doc: Manifest) -> dict[str, Any]:
    spec: dict[str, Any] = doc["spec"]["template"]["spec"]
    return spec


def test_overlays_exist() -> None:
    assert {"dev", "prod"} <= set(OVERLAYS)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_validates_strictly(
    rendered: dict[str, list[Manifest]], version: str
) -> None:
    failures = []
    for overlay, docs in rendered.items():
        for doc in docs:
            where = f"{overlay}: {doc['kind']}/{doc['metadata']['name']}"
            try:
                kubernetes_validate.validate(doc, version, strict=True)
            except kubernetes_validate.ValidationError as exc:
                path = ".".join(str(p) for p in exc.path)
                failures.append(f"{where}: {path}: {exc.message}")
            except kubernetes_validate.SchemaNotFoundError as exc:
                failures.append(f"{where}: {exc.message}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_service_is_deployed(rendered: dict[str, list[Manifest]], overlay: str) -> None:
    docs = rendered[overlay]
    base = yaml.safe_load((ROOT / "k8s" / "base" / "kustomization.yaml").read_text())
    for svc in SERVICES:
        assert f"{svc.name}.yaml" in base["resources"], f"k8s/base/{svc.name}.yaml not listed"
        assert Path(ROOT / "k8s" / "base" / f"{svc.name}.yaml").exists()

        apis = labelled(docs, "Deployment", svc.name, "api")
        assert len(apis) == 1, f"{overlay}: one API Deployment for {svc.name}"
        ports = [p["containerPort"] for c in pod_spec(apis[0])["containers"] for p in c["ports"]]
        assert svc.port in ports
        service = [s for s in of_kind(docs, "Service") if s["metadata"]["name"] == svc.name]
        assert service, f"{overlay}: no Service {svc.name}"
        assert service[0]["spec"]["ports"][0]["port"] == svc.port

        workers = labelled(docs, "Deployment", svc.name, "worker")
        assert len(workers) == (1 if svc.has_worker else 0), f"{overlay}: {svc.name} worker"
        for worker in workers:
            command = pod_spec(worker)["containers"][0]["command"]
            assert command == ["python", "-m", f"{svc.name}.worker"]

        jobs = labelled(docs, "Job", svc.name, "migrate")
        assert len(jobs) == (1 if svc.has_db else 0), f"{overlay}: {svc.name} migration Job"
        for job in jobs:
            container = pod_spec(job)["containers"][0]
            assert container["command"][:1] == ["alembic"]
            env = {e["name"]: e for e in container.get("env", [])}
            ref = env["OCMS_MIGRATION_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
            assert ref["key"] == "owner-url"
            assert pod_spec(job)["restartPolicy"] in ("Never", "OnFailure")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_containers_are_probed_limited_and_unprivileged(
    rendered: dict[str, list[Manifest]], overlay: str
) -> None:
    workloads = of_kind(rendered[overlay], "Deployment") + of_kind(rendered[overlay], "Job")
    assert workloads
    for doc in workloads:
        name = f"{overlay}: {doc['kind']}/{doc['metadata']['name']}"
        spec = pod_spec(doc)
        pod_security = spec.get("securityContext", {})
        assert pod_security.get("seccompProfile", {}).get("type") == "RuntimeDefault", name
        assert spec.get("automountServiceAccountToken") is False, name
        for container in spec["containers"] + spec.get("initContainers", []):
            where = f"{name} container {container['name']}"
            if doc["kind"] == "Deployment":
                assert "livenessProbe" in container, f"{where}: no livenessProbe"
                assert "readinessProbe" in container, f"{where}: no readinessProbe"
            resources = container.get("resources", {})
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(resources.get(bound, {})), f"{where}: {bound}"
            security = container.get("securityContext", {})
            non_root = security.get("runAsNonRoot", pod_security.get("runAsNonRoot"))
            assert non_root is True, f"{where}: runAsNonRoot"
            assert security.get("runAsUser", pod_security.get("runAsUser")) != 0, where
            assert security.get("allowPrivilegeEscalation") is False, where
            assert security.get("readOnlyRootFilesystem") is True, where
            assert security.get("capabilities", {}).get("drop") == ["ALL"], where
            assert not security.get("privileged", False), where


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_references_resolve(rendered: dict[str, list[Manifest]], overlay: str) -> None:
    """Every ConfigMap is rendered; every Secret is rendered too unless the overlay
    expects it created outside (prod: no secrets in the repository)."""
    docs = rendered[overlay]
    configmaps = {d["metadata"]["name"] for d in of_kind(docs, "ConfigMap")}
    secrets = {d["metadata"]["name"] for d in of_kind(docs, "Secret")}
    wanted_configmaps, wanted_secrets = set(), set()
    for doc in of_kind(docs, "Deployment") + of_kind(docs, "Job"):
        for container in pod_spec(doc)["containers"]:
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    wanted_configmaps.add(source["configMapRef"]["name"])
                if "secretRef" in source:
                    wanted_secrets.add(source["secretRef"]["name"])
            for env in container.get("env", []):
                ref = env.get("valueFrom", {})
                if "secretKeyRef" in ref:
                    wanted_secrets.add(ref["secretKeyRef"]["name"])
                if "configMapKeyRef" in ref:
                    wanted_configmaps.add(ref["configMapKeyRef"]["name"])
    assert wanted_configmaps <= configmaps, wanted_configmaps - configmaps
    if overlay == "prod":
        assert not secrets, "prod must not carry secrets: they are created in the cluster"
    else:
        assert wanted_secrets <= secrets, wanted_secrets - secrets


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_gateway_routes_to_every_service(rendered: dict[str, list[Manifest]], overlay: str) -> None:
    (gateway,) = labelled(rendered[overlay], "Deployment", "gateway", "api")
    env = {e["name"]: e.get("value") for e in pod_spec(gateway)["containers"][0]["env"]}
    routes = json.loads(env["OCMS_UPSTREAMS"] or "{}")
    assert routes == {s.name: f"http://{s.name}:{s.port}" for s in upstreams()}
    ingresses = of_kind(rendered[overlay], "Ingress")
    backends = [
        path["backend"]["service"]["name"]
        for ingress in ingresses
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    assert backends == ["gateway"], "only the gateway is exposed"


def test_prod_scales_and_pins_images(rendered: dict[str, list[Manifest]]) -> None:
    docs = rendered["prod"]
    deployments = {d["metadata"]["name"]: d for d in of_kind(docs, "Deployment")}
    autoscaled = {}
    for hpa in of_kind(docs, "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]["name"]
        assert target in deployments, f"HPA {hpa['metadata']['name']} scales nothing"
        autoscaled[target] = hpa["spec"]["minReplicas"]
    assert "gateway" in autoscaled
    assert "reporting-api" in autoscaled, "ops scale reporting on its own"
    for name, doc in deployments.items():
        if name in autoscaled:
            # The HPA owns the count; a fixed one would be reset on every apply.
            assert "replicas" not in doc["spec"], f"prod {name}: replicas beside its HPA"
            assert autoscaled[name] >= 2, f"prod {name}: HPA minReplicas below 2"
        else:
            assert doc["spec"].get("replicas", 1) >= 2, f"prod {name}: a single replica"
        for container in pod_spec(doc)["containers"]:
            image = container["image"]
            assert ":" in image and not image.endswith(":latest"), f"{name}: {image}"
    assert of_kind(docs, "PodDisruptionBudget")
    ingress = of_kind(docs, "Ingress")[0]
    assert ingress["spec"].get("tls"), "prod ingress without TLS"
