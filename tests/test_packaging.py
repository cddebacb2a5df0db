"""Packaging: the wheel builds without warnings, installs (non-editable) into a fresh venv with only
the core dependencies, and the `cogov` command runs a scenario from another folder.

No network: the fresh venv gets the core dependencies (and nothing else: no Solara, no Dask) from
this test environment, linked into a folder on its path, and pip installs with ``--no-index``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(".venv", ".git", "out", "results", "test-artifacts", "build", "*.egg-info",
                              "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "tests")


def _core_closure(requirements: list[str]) -> set[str]:
    """Distribution names needed by `requirements` (no extras of cogov), following dependencies."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(req.name)
        if name in seen:
            continue
        seen.add(name)
        dist = metadata.distribution(req.name)
        for sub in dist.requires or []:
            sub_req = Requirement(sub)
            if sub_req.marker is None or any(sub_req.marker.evaluate({"extra": e}) for e in ("", *req.extras)):
                todo.append(sub_req)
    return seen


def _link_distributions(names: set[str], into: Path) -> None:
    """Symlink every top-level file or folder of the installed distributions `names` into `into`."""
    into.mkdir()
    for name in names:
        dist = metadata.distribution(name)
        base = Path(dist.locate_file(""))
        for tops in {Path(f).parts[0] for f in dist.files or []}:
            src = base / tops
            if tops in ("..", "bin") or not src.exists() or (into / tops).exists():
                continue
            (into / tops).symlink_to(src)


@pytest.mark.slow
def test_wheel_installs_into_fresh_venv_and_runs_from_another_folder(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "--no-build-isolation",
                            "--no-index", "-w", str(tmp_path / "dist"), str(src)],
                           capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    log = built.stdout + built.stderr
    assert not re.search(r"SetuptoolsDeprecationWarning|SetuptoolsWarning|Package would be ignored", log), log
    wheel = next((tmp_path / "dist").glob("cogov-*.whl"))

    from model import __version__

    assert f"cogov-{__version__}-" in wheel.name  # the version comes from model.__version__
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "scenarios/baseline.toml" in names and "scenarios/sweeps/points_sobol.toml" in names
    assert any(n.endswith("licenses/LICENSE") for n in names)
    core = [line.split(":", 1)[1].strip() for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    core = [r for r in core if "extra ==" not in r]
    assert {canonicalize_name(Requirement(r).name) for r in core} == {
        "mesa", "numpy", "pandas", "pyarrow", "matplotlib", "tqdm", "salib"}

    site = tmp_path / "core-site"
    _link_distributions(_core_closure(core), site)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    purelib = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "core-deps.pth").write_text(f"{site}\n")
    installed = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-index",
                                "--no-build-isolation", str(wheel)], capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    cogov = venv / "bin" / "cogov"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(cogov), *args], capture_output=True, text=True, cwd=elsewhere, env=env,
                              timeout=300)

    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"cogov {__version__}"
    result = run("run", "baseline", "--weeks", "4", "--seed", "2", "--out", "out")
    assert result.returncode == 0, result.stderr
    meta_json = json.loads((elsewhere / "out" / "run.json").read_text())
    assert meta_json["weeks"] == 4 and meta_json["seed"] == 2
    assert "git_commit" not in meta_json["versions"]  # an installed copy is not a git checkout
    where = subprocess.run([str(py), "-c", "import model, sys; print(model.__file__)"], capture_output=True,
                           text=True, cwd=elsewhere, env=env, check=True).stdout
    assert where.startswith(purelib), where  # the installed copy, not the checkout

    # the core install has no browser stack: `cogov viz` says which extra to install, on one line
    viz = run("viz", "--port", "0")
    assert viz.returncode == 2 and len(viz.stderr.strip().splitlines()) == 1, viz.stderr
    assert "cogov[viz]" in viz.stderr
