"""Word segmentation: jieba with the project's domain dictionary (extractors/data/jieba_user_dict.txt).

Mask runs (`***`, `xx`, `××`) are one token each, whatever the segmenter makes of them:
a masked name is still a name.
"""
from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from parksum.extractors.placeholders import mask_spec
from parksum.text.resources import load_json

# Built from the lexicons by `make data` (parksum.extractors.training.dictionary).
USER_DICT = "jieba_user_dict.txt"


@dataclass(frozen=True)
class Token:
    word: str
    pos: str
    start: int
    end: int


@cache
def mask_pattern() -> re.Pattern[str]:
    """Mask runs as the placeholders see them (masks.json): Latin x/X only next to Chinese, so that
    "XX" in English text stays a word."""
    spec = mask_spec()
    latin = spec["latin_marks"]
    marks = re.escape("".join(c for c in spec["marks"] if c not in latin))
    return re.compile(f"[{marks}]+|(?<=[\u4e00-\u9fff])[{latin}]+|[{latin}]+(?=[\u4e00-\u9fff])")


@cache
def _jieba():
    with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources where it exists
        warnings.simplefilter("ignore", UserWarning)
        import jieba
        import jieba.posseg

    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict" lines would break into progress bars
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    with resources.as_file(resources.files("parksum.extractors").joinpath("data", USER_DICT)) as path:
        tokenizer.load_userdict(str(path))
    # Importing jieba.posseg read the default dictionary's tags; a POSTokenizer made the usual way would
    # read its 350,000 lines again, so ours takes a copy of them (our words' tags are added on first use).
    posseg = object.__new__(jieba.posseg.POSTokenizer)
    posseg.tokenizer = tokenizer
    posseg.word_tag_tab = dict(jieba.posseg.dt.word_tag_tab)
    # the tagger's module reads its state table at every call: the bounded one serves every tagger here
    jieba.posseg.char_state_tab_P = _BoundedStates(jieba.posseg.char_state_tab_P)
    return tokenizer, posseg


class _BoundedStates(dict):
    """jieba's table of the states each character may take, where an unseen character may take the
    states of a noun or a name (data/jieba_tagging.json) instead of all 256."""

    def __init__(self, table: dict) -> None:
        super().__init__(table)
        tags = load_json("parksum.extractors", "jieba_tagging.json")["unknown_character_tags"]
        self.unseen = tuple((place, tag) for tag in tags for place in "BMES")

    def get(self, char: str, default: object = None) -> object:  # Viterbi's default (all states) is not used
        return super().get(char, self.unseen)


def in_dictionary(word: str) -> bool:
    """Whether jieba knows `word` (else its part of speech is a guess, as for most names)."""
    return bool(_jieba()[0].FREQ.get(word))


def _pieces(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, is_mask) runs covering the text, so mask runs are never cut or glued."""
    pieces, at = [], 0
    for m in mask_pattern().finditer(text):
        if m.start() > at:
            pieces.append((at, m.start(), False))
        pieces.append((m.start(), m.end(), True))
        at = m.end()
    if at < len(text):
        pieces.append((at, len(text), False))
    return pieces


def pos_tokens(text: str) -> list[Token]:
    """jieba words with part-of-speech tags and offsets; a mask run is one `mask` token."""
    _, posseg = _jieba()
    tokens: list[Token] = []
    for start, end, is_mask in _pieces(text):
        if is_mask:
            tokens.append(Token(text[start:end], "mask", start, end))
            continue
        at = start
        for pair in posseg.cut(text[start:end], HMM=True):
            tokens.append(Token(pair.word, pair.flag, at, at + len(pair.word)))
            at += len(pair.word)
    return tokens


def cut(text: str, split: Callable[[str], list[str]] | None = None) -> list[str]:
    """Words of `text` by jieba with the domain dictionary, or by `split` (another segmenter); a mask
    run is one word."""
    split = split or (lambda piece: _jieba()[0].lcut(piece, HMM=True))
    words: list[str] = []
    for start, end, is_mask in _pieces(text):
        words.extend([text[start:end]] if is_mask else [w for w in split(text[start:end]) if w])
    return words
