"""Derived data: jieba's user dictionary (extractors/data/jieba_user_dict.txt), built from the lexicons
that own the words, so that jieba keeps domain words whole. `make data` rewrites it; a test fails, naming
that command, when it is stale (after an edit to indicators.csv, ner_gazetteer.json or ner_places.csv)."""
from __future__ import annotations

import re

from parksum import paths
from parksum.extractors.indicators import lexicon
from parksum.extractors.ner.gazetteer import gazetteer, places
from parksum.extractors.ner.segment import USER_DICT

# jieba tags for the user dictionary's words, by the label of the name they are
POS_BY_LABEL = {"ORG": "nt", "COMPANY": "nt", "PLACE": "ns", "INDUSTRY": "nz"}


def build_user_dict() -> str:
    """The jieba user dictionary: indicator aliases, listed names, name suffixes and places, one a line."""
    g = gazetteer()
    entries: dict[str, str] = {}
    for alias in lexicon().aliases():
        if re.fullmatch(r"[\u4e00-\u9fff]{2,}", alias):
            entries[alias] = "n"
    for words in g["suffixes"].values():
        for word in words:
            if len(word) > 1:
                entries.setdefault(word, "n")
    for label, words in g["names"].items():
        for word in words:
            entries[word] = POS_BY_LABEL.get(label, "nz")
    for place in places():
        entries.setdefault(place, POS_BY_LABEL["PLACE"])
    return "".join(f"{word} 1000 {pos}\n" for word, pos in sorted(entries.items()))


def write_user_dict() -> int:
    """Rewrite extractors/data/jieba_user_dict.txt; the number of words."""
    text = build_user_dict()
    (paths.extractors_data_dir() / USER_DICT).write_text(text, encoding="utf-8")
    return text.count("\n")


def main() -> None:
    """`make data`: rebuild the place list (needs the `gazetteer` extra) and then the user dictionary."""
    from parksum.extractors.training.places import write_places

    print(f"{write_places()} places in extractors/data/ner_places.csv")
    print(f"{write_user_dict()} words in extractors/data/{USER_DICT}")


if __name__ == "__main__":
    main()
