"""Canonical indicators (data/indicators.csv): a raw indicator phrase → an indicator id.

The longest alias found inside the phrase wins, so 工业固定资产投资 maps to industrial
investment and 全社会固定资产投资总额 to fixed-asset investment. The phrase's shape is read
first (data/indicator_shapes.json): affixes that do not change what is measured are stripped
(X完成, X增速, X个数), A实现B is read as B, a head such as 增加值 must be kept by the alias
(工业增加值 is never 工业总产值), X和Y naming two indicators names none, and a figure's unit
rules out indicators of another dimension (a count of firms is never a money indicator).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from parksum.extractors.units import unit_for
from parksum.text.resources import load_csv, load_json


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
        shapes = load_json("parksum.extractors", "indicator_shapes.json")
        self._rewrite = str.maketrans(shapes["rewrite"])
        self._suffixes = _longest_first(shapes["strip_suffixes"])
        self._head_verbs = _longest_first(shapes["head_verbs"])
        self._coordinators = _longest_first(shapes["coordinators"])
        self._heads = _longest_first(shapes["guarded_heads"])
        self._share_splits = _longest_first(shapes["share_splits"])
        self._unchecked_units = frozenset(shapes["unchecked_units"])
        self._dimensions = {unit: frozenset(allowed) for unit, allowed in shapes["unit_dimensions"].items()}

    @lru_cache(maxsize=8192)  # noqa: B019 - one lexicon per process; phrases repeat across a batch
    def lookup(self, phrase: str | None, unit: str | None = None) -> Indicator | None:
        """The indicator of `phrase`: the longest alias found in it once its shape is read (X完成, X增速,
        A实现B), of a dimension a figure in `unit` (as written) can have; None when none fits."""
        if not phrase:
            return None
        phrase = self._strip(phrase.translate(self._rewrite))
        allowed = self._allowed(unit)
        for verb in self._head_verbs:  # A实现B: B is what is measured
            at = phrase.rfind(verb, 1)
            tail = self._strip(phrase[at + len(verb):]) if at > 0 else ""
            if len(tail) >= 2:
                found = self._match(tail, allowed)
                if found:
                    return found
        return self._match(phrase, allowed)

    def _allowed(self, unit: str | None) -> frozenset[str] | None:
        """The indicator dimensions a figure in `unit` can be a value of; None: any."""
        if not unit or unit in self._unchecked_units:
            return None
        try:
            return self._dimensions.get(unit_for(unit).dimension)
        except KeyError:
            return None

    def _strip(self, phrase: str) -> str:
        while True:
            suffix = next((s for s in self._suffixes if phrase.endswith(s) and len(phrase) - len(s) >= 2), None)
            if suffix is None or self._ends_with_alias(phrase, len(suffix)):
                return phrase  # 人口自然增长率 is an indicator of its own, not 人口自然 + 增长率
            phrase = phrase[:-len(suffix)]

    def _ends_with_alias(self, phrase: str, longer_than: int) -> bool:
        sizes = range(longer_than + 1, min(len(phrase), self._longest) + 1)
        return any(phrase[-size:] in self._by_alias for size in sizes)

    def _match(self, phrase: str, allowed: frozenset[str] | None) -> Indicator | None:
        for split in self._share_splits:  # X占Y: the figure is of X
            at = phrase.find(split)
            whole = self._longest_alias(phrase, allowed, None)
            if at >= 0 and not (whole and whole[0] <= at < whole[1]):
                phrase = phrase[:at]
        head = next((h for h in self._heads if phrase.endswith(h)), None)
        best = self._longest_alias(phrase, allowed, head) if phrase else None
        if best is None:
            return None
        start, end, indicator_id = best
        for coordinator in self._coordinators:  # X和Y naming two indicators names none
            at = phrase.find(coordinator)
            while at >= 0:
                if at >= end or at + len(coordinator) <= start:
                    other_side = phrase[at + len(coordinator):] if at >= end else phrase[:at]
                    other = self._longest_alias(other_side, allowed, None)
                    if other and other[2] != indicator_id:
                        return None
                at = phrase.find(coordinator, at + 1)
        return self.indicators[indicator_id]

    def _longest_alias(self, phrase: str, allowed: frozenset[str] | None,
                       head: str | None) -> tuple[int, int, str] | None:
        """(start, end, id) of the longest alias in `phrase` (the first of equals) that ends with `head` when
        one is given and whose dimension is allowed."""
        for size in range(min(len(phrase), self._longest), 0, -1):  # longest first; short phrases, few lookups
            for start in range(len(phrase) - size + 1):
                alias = phrase[start:start + size]
                indicator_id = self._by_alias.get(alias)
                if not indicator_id or (head and not alias.endswith(head)):
                    continue
                if allowed is None or self.indicators[indicator_id].dimension in allowed:
                    return start, start + size, indicator_id
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


def _longest_first(words: list[str]) -> list[str]:
    return sorted(words, key=len, reverse=True)


@cache
def lexicon() -> IndicatorLexicon:
    return IndicatorLexicon()
