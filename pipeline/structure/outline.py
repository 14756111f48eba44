"""Outline segmenter: the document's heading tree, following its real nesting.

Markers come from data/headings.json. A candidate marker counts where it opens a
clause (line start, after 。；：！？ or whitespace); an `X是` series may also open after a
comma when the series goes on in the same paragraph, and at its `二是` when its first item
lost its numeral and `三是` follows. A marker glued to the previous word (PDF text) counts
where it opens the first item right after a heading's title on the same line, or where a
`二、` or `（三）` continues an open series. Depth is decided by
the open series on a stack, not by the marker family: a marker continues the innermost
open series it fits, and otherwise starts a series under the current heading.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from parksum.text.doc import Document, Section
from parksum.text.numerals import ordinal_value
from parksum.text.patterns import scanner
from parksum.text.resources import load_json

_LINE, _CLAUSE, _WEAK, _GLUED = "line", "clause", "weak", "glued"
_TITLE_MAX = 40  # a heading title is a short phrase, not a sentence


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    style: str  # as matched
    series: str  # the family whose series it goes on with: its own, or the one it is a variant of
    rank: int
    ordinal: int
    line: int
    context: str


@dataclass
class _Open:
    """An open heading on the stack: new markers may continue its series or nest in it."""

    series: str | None
    ordinal: int
    depth: int
    rank: int
    line: int
    line_start: bool
    section: int
    marker_end: int


class _Ahead:
    """What follows each candidate, looked up rather than scanned for (a line of many markers would
    make a scan from each of them quadratic)."""

    def __init__(self, candidates: list[_Candidate]) -> None:
        self.candidates = candidates
        # the last candidate, not glued, of each (line, series, ordinal)
        self.last = {(c.line, c.series, c.ordinal): i for i, c in enumerate(candidates) if c.context != _GLUED}
        # the next candidate, not glued, of the same series
        self.next: list[_Candidate | None] = [None] * len(candidates)
        following: dict[str, _Candidate] = {}
        for i in range(len(candidates) - 1, -1, -1):
            c = candidates[i]
            self.next[i] = following.get(c.series)
            if c.context != _GLUED:
                following[c.series] = c

    def goes_on_in_line(self, i: int) -> bool:
        """Whether the next item of candidate i's series follows later in its paragraph."""
        c = self.candidates[i]
        return self.last.get((c.line, c.series, c.ordinal + 1), -1) > i

    def goes_on_next(self, i: int) -> bool:
        """Whether the next marker of candidate i's series is its next item."""
        nxt = self.next[i]
        return nxt is not None and nxt.ordinal == self.candidates[i].ordinal + 1


def _check_style(style: dict) -> None:
    """A heading style must name itself, rank itself and capture its number as `num`."""
    name = style.get("style", "?")
    missing = [key for key in ("style", "rank", "pattern") if key not in style]
    if missing:
        raise ValueError(f"headings.json: style {name} lacks {', '.join(missing)}")
    try:
        groups = regex.compile(style["pattern"]).groupindex
    except regex.error as exc:
        raise ValueError(f"headings.json: style {name}: pattern does not compile ({exc})") from None
    if "num" not in groups:
        raise ValueError(f"headings.json: style {name}: pattern must capture the ordinal as (?P<num>…)")


