"""Language data (markers, lexicons, unit tables) lives in data files, read once."""
from __future__ import annotations

import csv
import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_json(package: str, name: str) -> Any:
    """`data/<name>` of a package (`pipeline` or `extractors`), parsed once per process."""
    return json.loads(resources.files(package).joinpath("data", name).read_text(encoding="utf-8"))


@cache
def load_csv(package: str, name: str) -> tuple[dict[str, str], ...]:
    with resources.files(package).joinpath("data", name).open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))
