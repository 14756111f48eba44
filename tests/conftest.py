"""Shared fixtures: paths to test data and to ../shared (gold annotations and corpora)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "gold" / "score.py").is_file():
        pytest.skip(f"{SHARED} with gold/score.py is absent: gold scores cannot be measured here")
    return SHARED


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'parks.db'}"
