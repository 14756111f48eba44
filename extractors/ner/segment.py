"""Word segmentation: jieba with the project's domain dictionary, or a pkuseg model trained here.

Mask runs (`***`, `xx`, `××`) are one token each, whatever the segmenter makes of them:
a masked name is still a name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from pipeline.resources import load_csv, load_json

USER_DICT = "jieba_user_dict.txt"
PKUSEG_MODEL = Path(__file__).resolve().parents[2] / "models" / "pkuseg"
# jieba tags for the user dictionary's words, by the label of the name they are
POS_BY_LABEL = {"ORG": "nt", "COMPANY": "nt", "PLACE": "ns", "INDUSTRY": "nz"}


@dataclass(frozen=True)
class Token:
    word: str
    pos: str
    start: int
    end: int


@cache
def mask_pattern() -> re.Pattern[str]:
    g = load_json("extractors", "ner_gazetteer.json")
    marks, latin = re.escape(g["mask_chars"]), g["mask_latin"]
    # Latin x/X masks only count next to Chinese, so that "XX" in English text stays a word.
    return re.compile(f"[{marks}]+|(?<=[\u4e00-\u9fff])[{latin}]+|[{latin}]+(?=[\u4e00-\u9fff])")


def build_user_dict() -> str:
    """The jieba user dictionary: indicator aliases, listed names, name suffixes and places, one a line."""
    g = load_json("extractors", "ner_gazetteer.json")
    entries: dict[str, str] = {}
    for row in load_csv("extractors", "indicators.csv"):
        for alias in row["aliases"].split("|"):
            if re.fullmatch(r"[\u4e00-\u9fff]{2,}", alias):
                entries[alias] = "n"
    for words in g["suffixes"].values():
        for word in words:
            if len(word) > 1:
                entries.setdefault(word, "n")
    for label, words in g["names"].items():
        for word in words:
            entries[word] = POS_BY_LABEL.get(label, "nz")
    for row in load_csv("extractors", "ner_places.csv"):
        entries.setdefault(row["name"], POS_BY_LABEL["PLACE"])
    return "".join(f"{word} 1000 {pos}\n" for word, pos in sorted(entries.items()))


def write_user_dict() -> int:
    """Rewrite extractors/data/jieba_user_dict.txt (`make places`); the number of words."""
    text = build_user_dict()
    Path(__file__).resolve().parents[1].joinpath("data", USER_DICT).write_text(text, encoding="utf-8")
    return text.count("\n")


@cache
def _jieba():
    import jieba
    import jieba.posseg

    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    with resources.as_file(resources.files("extractors").joinpath("data", USER_DICT)) as path:
        tokenizer.load_userdict(str(path))
    return tokenizer, jieba.posseg.POSTokenizer(tokenizer)


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


def cut(text: str, segmenter: str = "jieba") -> list[str]:
    """Words of `text` by `jieba` (with the domain dictionary) or `pkuseg` (models/pkuseg)."""
    if segmenter == "jieba":
        tokenizer, _ = _jieba()
        split = lambda piece: tokenizer.lcut(piece, HMM=True)  # noqa: E731
    elif segmenter == "pkuseg":
        model = _pkuseg()
        split = model.cut
    else:
        raise ValueError(f"unknown segmenter {segmenter!r}: jieba or pkuseg")
    words: list[str] = []
    for start, end, is_mask in _pieces(text):
        words.extend([text[start:end]] if is_mask else [w for w in split(text[start:end]) if w])
    return words


@cache
def _pkuseg():
    import spacy_pkuseg

    if not (PKUSEG_MODEL / "features.msgpack").is_file():
        raise FileNotFoundError(f"no pkuseg model in {PKUSEG_MODEL}: run `make segmenter`")
    return spacy_pkuseg.pkuseg(model_name=str(PKUSEG_MODEL))
