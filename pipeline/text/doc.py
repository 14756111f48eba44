"""The document object that flows through the pipeline, and the units it is split into.

Every span is a pair of code-point offsets into `Document.text`, the text exactly as
decoded from the source file. Components read `Document.norm`, the cleaned view of the
text (parksum.text.clean: normalised, with boilerplate, hard line breaks and number-unit
spaces left out), and map what they find there back with `text_span` before they append it
to the document.
"""
from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from parksum.text.clean import clean
from parksum.text.word import Segment


@dataclass
class Section:
    """One unit of the outline tree: the preamble (depth 0) or a numbered heading."""

    index: int
    depth: int
    marker: str | None  # as written: 一、 （一） 1. 一是 …; None for the preamble
    style: str | None  # marker family from data/headings.json
    ordinal: int | None
    title: str
    start: int  # the section starts at its marker
    end: int  # and runs to the next heading at the same or a shallower depth
    marker_end: int
    parent: int | None
    path: str  # e.g. 三/（一）/一是
    kind: str = "other"  # achievements, problems, plans, other

    @property
    def is_heading(self) -> bool:
        return self.marker is not None


@dataclass
class Quantity:
    start: int
    end: int
    text: str
    indicator: str | None
    role: str
    masked: bool
    value: float | None
    unit: str | None
    qualifier: str | None
    status: str
    period: str | None
    deleted: bool = False
    threshold: bool = False  # the bound of a class (税收500万元以上企业6家): no figure of its indicator, never a fact
    value_low: float | None = None
    value_high: float | None = None
    indicator_id: str | None = None
    base_unit: str | None = None
    base_value: float | None = None
    period_year: int | None = None
    sentence_start: int = 0
    sentence_end: int = 0
    section: int | None = None


@dataclass
class Placeholder:
    start: int
    end: int
    text: str
    kind: str  # quantity, period, name, term, other
    section: int | None = None


@dataclass
class Entity:
    start: int
    end: int
    text: str
    label: str
    masked: bool
    source: str = "rules"  # rules or model
    section: int | None = None


@dataclass
class Document:
    text: str
    name: str  # the source file name
    park: str | None = None  # the uploader's tag, else the park the document names
    park_in_text: str | None = None  # the park the document itself names (extractors/park.py)
    year: int | None = None  # the year the document reports on: the uploader's tag, else the text's
    year_in_text: int | None = None  # the year the document itself names
    period: str | None = None  # the part of the year it covers, as written: 上半年, 1-9月
    title: str | None = None
    doc_type: str | None = None
    encoding: str | None = None
    sha256: str | None = None
    norm: str = field(default="", repr=False)
    # text offset of each character of `norm` (and of its end); None where norm is as long as text
    origin: Sequence[int] | None = field(default=None, repr=False)
    boilerplate: list[tuple[int, int]] = field(default_factory=list)  # spans of text: web, page furniture
    folded: bool = False  # written in traditional characters: `norm` reads them as simplified ones
    # where each character of `text` was read from in a .docx (paragraph, list label, table cell); () for text
    sources: tuple[Segment, ...] = field(default=(), repr=False)
    sections: list[Section] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.norm:
            cleaned = clean(self.text)
            self.norm, self.origin, self.boilerplate = cleaned.norm, cleaned.origin, list(cleaned.boilerplate)
            self.folded = cleaned.folded

    def text_offset(self, offset: int) -> int:
        """The offset in `text` of the character at `offset` in `norm`."""
        return offset if self.origin is None else self.origin[offset]

    def text_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of `norm` as a span of `text` (it covers what the view left out inside it)."""
        if self.origin is None:
            return start, end
        return self.origin[start], (self.origin[end - 1] + 1 if end > start else self.origin[start])

    def written(self, start: int, end: int) -> str:
        """The text as written under a span of `norm` (`2022 年` where the view reads 2022年)."""
        text_start, text_end = self.text_span(start, end)
        return self.text[text_start:text_end]

    def norm_offset(self, offset: int) -> int:
        """The offset in `norm` of the first view character at or after `offset` in `text`."""
        return offset if self.origin is None else bisect.bisect_left(self.origin, offset)

    def source_at(self, offset: int) -> dict[str, Any] | None:
        """Where the character at `offset` of `text` was read from; None for a text file."""
        i = bisect.bisect_right(self.sources, offset, key=lambda s: s.start) - 1
        if i < 0 or offset >= self.sources[i].end:
            return None
        return self.sources[i].at(offset)

    @property
    def headings(self) -> list[Section]:
        return [s for s in self.sections if s.is_heading]

    def section_at(self, offset: int) -> Section | None:
        """The innermost section whose span holds `offset`."""
        i = bisect.bisect_right(self.sections, offset, key=lambda s: s.start) - 1
        while i >= 0:
            section = self.sections[i]
            if section.start <= offset < section.end or (offset == section.end == len(self.text)):
                return section
            i = section.parent if section.parent is not None else -1
        return self.sections[0] if self.sections else None

    def to_contract(self) -> dict[str, Any]:
        """The per-document JSON of ../shared/gold/CONTRACT.md, with a few more keys."""
        return {
            "doc": self.name,
            "title": self.title,
            "park": self.park,
            "park_in_text": self.park_in_text,
            "year": self.year,
            "year_in_text": self.year_in_text,
            "period": self.period,
            "doc_type": self.doc_type,
            "boilerplate": [list(span) for span in self.boilerplate],
            "headings": [
                {"start": s.start, "end": s.marker_end, "marker": s.marker, "depth": s.depth,
                 "title": s.title, "kind": s.kind, "path": s.path}
                for s in self.headings
            ],
            "quantities": [{**asdict(q), "source": self.source_at(q.start)} if self.sources else asdict(q)
                           for q in self.quantities],
            "placeholders": [asdict(p) for p in self.placeholders],
            "entities": [asdict(e) for e in self.entities],
        }
