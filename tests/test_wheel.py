"""The installed wheel works outside the checkout: `pip wheel .`, installed in a fresh venv, ingests,
extracts (with and without NER) and reports from another working directory.

The fresh venv borrows the test environment's third-party packages through a path entry (not
its site directory: the checkout's editable install is not activated there), so that no package
is downloaded; parksum itself comes only from the wheel.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SEED = ROOT / "corpus" / "002_8f1f4c12a115cc13.txt"


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv with only the wheel of this checkout installed."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(base / "dist")], check=True, capture_output=True)
    wheel = next((base / "dist").glob("parksum-*.whl"))
    venv.EnvBuilder(with_pip=False).create(base / "venv")
    python = base / "venv" / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q", str(wheel)],
                   check=True, capture_output=True)
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    return base / "venv" / "bin"


def _run(bin_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARKSUM_", "PYTHONPATH"))}
    return subprocess.run([str(bin_dir / "parksum"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=600)


def test_the_package_is_imported_from_the_wheel_not_the_checkout(installed, tmp_path):
    where = subprocess.run([str(installed / "python"), "-c", "import parksum.paths as p; print(p.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert str(installed.parent) in where and str(ROOT) not in where


def test_the_wheel_ingests_extracts_and_reports_anywhere(installed, tmp_path):
    upload = tmp_path / "uploads" / "a.txt"
    upload.parent.mkdir()
    shutil.copy(SEED, upload)
    work = tmp_path / "elsewhere"
    work.mkdir()
    ingest = _run(installed, work, "ingest", str(upload.parent), "--no-ner", "--park", "高新园", "--db", "p.db")
    assert ingest.returncode == 0, ingest.stderr
    assert "高新园: 1" in ingest.stdout
    for flags, out in (([], "ner"), (["--no-ner"], "rules")):
        result = _run(installed, work, "extract", str(upload), "--out", out, *flags)
        assert result.returncode == 0, result.stderr
        extracted = json.loads((work / out / "a.json").read_text(encoding="utf-8"))
        assert extracted["headings"] and extracted["quantities"] and extracted["entities"]
        assert {e["source"] for e in extracted["entities"]} == ({"rules", "model"} if not flags else {"rules"})
    report = _run(installed, work, "report", "--db", "p.db", "--out", "r.html")
    assert report.returncode == 0, report.stderr
    assert "园区工作总结对比报告" in (work / "r.html").read_text(encoding="utf-8")
