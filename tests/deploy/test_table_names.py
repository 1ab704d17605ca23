"""Every service's ORM models load into one process: table names are unique across
services (they share the kit's declarative Base, and a test run imports them all)."""

import importlib
from collections import defaultdict

import pytest

from kit.db import Base
from scripts.services import db_services

pytestmark = pytest.mark.deploy


def test_every_service_models_load_together() -> None:
    packages = {service.package for service in db_services()}
    for package in sorted(packages):
        # A table name used twice raises here (InvalidRequestError: already defined).
        importlib.import_module(f"{package}.models")
    owners: dict[str, set[str]] = defaultdict(set)
    for mapper in Base.registry.mappers:
        name = str(mapper.class_.__tablename__)
        owners[name].add(mapper.class_.__module__.split(".")[0])
    shared = {name: found for name, found in owners.items() if len(found & packages) > 1}
    assert not shared, f"tables declared by several services: {shared}"
    assert packages <= {p for found in owners.values() for p in found}, "a service without tables"
