"""Fuzzed documents for the extractors (Hypothesis): the language's pieces (tests/data/fuzz_fragments.json)
mixed with random characters, and what every processed document must satisfy."""
from __future__ import annotations

import json

from hypothesis import strategies as st

from parksum.text.doc import Document
from tests.conftest import DATA

FRAGMENTS = json.loads((DATA / "fuzz_fragments.json").read_text(encoding="utf-8"))["fragments"]

documents = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6),
              st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), max_size=6)),
    max_size=80,
).map("".join)


def spans_point_at_their_text(doc: Document) -> None:
    """Every span of the document is the text at its offsets, and sections lie inside the text."""
    text = doc.text
    for item in (*doc.quantities, *doc.placeholders, *doc.entities):
        assert text[item.start:item.end] == item.text, item
    for section in doc.sections:
        assert 0 <= section.start <= section.end <= len(text), section
    for heading in doc.headings:
        assert text[heading.start:heading.marker_end] == heading.marker, heading
