"""The `entities` pipeline component: the trained model where it exists, the rules always.

The rules' names come first; the model's names that overlap none of them are added. Without
models/ner/model-best the component warns once and runs the rules alone, so that ingest keeps
working; with `use_model = false` (pipeline.toml, or --no-ner) it never loads spaCy.
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from extractors.ner.gazetteer import RuleNer, Span
from extractors.ner.segment import mask_pattern
from extractors.ner.train import MODEL
from pipeline.doc import Document, Entity

PARAGRAPH = re.compile(r"[^\n]+")


class ModelMissingWarning(UserWarning):
    pass


@cache
def load_model(path: Path = MODEL):
    """The trained spaCy pipeline, or None (with a warning) when it has not been built."""
    if not (path / "meta.json").is_file():
        warnings.warn(f"NER model not found at {path}: entities come from the rules alone "
                      "(build it with `make model`)", ModelMissingWarning, stacklevel=2)
        return None
    import spacy

    return spacy.load(path)


class ModelNer:
    """Entities found by the trained model, paragraph by paragraph."""

    def __init__(self, nlp) -> None:
        self.nlp = nlp

    def __call__(self, text: str) -> list[Span]:
        paragraphs = [(m.start(), m.group()) for m in PARAGRAPH.finditer(text)]
        spans = []
        for (offset, _), doc in zip(paragraphs, self.nlp.pipe(p for _, p in paragraphs), strict=True):
            for ent in doc.ents:
                surface = ent.text
                spans.append(Span(offset + ent.start_char, offset + ent.end_char, ent.label_, surface,
                                  bool(mask_pattern().search(surface))))
        return spans


def merge(model: list[Span], rules: list[Span]) -> list[Span]:
    """Rule spans, then model spans overlapping none of them: the rules are more precise, the
    model adds names no rule lists (measured by `parksum evaluate-ner`)."""
    kept = list(rules)
    kept += [s for s in model if not any(_overlap(s, k) for k in rules)]
    return sorted(kept, key=lambda s: s.start)


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


class EntityExtractor:
    """Pipeline component: fills `doc.entities` with each name's label, span, mask flag and section."""

    def __init__(self, use_model: bool = True, model_path: Path = MODEL) -> None:
        self.rules = RuleNer()
        nlp = load_model(model_path) if use_model else None  # no model, no spaCy import
        self.model = ModelNer(nlp) if nlp is not None else None

    def spans(self, text: str) -> list[Span]:
        rules = self.rules(text)
        return merge(self.model(text), rules) if self.model else rules

    def __call__(self, doc: Document) -> Document:
        doc.entities = list(self._entities(doc))
        return doc

    def _entities(self, doc: Document) -> Iterator[Entity]:
        model_spans = set()
        spans = self.rules(doc.text)
        if self.model:
            found = self.model(doc.text)
            model_spans = {(s.start, s.end, s.label) for s in found}
            spans = merge(found, spans)
        for s in spans:
            section = doc.section_at(s.start)
            yield Entity(start=s.start, end=s.end, text=s.text, label=s.label, masked=s.masked,
                         source="model" if (s.start, s.end, s.label) in model_spans else "rules",
                         section=section.index if section else None)
