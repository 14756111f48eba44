"""Document metadata read from the document: the title line, the document type, the year reported on
and the part of it covered (上半年, 1-9月).

An uploader's tags win: `doc.year` stays the tagged year where there is one, and the year the document
names is kept beside it (`year_in_text`), so that a disagreement can be reported, not lost.
"""
from __future__ import annotations

from collections import Counter

import regex

from parksum.text.doc import Document
from parksum.text.resources import load_json

_YEAR = regex.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?=年)")
_TITLE_ENDS = set("。；;，,：:！!？?")
_MAX_TITLE = 60
_LINE = regex.compile(r"\S(?:[^\n]*\S)?")  # a line's text without its surrounding spaces


class DocumentMetadata:
    """Pipeline component: fills `doc.title`, `doc.doc_type`, `doc.year_in_text`, `doc.period` and,
    where no tag gave one, `doc.year`."""

    name = "metadata"

    def __init__(self) -> None:
        self._types = load_json("parksum.structure", "doc_types.json")
        headings = load_json("parksum.structure", "headings.json")
        self._heading_start = regex.compile("|".join(s["pattern"] for s in headings["styles"]))
        self._period = regex.compile("|".join(self._types["covered_periods"]))

    def __call__(self, doc: Document) -> Document:
        span = self.title_span(doc.norm)
        title = doc.norm[span[0]:span[1]] if span else None
        doc.title = doc.written(*span) if span else None
        doc.doc_type = self.doc_type(title, doc.norm)
        doc.year_in_text = self.year(title, doc.norm)
        doc.year = doc.year or doc.year_in_text
        doc.period = self.period(title, doc.norm)
        return doc

    def title_span(self, norm: str) -> tuple[int, int] | None:
        """The first line, trimmed, when it reads as a title: short, unpunctuated, not a heading, not alone."""
        lines = list(_LINE.finditer(norm))
        if len(lines) < 2:
            return None
        first = lines[0].group()
        if len(first) > _MAX_TITLE or first[-1] in _TITLE_ENDS or "。" in first or self._heading_start.match(first):
            return None
        return lines[0].span()

    def doc_type(self, title: str | None, norm: str) -> str:
        if title:
            for doc_type, words in self._types["title_keywords"]:
                if any(word in title for word in words):
                    return doc_type
        opening = norm[:600]
        for doc_type, cues in self._types["text_cues"]:
            if any(cue in opening for cue in cues):
                return doc_type
        return self._types["default"]

    @staticmethod
    def year(title: str | None, norm: str) -> int | None:
        """The first year in the title, else the year the text names most often."""
        if title and (m := _YEAR.search(title)):
            return int(m.group(1))
        counts = Counter(int(y) for y in _YEAR.findall(norm))
        if not counts:
            return None
        return max(counts, key=lambda y: (counts[y], -y))

    def period(self, title: str | None, norm: str) -> str | None:
        """The part of the year the document covers, as its title or opening names it (上半年, 1-9月)."""
        for text in (title, norm[:self._types["period_opening_chars"]]):
            if text and (m := self._period.search(text)):
                return m.group()
        return None
