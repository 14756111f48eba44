"""The `entities` pipeline component: the trained models where they exist, else the rules.

The model is an ensemble (models/ner/ensemble.json): two spaCy models, which read the rules' labels
as features (extractors/ner/features.py), and the rules vote, and a name at least two of the three
find is kept. An entity's `source` says whether the rules found the same span ("rules") or only the
models did ("model"). Without the trained models the component warns once and runs the rules
alone, so that ingest keeps working; with `ner = false` (pipeline.toml, `Pipeline(ner=False)` or
`--no-ner`) it never loads spaCy.
"""
from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cache
from pathlib import Path

from parksum import paths
from parksum.extractors.ner.gazetteer import RuleNer, Span, gazetteer
from parksum.extractors.ner.segment import mask_pattern
from parksum.extractors.placeholders import mask_spec
from parksum.text.clean import traditional_to_simplified
from parksum.text.doc import Document, Entity

# The model is trained on sentences (extractors/training/weak_labels.py) and reads sentences: it never
# saw a name run across 。, and must not be given the chance.
SENTENCE = re.compile(r"[^\n。！？；]+[。！？；]?")


@cache
def _clause_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Quoted and bracketed passages (the placeholders' term quotes and the names' brackets), which may
    hold clause marks inside a name (“千村示范、万村整治”工程), and the clause marks themselves."""
    g = gazetteer()
    pairs = mask_spec()["term_quotes"] | g["name_brackets"]
    enclosed = "|".join(f"{re.escape(a)}[^{re.escape(b)}]*{re.escape(b)}" for a, b in pairs.items())
    return re.compile(enclosed), re.compile(f"[{re.escape(g['clause_marks'])}]")


def runs_across_clauses(label: str, text: str) -> bool:
    """Whether a name runs over a clause mark outside quotes and brackets. No name does (a 《title》
    may), but the model's greedy decoder sometimes opens one and runs it on to the sentence's end."""
    enclosed, clause_mark = _clause_patterns()
    return label != "DOC" and bool(clause_mark.search(enclosed.sub("", text)))


class ModelMissingWarning(UserWarning):
    pass


def model_dir() -> Path:
    """models/ner: the spaCy config, ensemble.json and one folder per trained member."""
    return paths.models_dir() / "ner"


@cache
def ensemble() -> dict:
    """models/ner/ensemble.json: the members (each with its training overrides) and the votes a name needs."""
    return json.loads((model_dir() / "ensemble.json").read_text(encoding="utf-8"))


def member_paths() -> tuple[Path, ...]:
    return tuple(model_dir() / name for name in ensemble()["members"])


def missing_models(members: tuple[Path, ...] | None = None) -> list[Path]:
    """The members of the ensemble that have not been built (`make model`)."""
    return [path for path in members or member_paths() if not (path / "meta.json").is_file()]


@cache
def load_models(members: tuple[Path, ...] | None = None) -> list | None:
    """The trained spaCy pipelines, or None (with a warning) when one of them has not been built."""
    members = members or member_paths()
    missing = missing_models(members)
    if missing:
        warnings.warn(f"NER model not found at {', '.join(map(str, missing))}: entities come from the rules "
                      "alone (build it with `make model`)", ModelMissingWarning, stacklevel=2)
        return None
    import spacy

    import parksum.extractors.ner.features  # noqa: F401  registers the models' tokenizer

    return [spacy.load(path) for path in members]


class ModelNer:
    """Entities found by vote: each model reads the text sentence by sentence (less names run across
    clauses), and a span and label found by at least `min_votes` of the models and the rules is kept."""

    def __init__(self, nlps: Sequence, min_votes: int | None = None, rules: RuleNer | None = None) -> None:
        self.nlps, self.rules = nlps, rules
        self.min_votes = min_votes if min_votes is not None else ensemble()["min_votes"]

    def __call__(self, text: str, rule_spans: list[Span] | None = None) -> list[Span]:
        """`rule_spans`, when the caller has them already, are the rules' vote (not run again)."""
        if rule_spans is None and self.rules:
            rule_spans = self.rules(text)
        voters = [self._model_spans(nlp, text) for nlp in self.nlps] + ([rule_spans] if rule_spans is not None else [])
        votes = Counter((s.start, s.end, s.label) for spans in voters for s in spans)
        kept = {(s.start, s.end, s.label): s for spans in voters for s in spans}
        return sorted((kept[key] for key, n in votes.items() if n >= self.min_votes), key=lambda s: s.start)

    @staticmethod
    def _model_spans(nlp, text: str) -> list[Span]:
        sentences = [(m.start(), m.group()) for m in SENTENCE.finditer(text)]
        spans = []
        for (offset, _), doc in zip(sentences, nlp.pipe(p for _, p in sentences), strict=True):
            for ent in doc.ents:
                surface = ent.text
                if runs_across_clauses(ent.label_, surface):
                    continue
                spans.append(Span(offset + ent.start_char, offset + ent.end_char, ent.label_, surface,
                                  bool(mask_pattern().search(surface))))
        return spans


class EntityExtractor:
    """Pipeline component: fills `doc.entities` with each name's label, span, mask flag and section."""

    def __init__(self, ner: bool = True, members: tuple[Path, ...] | None = None) -> None:
        self.rules = RuleNer()
        nlps = load_models(members) if ner else None  # no model, no spaCy import
        self.model = ModelNer(nlps, rules=self.rules) if nlps is not None else None

    def __call__(self, doc: Document) -> Document:
        doc.entities = list(self._entities(doc))
        return doc

    def _entities(self, doc: Document) -> Iterator[Entity]:
        # A traditional text is read in simplified characters, one for one, so that the same words are
        # known (and jieba does not fall back to its slow guessing); names are kept as written.
        text = doc.text.translate(traditional_to_simplified()) if doc.folded else doc.text
        rule_spans = self.rules(text)
        by_rules = {(s.start, s.end, s.label) for s in rule_spans}
        for s in self.model(text, rule_spans) if self.model else rule_spans:
            section = doc.section_at(s.start)
            found_by = "rules" if (s.start, s.end, s.label) in by_rules else "model"
            yield Entity(start=s.start, end=s.end, text=doc.text[s.start:s.end], label=s.label, masked=s.masked,
                         source=found_by, section=section.index if section else None)
