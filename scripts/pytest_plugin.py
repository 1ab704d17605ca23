"""pytest plugin of the repository-wide run (`-p scripts.pytest_plugin` in pyproject.toml).

pytest's importlib mode names a test module after its path from the repository root and
creates the missing parent modules: gateway/tests/unit/test_x.py becomes
`gateway.tests.unit.test_x`, and a stand-in `gateway` module would shadow the real
package (gateway/src/gateway), so `from gateway.settings import ...` would fail.
Importing first every service package named like its top-level directory keeps the
real package in place.
"""

import importlib

from scripts.services import SERVICES

for _service in SERVICES:
    if _service.src_dir == _service.package:
        importlib.import_module(_service.package)
