"""Canonical indicators (data/indicators.csv): a raw indicator phrase → an indicator id.

The longest alias found inside the phrase wins, so 工业固定资产投资 maps to industrial
investment and 全社会固定资产投资总额 to fixed-asset investment.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from parksum.text.resources import load_csv


@dataclass(frozen=True)
class Indicator:
    id: str
    name_zh: str
    name_en: str
    dimension: str


class IndicatorLexicon:
    def __init__(self) -> None:
        rows = load_csv("parksum.extractors", "indicators.csv")
        self.indicators = {r["id"]: Indicator(r["id"], r["name_zh"], r["name_en"], r["dimension"]) for r in rows}
        self._by_alias = {alias: r["id"] for r in rows for alias in r["aliases"].split("|") if alias}
        self._longest = max(map(len, self._by_alias))

    @lru_cache(maxsize=8192)  # noqa: B019 - one lexicon per process; phrases repeat across a batch
    def lookup(self, phrase: str | None) -> Indicator | None:
        """The indicator whose longest alias occurs in `phrase`, or None when none does."""
        if not phrase:
            return None
        for size in range(min(len(phrase), self._longest), 0, -1):  # longest first; short phrases, few lookups
            for start in range(len(phrase) - size + 1):
                indicator_id = self._by_alias.get(phrase[start:start + size])
                if indicator_id:
                    return self.indicators[indicator_id]
        return None

    def aliases(self) -> list[str]:
        return list(self._by_alias)

    def suggest(self, fragment: str) -> list[Indicator]:
        """Indicators with an id or alias containing `fragment`, for 'did you mean' hints."""
        ids = {i for alias, i in self._by_alias.items() if fragment in alias}
        ids |= {i for i in self.indicators if fragment.lower() in i}
        return [self.indicators[i] for i in sorted(ids)]

    def resolve(self, name: str) -> Indicator | None:
        """An indicator by id, canonical name or alias (exact), for queries."""
        if name in self.indicators:
            return self.indicators[name]
        indicator_id = self._by_alias.get(name)
        return self.indicators[indicator_id] if indicator_id else None


@cache
def lexicon() -> IndicatorLexicon:
    return IndicatorLexicon()
