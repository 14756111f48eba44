"""Masked placeholders: every maximal run of mask marks, with what it hides.

A mask stands for a value known to exist and withheld. It is never read as a number
and never dropped. Its kind is read from its context: part of a quantity, of a period
(**月, 20XX年), of a term in quotes or book-title marks, of a proper name, or other.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable
from itertools import accumulate

import regex

from parksum.extractors.units import not_after_measure_word, units_longest_first
from parksum.text.doc import Document, Placeholder
from parksum.text.resources import load_json

MASK_CHAR = "*"


def mask_spec() -> dict:
    """data/masks.json: the mask marks, and the context words that tell what a mask hides."""
    return load_json("parksum.extractors", "masks.json")


class MaskMarks:
    """Finds mask runs in normalised text (data/masks.json)."""

    def __init__(self) -> None:
        spec = mask_spec()
        self.spec = spec
        self._runs = regex.compile(f"[{regex.escape(spec['marks'])}]+")
        self._latin = set(spec["latin_marks"])
        self._zero_like = set(spec["zero_like"])
        self._cn_digits = set(spec["chinese_digits"])

    def runs(self, norm: str) -> list[tuple[int, int]]:
        found = []
        for m in self._runs.finditer(norm):
            start, end = m.span()
            run = m.group()
            before = norm[start - 1] if start else ""
            after = norm[end] if end < len(norm) else ""
            if self._latin & set(run) and (_is_latin(before) or _is_latin(after)):
                continue  # x inside a Latin word (Excel, Xbox) is a letter
            if set(run) <= self._zero_like and (before in self._cn_digits or after in self._cn_digits):
                continue  # 二○二二: ○ is a zero
            found.append((start, end))
        return found


def masked_view(norm: str, runs: list[tuple[int, int]]) -> str:
    """The normalised text with every mask run written as `*` (same length), for the number patterns."""
    if not runs:
        return norm
    parts, last = [], 0
    for start, end in runs:
        parts.append(norm[last:start])
        parts.append(MASK_CHAR * (end - start))
        last = end
    parts.append(norm[last:])
    return "".join(parts)


class PlaceholderExtractor:
    """Pipeline component: fills `doc.placeholders` in document order. It runs after the quantities:
    a run inside a quantity's span is that quantity's withheld number."""

    name = "placeholders"

    def __init__(self) -> None:
        self.marks = MaskMarks()
        spec = self.marks.spec
        self._quotes = spec["term_quotes"]
        self._period_after = tuple(spec["period_after"])
        self._quantity_after = tuple(spec["quantity_after"])
        self._quantity_before = tuple(spec["quantity_before"])
        self._scale = spec["scale_separator"]
        self._period_range = regex.compile(spec["period_range_before"])
        self._rank_around = [tuple(pair) for pair in spec["rank_around"]]
        # the run's 、-list of masks goes on to a closing head word: XX、XX、XX四大主导产业
        self._list_head = regex.compile(r"(?:、\*+)*[、和及]?\*{0,4}[一二三四五六七八九十几两]?大?(?:"
                                        + "|".join(map(regex.escape, spec["list_heads"])) + ")")
        self._unit_start = regex.compile("(?:" + "|".join(map(regex.escape, units_longest_first())) + ")")
        self._industries = _industry_terms()
        self._word_after_unit = not_after_measure_word()

    def __call__(self, doc: Document) -> Document:
        runs = self.marks.runs(doc.norm)
        scan = masked_view(doc.norm, runs)
        in_quantity = _coverage([(q.start, q.end) for q in doc.quantities])
        doc.placeholders = []
        for start, end in runs:
            kind = self.kind(scan, start, end)
            start, end = doc.text_span(start, end)
            doc.placeholders.append(Placeholder(start, end, doc.text[start:end],
                                                "quantity" if in_quantity(start, end) else kind,
                                                section=_section_index(doc, start)))
        return doc

    def kind(self, scan: str, start: int, end: int) -> str:
        """quantity, period, term, other or name, from the characters around the run."""
        after = scan[end:end + 4]
        before = scan[max(0, start - 4):start]
        if (after.startswith(self._period_after) or (before.endswith("20") and after.startswith("年"))
                or self._period_range.match(scan, end)):
            return "period"
        if self._in_quotes(scan, start):
            return "term"
        if (after.startswith(self._scale) and scan[end + 1:end + 2] == MASK_CHAR) or (
                before.endswith(self._scale) and scan[start - 2:start - 1] == MASK_CHAR):
            return "other"  # a map scale such as *:*
        if self._looks_numeric(scan, start, end, before, after) or any(
                before.endswith(left) and after.startswith(right) for left, right in self._rank_around):
            return "quantity"
        if self._in_industry_list(scan, start, end) or self._list_head.match(scan, end):
            return "other"
        return "name"

    def _looks_numeric(self, scan: str, start: int, end: int, before: str, after: str) -> bool:
        if (before[-1:].isdigit() or after[:1].isdigit() or after.startswith(self._quantity_after)
                or before.endswith("/")):
            return True
        unit = self._unit_start.match(scan, end) or (after[:1] in "余多" and self._unit_start.match(scan, end + 1))
        if unit and not scan.startswith(self._word_after_unit, unit.end()):
            return True  # **亿元, **余家; not **项目
        clause_end = after[:1] in "，,。；;）) \n" or not after
        return clause_end and before.endswith(self._quantity_before)

    def _in_quotes(self, scan: str, start: int) -> bool:
        return inside_pair(scan, start, self._quotes)

    def _in_industry_list(self, scan: str, start: int, end: int) -> bool:
        """A masked item in a list of industries (金属智造、**、新材料) is an industry, not a name."""
        left = regex.search(r"([^，,。；;：:、“”\n]*)、[^，,。；;：:、“”\n]*$", scan[max(0, start - 20):start])
        right = regex.match(r"[^，,。；;：:、“”\n]*、([^，,。；;：:、“”\n]*)", scan, pos=end)
        neighbours = [g for g in (left and left.group(1), right and right.group(1)) if g]
        return any(any(term in n for term in self._industries) for n in neighbours)


def inside_pair(scan: str, start: int, pairs: dict[str, str]) -> bool:
    """Whether `start` lies inside an open pair of quotes or book-title marks on its line."""
    line_start = scan.rfind("\n", 0, start) + 1
    segment = scan[line_start:start]
    for opening, closing in pairs.items():
        if opening == closing:
            if segment.count(opening) % 2:
                return True
        elif segment.rfind(opening) > segment.rfind(closing):
            return True
    return False


def _industry_terms() -> tuple[str, ...]:
    return tuple(load_json("parksum.extractors", "industries.json")["industries"])


def _coverage(spans: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """A test of whether [start, end) lies inside one of `spans`: some span starting at or before
    `start` reaches `end` exactly when the furthest of them does."""
    spans.sort()
    starts = [s for s, _ in spans]
    reach = list(accumulate((e for _, e in spans), max))

    def covered(start: int, end: int) -> bool:
        i = bisect.bisect_right(starts, start) - 1
        return i >= 0 and reach[i] >= end

    return covered


def _section_index(doc: Document, offset: int) -> int | None:
    section = doc.section_at(offset)
    return section.index if section else None


def _is_latin(ch: str) -> bool:
    return ("a" <= ch <= "z" or "A" <= ch <= "Z") and ch not in "xX"
