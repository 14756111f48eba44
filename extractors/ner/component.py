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
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path

from parksum import paths
from parksum.extractors.ner.gazetteer import RuleNer, Span, SpanCover, gazetteer, refused_name
from parksum.extractors.ner.segment import Token, mask_pattern, pos_tokens
from parksum.extractors.placeholders import mask_spec
from parksum.text.doc import Document, Entity

# The model is trained on sentences (extractors/training/weak_labels.py) and reads sentences: it never
# saw a name run across 。, and must not be given the chance.
SENTENCE = re.compile(r"[^\n。！？；]+[。！？；]?")
# The entities are found a block of lines at a time: no name runs across a line's end in the cleaned
# view, and the words, spans and features of a whole long text at once would take gigabytes.
BLOCK_CHARACTERS = 50_000


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
    from thinc.api import use_ops
    from threadpoolctl import threadpool_limits

    import parksum.extractors.ner.features  # noqa: F401  registers the models' tokenizer

    # numpy's BLAS multiplies the models' matrices 2-3 times faster than thinc's default (BLIS) on
    # these shapes, with the same entities; on one thread, which costs a quarter less CPU than two on
    # matrices this size and leaves the other cores to other documents (ingest --workers)
    threadpool_limits(1, user_api="blas")
    with use_ops("numpy", use_blis=False):
        return [spacy.load(path) for path in members]


class ModelNer:
    """Entities found by vote: each model reads the text sentence by sentence (less names run across
    clauses), and a span and label found by at least `min_votes` of the models and the rules is kept;
    a name of a label in `rules_decide` the rules find is kept on their word alone, and a name kept by
    vote that overlaps it is dropped. A model is not run on a sentence where its vote can no longer change
    what is kept."""

    def __init__(self, nlps: Sequence, min_votes: int | None = None, rules: RuleNer | None = None,
                 rules_decide: Iterable[str] | None = None) -> None:
        self.nlps, self.rules = nlps, rules
        self.min_votes = min_votes if min_votes is not None else ensemble()["min_votes"]
        self.rules_decide = frozenset(rules_decide if rules_decide is not None else
                                      ensemble()["rules_decide"] if min_votes is None else ())

    def __call__(self, text: str, rule_spans: list[Span] | None = None, tokens: list[Token] | None = None,
                 ) -> list[Span]:
        """`rule_spans` and `tokens` (jieba's words), when the caller has them already, are not made again:
        the rules' spans are their vote and, with the words, what the models read."""
        rules_vote = rule_spans is not None or self.rules is not None
        tokens = pos_tokens(text) if tokens is None else tokens
        if rule_spans is None:
            rule_spans = (self.rules or RuleNer())(text, tokens)
        sentences = [m.span() for m in SENTENCE.finditer(text)]
        features = _sentence_features(sentences, rule_spans, tokens)
        # where the rules decide, nothing else is counted: a vote there cannot change what is kept
        decided = [s for s in rule_spans if s.label in self.rules_decide] if rules_vote else []
        taken = SpanCover((s.start, s.end) for s in decided)
        # votes per sentence, so that a model is asked only where its vote still counts
        votes: list[Counter] = [Counter() for _ in sentences]
        kept: dict[tuple[int, int, str], Span] = {}
        if rules_vote:
            starts = [start for start, _ in sentences]
            for s in rule_spans:
                if s.label not in self.rules_decide and not taken.overlaps(s.start, s.end):
                    votes[max(0, bisect_right(starts, s.start) - 1)][s.start, s.end, s.label] += 1
                    kept[s.start, s.end, s.label] = s
        asked = range(len(sentences))
        for k, nlp in enumerate(self.nlps):
            left = len(self.nlps) - k  # this model and those after it
            if left < self.min_votes:  # a name none has found yet can no longer be kept
                asked = [i for i in asked if any(self.min_votes - left <= n < self.min_votes
                                                 for n in votes[i].values())]
            for i, spans in zip(asked, self._model_spans(nlp, text, [sentences[i] for i in asked],
                                                         [features[i] for i in asked]), strict=True):
                for s in spans:
                    if not taken.overlaps(s.start, s.end):
                        votes[i][s.start, s.end, s.label] += 1
                        kept.setdefault((s.start, s.end, s.label), s)
        voted = decided + [kept[key] for counted in votes for key, n in counted.items() if n >= self.min_votes]
        return sorted(voted, key=lambda s: s.start)

    @staticmethod
    def _model_spans(nlp, text: str, sentences: list[tuple[int, int]], features: list) -> Iterator[list[Span]]:
        """Each sentence's entities as `nlp` finds them."""
        from parksum.extractors.ner.features import feature_doc

        docs = (feature_doc(nlp.vocab, text[a:b], f) for (a, b), f in zip(sentences, features, strict=True))
        for (offset, _), doc in zip(sentences, nlp.pipe(docs), strict=True):
            spans = []
            for ent in doc.ents:
                surface = ent.text
                if runs_across_clauses(ent.label_, surface) or refused_name(ent.label_, surface):
                    continue
                spans.append(Span(offset + ent.start_char, offset + ent.end_char, ent.label_, surface,
                                  bool(mask_pattern().search(surface))))
            yield spans


def _sentence_features(sentences: list[tuple[int, int]], rule_spans: list[Span], tokens: list[Token]) -> list:
    """What the models read in each sentence, from the rules' spans and jieba's words of the whole text."""
    from parksum.extractors.ner.features import span_features

    token_starts = [t.start for t in tokens]
    span_starts = [s.start for s in rule_spans]
    return [span_features(a, b, rule_spans[bisect_left(span_starts, a):bisect_left(span_starts, b)],
                          tokens[max(0, bisect_right(token_starts, a) - 1):bisect_left(token_starts, b)])
            for a, b in sentences]


def written_span(doc: Document, span: Span, offset: int = 0) -> Span:
    """A name found in the document's cleaned view (doc.norm, which the taggers read: a traditional text
    in simplified characters, so that the same words are known; lines broken inside a name joined, as
    PDFs break them: 浩忠\n电力) as a span of the text as written."""
    start, end = doc.text_span(offset + span.start, offset + span.end)
    return Span(start, end, span.label, doc.text[start:end], span.masked)


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
        for offset, block in blocks(doc.norm):
            tokens = pos_tokens(block)  # one jieba pass, which the rules and the models both read
            rule_spans = self.rules(block, tokens)
            by_rules = {(s.start, s.end, s.label) for s in rule_spans}
            for found in self.model(block, rule_spans, tokens) if self.model else rule_spans:
                s = written_span(doc, found, offset)
                section = doc.section_at(s.start)
                source = "rules" if (found.start, found.end, found.label) in by_rules else "model"
                yield Entity(start=s.start, end=s.end, text=s.text, label=s.label, masked=s.masked,
                             source=source, section=section.index if section else None)


def blocks(text: str, size: int = BLOCK_CHARACTERS) -> Iterator[tuple[int, str]]:
    """The text in pieces of about `size` characters, each ending at a line's end, with its offset."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + size)
        end = len(text) if end < 0 else end + 1
        yield start, text[start:end]
        start = end
