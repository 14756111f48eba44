"""A .docx read as its author sees it in Word, with the source of every character.

python-docx gives a paragraph's text without its list label: a heading numbered by Word
(`w:numPr`) loses its `一、` or `（一）`, and the outline loses the heading. Labels are
rendered here from numbering.xml as Word draws them: a counter per level, shared by the
numbering instances (`w:num`) of one abstract definition — so a list goes on across
instances — and restarted by a higher level (or as `w:lvlRestart` says) or by an instance's
`w:startOverride` the first time that instance is used; numbering may come from the
paragraph or from its style. Number formats are data (data/word.json).

A table of figures is written one line per figure cell with its row and column headers
(`2023年目标：规上工业总产值150亿元。`), so that the extractors read the row header as the
indicator and the column header as period, status and role; the headers are repeated into
each line. Any other table keeps one tab-separated line per row.

Every character of the text has a `Segment`: the paragraph (`document.paragraphs[i]`), the
list label of a paragraph, the table cell (`document.tables[i].cell(row, col)`) it was read
from, with the character's offset there, or `added` for what the reader wrote itself (the
`：` and `。` of a table line). A paragraph's line break is its paragraph mark.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from parksum.text.resources import load_json

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True)
class Segment:
    start: int  # in the loaded text
    end: int
    kind: str  # paragraph, label, cell or added
    index: int  # into document.paragraphs (paragraph, label) or document.tables (cell, added)
    row: int | None = None
    col: int | None = None
    offset: int = 0  # of the segment's first character in the paragraph's text, label or cell's text

    def at(self, offset: int) -> dict[str, Any]:
        """Where the character at `offset` of the loaded text came from."""
        where: dict[str, Any] = {"kind": self.kind}
        if self.kind in ("paragraph", "label"):
            where["paragraph"] = self.index
        else:
            where.update(table=self.index, row=self.row, col=self.col)
        if self.kind != "added":
            where["char"] = self.offset + offset - self.start
        return where


@cache
def _spec() -> dict:
    return load_json("parksum.text", "word.json")


class _Writer:
    """The text being built and the segment of each piece."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.segments: list[Segment] = []
        self.length = 0

    def add(self, text: str, kind: str, index: int, row: int | None = None, col: int | None = None,
            offset: int = 0) -> None:
        if text:
            self.segments.append(Segment(self.length, self.length + len(text), kind, index, row, col, offset))
            self.pieces.append(text)
            self.length += len(text)


def read_docx(document) -> tuple[str, tuple[Segment, ...]]:
    """The text of a python-docx Document, paragraphs and tables in order, and its segments."""
    from docx.table import Table

    numbering = _Numbering(document)
    out = _Writer()
    paragraphs = tables = 0
    previous: tuple[str, int] | None = None
    for block in document.iter_inner_content():
        if previous is not None:  # the previous block's line break: a paragraph's mark, or a table's end
            kind, at = previous
            if kind == "paragraph":
                out.add("\n", "paragraph", at, offset=len(document.paragraphs[at].text))
            else:
                out.add("\n", "added", at)
        if isinstance(block, Table):
            _write_table(block, tables, out)
            previous = ("table", tables)
            tables += 1
        else:
            out.add(numbering.label(block), "label", paragraphs)
            out.add(block.text, "paragraph", paragraphs)
            previous = ("paragraph", paragraphs)
            paragraphs += 1
    return "".join(out.pieces), tuple(out.segments)


# -- list labels ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Level:
    start: int
    fmt: str
    text: str
    restart: int | None  # w:lvlRestart; None: after any higher level
    suffix: str
    legal: bool  # w:isLgl: every number of the label in decimal


def _val(element, tag: str, default: str | None = None) -> str | None:
    child = element.find(_W + tag) if element is not None else None
    return child.get(_W + "val", default) if child is not None else default


def _level(lvl) -> _Level:
    restart = _val(lvl, "lvlRestart")
    return _Level(start=int(_val(lvl, "start", "0")), fmt=_val(lvl, "numFmt", "decimal"),
                  text=_val(lvl, "lvlText", ""), restart=int(restart) if restart is not None else None,
                  suffix=_spec()["label_suffixes"].get(_val(lvl, "suff", "tab"), "\t"),
                  legal=lvl.find(_W + "isLgl") is not None and _val(lvl, "isLgl", "true") not in ("0", "false"))


