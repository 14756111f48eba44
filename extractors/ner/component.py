"""The `entities` pipeline component: the trained model where it exists, else the rules.

The model reads the rules' labels as features (extractors/ner/features.py), so its names
already hold the rules' decisions, corrected where it learned better; an entity's `source` says
whether the rules found the same span ("rules") or only the model did ("model"). Without
models/ner/model-best the component warns once and runs the rules alone, so that ingest keeps
working; with `use_model = false` (pipeline.toml, or --no-ner) it never loads spaCy.
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from extractors.ner.gazetteer import RuleNer, Span, gazetteer
from extractors.ner.segment import mask_pattern
from extractors.ner.train import MODEL
from pipeline.doc import Document, Entity
from pipeline.resources import load_json

# The model is trained on sentences (extractors/ner/weak_labels.py) and reads sentences: it never
# saw a name run across 。, and must not be given the chance.
SENTENCE = re.compile(r"[^\n。！？；]+[。！？；]?")


@cache
def _clause_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Quoted and bracketed passages (the placeholders' term quotes and the names' brackets), which may
    hold clause marks inside a name (“千村示范、万村整治”工程), and the clause marks themselves."""
    g = gazetteer()
    pairs = load_json("extractors", "masks.json")["term_quotes"] | g["name_brackets"]
    enclosed = "|".join(f"{re.escape(a)}[^{re.escape(b)}]*{re.escape(b)}" for a, b in pairs.items())
    return re.compile(enclosed), re.compile(f"[{re.escape(g['clause_marks'])}]")


def runs_across_clauses(label: str, text: str) -> bool:
    """Whether a name runs over a clause mark outside quotes and brackets. No name does (a 《title》
    may), but the model's greedy decoder sometimes opens one and runs it on to the sentence's end."""
    enclosed, clause_mark = _clause_patterns()
    return label != "DOC" and bool(clause_mark.search(enclosed.sub("", text)))


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

    import extractors.ner.features  # noqa: F401  registers the model's tokenizer

    return spacy.load(path)


class ModelNer:
    """Entities found by the trained model, sentence by sentence, less names run across clauses."""

    def __init__(self, nlp) -> None:
        self.nlp = nlp

    def __call__(self, text: str) -> list[Span]:
        sentences = [(m.start(), m.group()) for m in SENTENCE.finditer(text)]
        spans = []
        for (offset, _), doc in zip(sentences, self.nlp.pipe(p for _, p in sentences), strict=True):
            for ent in doc.ents:
                surface = ent.text
                if runs_across_clauses(ent.label_, surface):
                    continue
                spans.append(Span(offset + ent.start_char, offset + ent.end_char, ent.label_, surface,
                                  bool(mask_pattern().search(surface))))
        return spans


class EntityExtractor:
    """Pipeline component: fills `doc.entities` with each name's label, span, mask flag and section."""

    def __init__(self, use_model: bool = True, model_path: Path = MODEL) -> None:
        self.rules = RuleNer()
        nlp = load_model(model_path) if use_model else None  # no model, no spaCy import
        self.model = ModelNer(nlp) if nlp is not None else None

    def spans(self, text: str) -> list[Span]:
        return self.model(text) if self.model else self.rules(text)

    def __call__(self, doc: Document) -> Document:
        doc.entities = list(self._entities(doc))
        return doc

    def _entities(self, doc: Document) -> Iterator[Entity]:
        rule_spans = {(s.start, s.end, s.label) for s in self.rules(doc.text)} if self.model else set()
        for s in self.spans(doc.text):
            section = doc.section_at(s.start)
            found_by = "model" if self.model and (s.start, s.end, s.label) not in rule_spans else "rules"
            yield Entity(start=s.start, end=s.end, text=s.text, label=s.label, masked=s.masked,
                         source=found_by, section=section.index if section else None)
