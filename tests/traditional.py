"""Simplified → traditional characters, one for one (OpenCC's STCharacters table), for the tests and scripts
that make traditional copies of the corpus (the Big5 format test, the dirty batch)."""
from __future__ import annotations

from functools import cache

from parksum.text.clean import opencc_one_for_one


@cache
def to_traditional() -> dict[int, str]:
    """A str.translate table: each simplified character with a single-character traditional form."""
    return opencc_one_for_one("STCharacters.txt")
