"""Canonical indicators (data/indicators.csv): a raw indicator phrase → an indicator id.

The longest alias found inside the phrase wins, so 工业固定资产投资 maps to industrial
investment and 全社会固定资产投资总额 to fixed-asset investment.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import regex

from pipeline.resources import load_csv


@dataclass(frozen=True)
class Indicator:
    id: str
    name_zh: str
    name_en: str
    dimension: str


class IndicatorLexicon:
    def __init__(self) -> None:
        rows = load_csv("extractors", "indicators.csv")
        self.indicators = {r["id"]: Indicator(r["id"], r["name_zh"], r["name_en"], r["dimension"]) for r in rows}
        self._by_alias = {alias: r["id"] for r in rows for alias in r["aliases"].split("|") if alias}
        aliases = sorted(self._by_alias, key=len, reverse=True)
        self._pattern = regex.compile("|".join(map(regex.escape, aliases)))

    def lookup(self, phrase: str | None) -> Indicator | None:
        """The indicator whose longest alias occurs in `phrase`, or None when none does."""
        if not phrase:
            return None
        found = self._pattern.findall(phrase, overlapped=True)
        if not found:
            return None
        return self.indicators[self._by_alias[max(found, key=len)]]

    def resolve(self, name: str) -> Indicator | None:
        """An indicator by id, canonical name or alias (exact), for queries."""
        if name in self.indicators:
            return self.indicators[name]
        indicator_id = self._by_alias.get(name)
        return self.indicators[indicator_id] if indicator_id else None


@cache
def lexicon() -> IndicatorLexicon:
    return IndicatorLexicon()
