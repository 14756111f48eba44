"""Document metadata: the title line, the document type and the year reported on."""
from __future__ import annotations

from collections import Counter

import regex

from parksum.text.doc import Document
from parksum.text.resources import load_json

_YEAR = regex.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?=年)")
_TITLE_ENDS = set("。；;，,：:！!？?")
_MAX_TITLE = 60


class DocumentMetadata:
    """Pipeline component: fills `doc.title`, `doc.doc_type` and `doc.year`."""

    name = "metadata"

    def __init__(self) -> None:
        self._types = load_json("parksum.structure", "doc_types.json")
        headings = load_json("parksum.structure", "headings.json")
        self._heading_start = regex.compile("|".join(s["pattern"] for s in headings["styles"]))

    def __call__(self, doc: Document) -> Document:
        doc.title = self.title(doc.norm)
        doc.doc_type = self.doc_type(doc.title, doc.norm)
        doc.year = self.year(doc.title, doc.norm) or doc.year
        return doc

    def title(self, norm: str) -> str | None:
        """The first line when it reads as a title: short, unpunctuated, not a heading, not alone."""
        lines = [line.strip() for line in norm.splitlines() if line.strip()]
        if len(lines) < 2:
            return None
        first = lines[0]
        if len(first) > _MAX_TITLE or first[-1] in _TITLE_ENDS or "。" in first:
            return None
        if self._heading_start.match(first):
            return None
        return first

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
