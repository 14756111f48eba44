"""The NER model's tokenizer: one token per character, each carrying what the model reads.

A character token's `lemma_` is the jieba word it belongs to (word boundaries and word
identity), its `morph` that word's part of speech and the character's place in it (`POS=ns|Wb=B`:
jieba's dictionary knows many place and organisation names, ns and nt) and its `tag_` is the rule
NER's BIO label there (`B-ORG`, `I-ORG`, `O`): the model
is stacked on the rules and learns, from hand-corrected sentences, where they are wrong and
which names they miss. The tokenizer is registered with spaCy as `parksum.char_features.v1`,
so importing this module is what lets `spacy.load` read models/ner.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from parksum.extractors.ner.gazetteer import RuleNer, Span
from parksum.extractors.ner.segment import Token, pos_tokens

Features = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


# Training tokenizes every sentence once an epoch: the features of recent texts are kept.
@lru_cache(maxsize=1 << 16)
def char_features(text: str) -> Features:
    """(rule BIO tag, jieba word, word's part of speech and boundary) for each character of `text`."""
    tokens = pos_tokens(text)
    return span_features(0, len(text), RuleNer()(text, tokens), tokens)


def span_features(start: int, end: int, rule_spans: Sequence[Span], tokens: Sequence[Token]) -> Features:
    """The features of `text[start:end]` from the rules' spans and jieba's words of the whole text (those
    over the piece, in order), which are those of the piece alone where the piece is a sentence: jieba cuts
    at its punctuation, and the rules' names do not cross it (the spans that do are left out here)."""
    n = end - start
    tags = bio_tags(n, ((s.start - start, s.end - start, s.label) for s in rule_spans
                        if start <= s.start and s.end <= end))
    words, morphs = [""] * n, [""] * n
    for token in tokens:
        # a word cut by the piece's edge (\r\n) is the part inside, as jieba reads it alone
        a, b = max(token.start, start), min(token.end, end)
        if a >= b:
            continue
        word = token.word[a - token.start:b - token.start]
        words[a - start:b - start] = [word] * (b - a)
        morphs[a - start:b - start] = [f"POS={token.pos}|Wb={'B' if i == 0 else 'I'}" for i in range(b - a)]
    return tuple(tags), tuple(words), tuple(morphs)


def feature_doc(vocab: Vocab, text: str, features: Features) -> Doc:
    """A spaCy Doc of `text`, one token per character carrying its features."""
    doc = Doc(vocab, words=list(text), spaces=[False] * len(text))
    for token, tag, word, morph in zip(doc, *features, strict=True):
        token.tag_ = tag
        token.lemma_ = word
        token.set_morph(morph)
    return doc


class CharFeatureTokenizer:
    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        return feature_doc(self.vocab, text, char_features(text))

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    # Nothing to save: the rules and the dictionary live in extractors/data.
    def to_disk(self, path: Path, **kwargs) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: Path, **kwargs) -> CharFeatureTokenizer:
        return self

    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> CharFeatureTokenizer:
        return self


@spacy.registry.tokenizers("parksum.char_features.v1")
def create_tokenizer():
    return lambda nlp: CharFeatureTokenizer(nlp.vocab)


def bio_tags(length: int, spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """Per-character B-/I-/O tags of non-overlapping (start, end, label) spans."""
    tags = ["O"] * length
    for start, end, label in spans:
        tags[start:end] = [f"B-{label}"] + [f"I-{label}"] * (end - start - 1)
    return tags