class _Numbering:
    """Counters of a document's lists, advanced paragraph by paragraph in document order."""

    def __init__(self, document) -> None:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # a document without lists has no numbering part
            root = None
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.num_abstract: dict[str, str] = {}
        self.num_levels: dict[str, dict[int, _Level]] = {}  # a w:num's own level definitions
        self.start_override: dict[tuple[str, int], int] = {}
        style_link: dict[str, str] = {}  # abstractNum → the numbering style it takes its list from
        self.level_style: dict[tuple[str, str], int] = {}  # (abstractNum, paragraph style) → level
        for node in root.iterfind(_W + "abstractNum") if root is not None else ():
            aid = node.get(_W + "abstractNumId")
            self.abstract[aid] = {int(lvl.get(_W + "ilvl")): _level(lvl) for lvl in node.iterfind(_W + "lvl")}
            for lvl in node.iterfind(_W + "lvl"):
                if (style := _val(lvl, "pStyle")) is not None:
                    self.level_style[(aid, style)] = int(lvl.get(_W + "ilvl"))
            if (link := _val(node, "numStyleLink")) is not None:
                style_link[aid] = link
        for node in root.iterfind(_W + "num") if root is not None else ():
            nid = node.get(_W + "numId")
            self.num_abstract[nid] = _val(node, "abstractNumId")
            self.num_levels[nid] = {}
            for override in node.iterfind(_W + "lvlOverride"):
                ilvl = int(override.get(_W + "ilvl"))
                if (start := _val(override, "startOverride")) is not None:
                    self.start_override[(nid, ilvl)] = int(start)
                if (lvl := override.find(_W + "lvl")) is not None:
                    self.num_levels[nid][ilvl] = _level(lvl)
        self.styles = _Styles(document)
        for aid, link in style_link.items():  # the list a numbering style stands for
            linked = self.styles.num_pr(link)[0]
            if linked is not None and self.num_abstract.get(linked) in self.abstract:
                self.abstract[aid] = self.abstract[self.num_abstract[linked]]
        self.counters: dict[str, dict[int, int]] = {}
        self.overridden: set[tuple[str, int]] = set()

    def label(self, paragraph) -> str:
        """The list label Word draws before the paragraph (with its suffix), '' when it has none."""
        ppr = paragraph._p.pPr
        style = _val(ppr, "pStyle") or self.styles.default
        num_id, ilvl = self.styles.num_pr(style)
        direct = ppr.find(_W + "numPr") if ppr is not None else None
        if direct is not None:
            num_id = _val(direct, "numId", num_id)
            ilvl = _val(direct, "ilvl", ilvl)
        aid = self.num_abstract.get(num_id or "")
        if aid not in self.abstract:  # numId 0 (numbering removed) or a dangling reference
            return ""
        level = int(ilvl) if ilvl is not None else self.level_style.get((aid, style), 0)
        levels = {**self.abstract[aid], **self.num_levels[num_id]}
        if level not in levels:
            return ""
        counts = self.counters.setdefault(aid, {})
        if (num_id, level) in self.start_override and (num_id, level) not in self.overridden:
            self.overridden.add((num_id, level))
            counts[level] = self.start_override[(num_id, level)]
        elif level in counts:
            counts[level] += 1
        else:
            counts[level] = levels[level].start
        for deeper in [k for k in counts if k > level]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart and level < restart):
                del counts[deeper]
        this = levels[level]
        if this.fmt == "bullet":
            sign = this.text
            return (_spec()["bullet"] if any(0xE000 <= ord(c) <= 0xF8FF for c in sign) else sign) + this.suffix

        def number(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            if k not in levels:
                return ""
            value = counts.get(k, levels[k].start)
            return format_number(value, "decimal" if this.legal else levels[k].fmt)

        return re.sub(r"%([1-9])", number, this.text) + this.suffix


class _Styles:
    """Paragraph styles: the default one, and the numbering each takes from itself or its base styles."""

    def __init__(self, document) -> None:
        root = document.styles.element
        self.based_on: dict[str, str] = {}
        self.own: dict[str, tuple[str | None, str | None]] = {}
        self.default = None
        for style in root.iterfind(_W + "style"):
            sid = style.get(_W + "styleId")
            if style.get(_W + "type") == "paragraph" and style.get(_W + "default") in ("1", "true"):
                self.default = sid
            if (base := _val(style, "basedOn")) is not None:
                self.based_on[sid] = base
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                self.own[sid] = (_val(num_pr, "numId"), _val(num_pr, "ilvl"))

    def num_pr(self, style: str | None) -> tuple[str | None, str | None]:
        seen = set()
        while style is not None and style not in seen:
            if style in self.own:
                return self.own[style]
            seen.add(style)
            style = self.based_on.get(style)
        return None, None


def format_number(value: int, fmt: str) -> str:
    """A list counter as Word writes it in number format `fmt` (w:numFmt)."""
    rule = _spec()["numbering_formats"].get(fmt, {"digits": "0123456789"})
    if "none" in rule:
        return ""
    if "cn2an" in rule and value > 0:
        import cn2an  # here, not at the top: its import compiles patterns for 0.3 s, which every command paid

        return cn2an.an2cn(value, rule["cn2an"])
    if "sequence" in rule and 0 < value <= len(rule["sequence"]):
        return rule["sequence"][value - 1]
    if "letters" in rule and value > 0:
        letters = rule["letters"]
        return letters[(value - 1) % len(letters)] * ((value - 1) // len(letters) + 1)
    if "roman" in rule and value > 0:
        roman = _roman(value)
        return roman if rule["roman"] == "upper" else roman.lower()
    digits = rule.get("digits", "0123456789")
    return str(value).zfill(rule.get("width", 1)).translate(str.maketrans("0123456789", digits))


def _roman(value: int) -> str:
    out = ""
    for amount, sign in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                         (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, value = divmod(value, amount)
        out += sign * count
    return out


# -- tables --------------------------------------------------------------------------------

@cache
def _table_rules() -> dict:
    spec = _spec()["tables"]
    growth = sorted(spec["growth_words"], key=len, reverse=True)
    return {
        "figure": re.compile(spec["figure_cell"]),
        "unit": re.compile(spec["unit_in_header"]),
        "period": re.compile(spec["period_in_header"]),
        "index": set(spec["index_headers"]),
        "unit_headers": set(spec["unit_headers"]),
        "growth": re.compile("|".join(map(re.escape, growth))),
        "cues": spec["status_cues"],
        "blank": re.compile(spec["blank_cell"]),
        "bare": re.compile(r"^[-+−]?[0-9０-９*＊xX×○.,，．]+$"),
    }


@dataclass
class _Cell:
    text: str
    row: int
    col: int
    tc: Any  # the w:tc element: a merged cell is the same element in every grid position


def _grid(table) -> list[list[_Cell]]:
    grid = []
    for r, row in enumerate(table.rows):
        cells, first = [], {}
        for c, cell in enumerate(row.cells):
            # a merged cell keeps the coordinates of its first grid position
            r0, c0 = first.setdefault(id(cell._tc), (r, c))
            cells.append(_Cell(cell.text, r0, c0, cell._tc))
        grid.append(cells)
    # a cell merged down (w:vMerge) is read at its top position
    for r in range(1, len(grid)):
        for cell in grid[r]:
            for above in grid[r - 1]:
                if above.tc is cell.tc:
                    cell.row, cell.col = above.row, above.col
    return grid


def _write_table(table, index: int, out: _Writer) -> None:
    rules = _table_rules()
    grid = _grid(table)
    width = max((len(row) for row in grid), default=0)
    head = 0
    while head < len(grid) and not any(rules["figure"].match(c.text.strip()) for c in grid[head][1:]):
        head += 1
    body = grid[head:]
    if not head or head == len(grid) or width < 2:  # no header row to read the figures by, or no figures
        _write_rows(grid, index, out)
        return
    headers = [_column_header(grid[:head], c) for c in range(width)]
    header_text = [" ".join(cell.text.strip() for cell in cells) for cells in headers]
    index_cols = {c for c, text in enumerate(header_text) if text in rules["index"]}
    unit_cols = {c for c, text in enumerate(header_text) if text in rules["unit_headers"]}
    figure_cols = [c for c in range(width) if c not in index_cols | unit_cols and _mostly_figures(body, c, rules)]
    if not figure_cols:
        _write_rows(grid, index, out)
        return
    first_figure = min(figure_cols)
    label_cols = [c for c in range(first_figure) if c not in index_cols | unit_cols]
    lines = 0
    for row in body:
        label = next((row[c] for c in reversed(label_cols) if c < len(row) and row[c].text.strip()), None)
        unit = next((row[c] for c in unit_cols if c < len(row) and row[c].text.strip()), None)
        seen = {id(label.tc)} if label is not None else set()  # a label merged across the row is no figure
        for c in range(first_figure, len(row)):
            cell = row[c]
            if c in index_cols | unit_cols or id(cell.tc) in seen or rules["blank"].match(cell.text):
                continue
            seen.add(id(cell.tc))
            if lines:
                out.add("\n", "added", index, cell.row, cell.col)
            _write_figure(cell, label, unit, headers, c, index, out, rules)
            lines += 1


def _mostly_figures(body: list[list[_Cell]], col: int, rules: dict) -> bool:
    """Whether most filled cells of a column hold a figure (XX园区 matches the pattern too)."""
    cells = [row[col].text.strip() for row in body if col < len(row) and not rules["blank"].match(row[col].text)]
    return sum(bool(rules["figure"].match(text)) for text in cells) * 2 > len(cells)


def _column_header(rows: list[list[_Cell]], col: int) -> list[_Cell]:
    """The header cells over a column, top down, each merged cell once."""
    cells: list[_Cell] = []
    for row in rows:
        if col < len(row) and row[col].text.strip() and all(row[col].tc is not c.tc for c in cells):
            cells.append(row[col])
    return cells


def _write_figure(cell: _Cell, label: _Cell | None, unit: _Cell | None, headers: list[list[_Cell]], col: int,
                  index: int, out: _Writer, rules: dict) -> None:
    """`{column header}：{row header}{growth words}{figure}{unit}。`, each piece from its cell."""
    pieces: list[tuple[_Cell, int, int]] = []  # (cell, start, end) of the column header written before the row
    growth: list[tuple[_Cell, int, int]] = []
    header_unit = None
    for head in headers[col]:
        text = head.text.rstrip()
        if m := rules["unit"].search(text):
            header_unit = (head, m.start("unit"), m.end("unit")) if m.group("unit") else (head, m.start("pct"),
                                                                                          m.end("pct"))
            text = text[:m.start()]
        start = len(text) - len(text.lstrip())
        if g := rules["growth"].search(text, start):
            pieces.append((head, start, g.start()))
            growth.append((head, g.start(), len(text)))
        else:
            pieces.append((head, start, len(text)))
    written = "".join(h.text[s:e] for h, s, e in pieces)
    if growth and not rules["period"].search(written):
        # a growth column without a period (同比增长) is the growth over the column before it
        for left in range(col - 1, -1, -1):
            found = next(((h, m) for h in headers[left] if (m := rules["period"].search(h.text))), None)
            if found:
                pieces.insert(0, (found[0], found[1].start(), found[1].end()))
                break
    for head, start, end in pieces:
        if end > start:
            out.add(head.text[start:end], "cell", index, head.row, head.col, start)
    for word, cue in rules["cues"].items():
        if word in written and cue not in written:
            out.add(cue, "added", index, cell.row, cell.col)
    if any(e > s for _, s, e in pieces):
        out.add("：", "added", index, cell.row, cell.col)
    if label is not None:
        out.add(label.text.strip(), "cell", index, label.row, label.col, len(label.text) - len(label.text.lstrip()))
    for head, start, end in growth:
        out.add(head.text[start:end], "cell", index, head.row, head.col, start)
    value = cell.text.strip()
    out.add(value, "cell", index, cell.row, cell.col, len(cell.text) - len(cell.text.lstrip()))
    if rules["bare"].match(value):  # a column's own unit (同比增长（%）) before the row's (单位: 亿元)
        if header_unit is not None:
            head, start, end = header_unit
            out.add(head.text[start:end], "cell", index, head.row, head.col, start)
        elif unit is not None:
            out.add(unit.text.strip(), "cell", index, unit.row, unit.col, len(unit.text) - len(unit.text.lstrip()))
    out.add("。", "added", index, cell.row, cell.col)


def _write_rows(grid: list[list[_Cell]], index: int, out: _Writer) -> None:
    """A table without figures: one line per row, its cells separated by tabs."""
    for r, row in enumerate(grid):
        if r:
            out.add("\n", "added", index, r, 0)
        seen = set()
        for c, cell in enumerate(row):
            if id(cell.tc) in seen:
                continue
            seen.add(id(cell.tc))
            if c:
                out.add("\t", "added", index, r, c)
            out.add(cell.text.replace("\n", " "), "cell", index, cell.row, cell.col)