class OutlineSegmenter:
    """Pipeline component: fills `doc.sections` (preamble first, then headings in order)."""

    name = "outline"

    def __init__(self, spec: dict | None = None) -> None:
        """`spec`: the heading styles (default: data/headings.json); each is checked before use."""
        spec = spec or load_json("parksum.structure", "headings.json")
        for style in spec["styles"]:
            _check_style(style)
        self._rank = {s["style"]: s["rank"] for s in spec["styles"]}
        self._series = {s["style"]: s.get("series", s["style"]) for s in spec["styles"]}
        if unknown := set(self._series.values()) - set(self._rank):
            raise ValueError(f"headings.json: series {', '.join(sorted(unknown))} names no style")
        self._inline_series = {s["style"] for s in spec["styles"] if s.get("inline_series")}
        self._holds = {s["style"]: {s["style"], *s.get("holds", ())} for s in spec["styles"]}
        self._glued_styles = set(spec["glued_styles"])
        self._openers = set(spec["clause_openers"])
        self._weak = set(spec["weak_openers"])
        self._not_before = set(spec["not_before"]) | set("一二三四五六七八九十0123456789")
        alternatives = [
            f"(?P<{s['style']}>{s['pattern'].replace('(?P<num>', '(?P<n_' + s['style'] + '>')})"
            for s in spec["styles"]
        ]
        self._pattern = scanner(alternatives)
        self._title_stop = regex.compile("[" + regex.escape(spec["title_stops"]) + "]")
        self._kinds = load_json("parksum.structure", "section_kinds.json")

    def __call__(self, doc: Document) -> Document:
        sections, titles = self.segment(doc.norm, doc.year)
        for section in sections[1:]:  # from the cleaned view back to the text as written
            section.start, section.marker_end = doc.text_span(section.start, section.marker_end)
            section.end = doc.text_offset(section.end) if section.end < len(doc.norm) else len(doc.text)
            section.marker = doc.text[section.start:section.marker_end]
            section.title = doc.written(*titles[section.index])
            label = section.marker.rstrip("、.．")
            parent = sections[section.parent]
            section.path = f"{parent.path}/{label}" if parent.index else label
        sections[0].end = len(doc.text)
        doc.sections = sections
        return doc

    # -- candidates -------------------------------------------------------------------
    def _candidates(self, norm: str, line_starts: list[int]) -> list[_Candidate]:
        found = []
        for m in self._pattern.finditer(norm):
            style = next(name for name in self._rank if m.group(name) is not None)
            line = bisect.bisect_right(line_starts, m.start()) - 1
            context = self._context(norm, m.start(), line_starts[line])
            if context is None:
                continue
            found.append(_Candidate(m.start(), m.end(), style, self._series[style], self._rank[style],
                                    ordinal_value(m.group("n_" + style)), line, context))
        return found

    def _context(self, norm: str, start: int, line_start: int) -> str | None:
        j = start - 1
        while j >= line_start and norm[j] in " \t\r":
            j -= 1
        if j < line_start:
            return _LINE
        if j < start - 1 or norm[j] in self._openers:
            return _CLAUSE
        if norm[j] in self._weak:
            return _WEAK
        if norm[j] in self._not_before:
            return None
        return _GLUED

    # -- tree -------------------------------------------------------------------------
    def segment(self, norm: str, year: int | None = None) -> tuple[list[Section], dict[int, tuple[int, int]]]:
        """The sections, with spans in `norm`, and the span of each heading's title."""
        line_starts = [0] + [m.end() for m in regex.finditer("\n", norm)]
        candidates = self._candidates(norm, line_starts)
        ahead = _Ahead(candidates)
        root = Section(index=0, depth=0, marker=None, style=None, ordinal=None, title="", start=0,
                       end=len(norm), marker_end=0, parent=None, path="", kind="other")
        sections = [root]
        stack = [_Open(None, 0, 0, 0, -1, False, 0, 0)]
        for i, cand in enumerate(candidates):
            if cand.context == _WEAK and not ahead.goes_on_in_line(i):
                continue
            if cand.context == _GLUED and not self._glued_heading(stack, cand, norm, line_starts):
                continue
            placement = self._place(stack, cand, ahead, i)
            if placement is None:
                continue
            keep, depth = placement
            del stack[keep:]
            parent = stack[-1].section
            sections.append(Section(index=len(sections), depth=depth, marker=norm[cand.start:cand.end],
                                    style=cand.series, ordinal=cand.ordinal, title="", start=cand.start,
                                    end=len(norm), marker_end=cand.end, parent=parent, path=""))
            stack.append(_Open(cand.series, cand.ordinal, depth, cand.rank, cand.line,
                               cand.context == _LINE, len(sections) - 1, cand.end))
        return sections, self._finish(sections, norm, year)

    def _glued_heading(self, stack: list[_Open], cand: _Candidate, norm: str, line_starts: list[int]) -> bool:
        """A marker glued to the previous word is a heading only where it opens the first
        item right after a heading's title on the same line (…工作成效（一）…, …情况一是…), or
        where it goes on with an open series and, like a heading, ends its line without a
        sentence stop. An `X是` glued to a word goes on with no series: 不二是 is a word."""
        if cand.style not in self._glued_styles:
            return False
        top = stack[-1]
        if cand.ordinal == 1 and top.section and top.line == cand.line and top.rank < cand.rank:
            return self._short_title(norm[top.marker_end:cand.start])
        if cand.series in self._inline_series or not any(
            o.series == cand.series and o.ordinal + 1 == cand.ordinal for o in stack
        ):
            return False
        line_end = line_starts[cand.line + 1] if cand.line + 1 < len(line_starts) else len(norm)
        return self._short_title(norm[cand.end:line_end])

    def _short_title(self, text: str) -> bool:
        text = text.strip()
        return 0 < len(text) <= _TITLE_MAX and not self._title_stop.search(text)

    def _place(self, stack: list[_Open], cand: _Candidate, ahead: _Ahead, i: int) -> tuple[int, int] | None:
        """(how many stack entries to keep, depth) for a new heading, or None if it is no heading."""
        top = stack[-1]
        if cand.ordinal == 1 and top.series in self._inline_series and (
            (cand.line == top.line and cand.context != _LINE)
            or (cand.series in self._holds[top.series] and top.line_start and cand.context == _LINE)
        ):
            # A series opening inside an `X是` item's paragraph, or (of a family the item
            # holds) on the lines right under an item that heads its paragraph, nests one
            # deeper. A paragraph that opens with an unnumbered lead sentence starts a new
            # series instead.
            return len(stack), top.depth + 1
        same = [i for i in range(len(stack) - 1, 0, -1) if stack[i].series == cand.series]
        following = [i for i in same if cand.ordinal == stack[i].ordinal + 1]
        if following:
            # Where an inner and an outer series could both go on, an item that starts a
            # line goes on with the series whose items start lines.
            alike = [i for i in following if stack[i].line_start == (cand.context == _LINE)]
            i = (alike or following)[0]
            return i, stack[i].depth
        for i in same:  # a repeated or skipped number keeps the depth of its siblings
            if cand.ordinal in (stack[i].ordinal, stack[i].ordinal + 2):
                return i, stack[i].depth
        # An `X是` series whose first item lost its numeral (…是新建项目加快投产。二是…三是…)
        # opens at its second item when the third follows.
        lost_first = (cand.ordinal == 2 and cand.series in self._inline_series
                      and ahead.goes_on_next(i))
        if cand.ordinal == 1 or (not same and (cand.context == _LINE or lost_first)):
            keep = len(stack)
            while keep > 1 and stack[keep - 1].rank >= cand.rank:
                keep -= 1
            return keep, stack[keep - 1].depth + 1
        return None

    # -- spans, titles and kinds ------------------------------------------------------
    def _finish(self, sections: list[Section], norm: str, year: int | None) -> dict[int, tuple[int, int]]:
        """Ends, titles and kinds of the headings; returns the span of each title."""
        headings = sections[1:]
        # A heading ends where the next one at its depth or shallower starts: the headings still open
        # form a stack of increasing depth, and each new heading closes the deeper or equal ones.
        still_open: list[Section] = []
        for section in headings:
            while still_open and still_open[-1].depth >= section.depth:
                still_open.pop().end = section.start
            still_open.append(section)
        for section in still_open:
            section.end = len(norm)
        titles = {}
        for n, section in enumerate(headings):
            next_start = headings[n + 1].start if n + 1 < len(headings) else len(norm)
            stop = self._title_stop.search(norm, section.marker_end, next_start)
            start, end = section.marker_end, stop.start() if stop else next_start
            while start < end and norm[start].isspace():
                start += 1
            while end > start and (norm[end - 1].isspace() or norm[end - 1] in "；;，,、"):
                end -= 1
            titles[section.index] = (start, end)
            section.title = norm[start:end]
        for section in headings:
            parent = sections[section.parent]
            if parent.index and parent.kind != "other":
                section.kind = parent.kind
            else:
                section.kind = self._kind_of(section, norm, year, top_level=not parent.index)
        return titles

    def _kind_of(self, section: Section, text: str, year: int | None, top_level: bool) -> str:
        for kind in self._kinds["order"]:
            if any(word in section.title for word in self._kinds["keywords"][kind]):
                if kind == "achievements" and year and f"{year + 1}年" in section.title:
                    return "plans"
                return kind
        if not (top_level and year):
            return "other"
        body = text[section.start:section.end]
        ahead = body.count(f"{year + 1}年")
        behind = body.count(f"{year}年") + sum(body.count(c) for c in self._kinds["achievement_year_cues"])
        if ahead > behind:
            return "plans"
        return "achievements" if behind else "other"
