"""The park a document reports on, read from the document (GUIDELINES.md, park).

A park is named by a name ending in a park word (工业园区, 经开区, 产业园 …, data/parks.json), copied
as written with its masks and without the body that runs it (XX园党工委 → XX园). The park a document
reports on is the one its title names, else one named with the body that runs it, else one named in
its opening; of the ways the document writes that park, the most specific (XX市集中示范园区 over
市集中示范园区), and of those the first. A generic word (园区, 市工业园区, 经开区) names no park.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from parksum.extractors.ner.gazetteer import places
from parksum.extractors.ner.segment import pos_tokens
from parksum.text.doc import Document
from parksum.text.resources import load_json

TITLE, BODY, OPENING = 0, 1, 2  # where a name was found, most telling first


@dataclass(frozen=True)
class _Name:
    start: int  # in the view
    end: int
    where: int | None
    text: str  # as the view reads it
    proper: bool  # it holds a mask or a place: XX经开区, 扬州经开区


class ParkReader:
    """Pipeline component: fills `doc.park_in_text`, and `doc.park` where no tag gave one."""

    name = "park"

    def __init__(self) -> None:
        spec = load_json("parksum.extractors", "parks.json")
        suffix = "|".join(map(regex.escape, sorted(spec["suffixes"], key=len, reverse=True)))
        self._suffix = regex.compile(f"(?:{suffix})")
        self._name_pos = set(spec["name_pos"])
        self._window = spec["window_chars"]
        self._places = set(places())
        prefixes = "|".join(map(regex.escape, sorted(spec["generic_prefixes"], key=len, reverse=True)))
        self._generic = regex.compile(f"(?:{prefixes}|{suffix})*(?:{suffix})")
        self._bare = tuple(spec["bare_suffixes"])
        bodies = "|".join(map(regex.escape, sorted(spec["bodies"], key=len, reverse=True)))
        self._body = regex.compile(f"(?:{bodies})")
        self._not_after = tuple(spec["not_followed_by"])
        self._opening = spec["opening_chars"]

    def __call__(self, doc: Document) -> Document:
        names = self.names(doc)
        chosen = self.choose(names)
        if chosen is not None:
            doc.park_in_text = doc.written(chosen.start, chosen.end)
        if not doc.park:
            doc.park = doc.park_in_text
        return doc

    def names(self, doc: Document) -> list[_Name]:
        """Every park name the view holds, with where it stands (title, with a body, opening, or None)."""
        norm = doc.norm
        title_end = norm.find("\n") if doc.title else 0
        found = []
        for m in self._suffix.finditer(norm):
            start, proper, masked = self._name_start(norm, m.start())
            text = norm[start:m.end()]
            if self._generic.fullmatch(text) and not proper:
                continue
            with_body = bool(self._body.match(norm, m.end()))
            if not with_body and norm.startswith(self._not_after, m.end()) and start >= title_end:
                continue  # XX产业园建设, **园区二期: a project
            where = TITLE if start < title_end else BODY if with_body else OPENING if start < self._opening else None
            if m.group().endswith(self._bare) and not (masked or where in (TITLE, BODY)):
                continue  # 公园, 花园, 乐园
            found.append(_Name(start, m.end(), where, text, proper))
        return found

    def _name_start(self, norm: str, suffix_start: int) -> tuple[int, bool, bool]:
        """Where the name before a park word starts, whether it holds a mask or a place, and a mask."""
        window_start = max(0, suffix_start - self._window)
        start, proper, masked = suffix_start, False, False
        for token in reversed(pos_tokens(norm[window_start:suffix_start])):
            if token.pos not in self._name_pos:
                break
            start = window_start + token.start
            proper = proper or token.pos in ("mask", "ns") or token.word in self._places
            masked = masked or token.pos == "mask"
        return start, proper, masked

    @staticmethod
    def choose(names: list[_Name]) -> _Name | None:
        """The first name of the title, else with its body, else of the opening (where it holds a mask or a
        place, or the document writes it more specifically elsewhere); then its most specific form."""

        def specific(name: _Name) -> list[_Name]:
            return [n for n in names if n.text.endswith(name.text) and len(n.text) > len(name.text) and n.proper]

        placed = [n for n in names if n.where in (TITLE, BODY)
                  or (n.where == OPENING and (n.proper or specific(n)))]
        if not placed:
            return None
        first = min(placed, key=lambda n: (n.where, n.start))
        return min(specific(first), key=lambda n: n.start, default=first)


def park_key(name: str) -> str:
    """What two spellings of one park share: 扬州经济技术开发区 and 扬州 经开区 both give 扬州经开区."""
    key = regex.sub(r"\s+", "", name)
    for long, short in load_json("parksum.extractors", "parks.json")["abbreviations"]:
        key = key.replace(long, short)
    return key
