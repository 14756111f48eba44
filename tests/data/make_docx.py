"""Word files made from a plain-text summary, as park offices write them, for the format tests.

    .venv/bin/python tests/data/make_docx.py ../shared/seeds/*.txt --out /tmp/docx

Three kinds, each one paragraph per line of the text:
- `plain`: the text as typed, markers and all;
- `numbered`: the line-start markers 一、 （一） 1./1、 （1） taken out of the text and drawn by
  Word's automatic numbering (numbering.xml: chineseCounting levels for 一、 and （一）,
  decimal for 1. and （1）); 一、 headings take their numbering from the `Heading 1` style,
  the others from the paragraph. Where the text numbers a heading otherwise than the list
  would go on (a repeated （二）, a skipped （六）), a new numbering instance restarts the level
  with `w:startOverride`, so Word shows what the text says;
- `table`: `plain` with a table of figures after the first heading.

`build` returns, with the file, where each paragraph's label and text start in the .txt, so
that what is found in the Word file can be scored against the text's gold.
"""
from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

KINDS = ("plain", "numbered", "table")

# family → (level, pattern of a line-start marker); the number is group 1
MARKERS = {
    "cn_dun": (0, re.compile(r"([一二三四五六七八九十]{1,3})、")),
    "cn_paren": (1, re.compile(r"（([一二三四五六七八九十]{1,3})）")),
    "arabic": (2, re.compile(r"([0-9]{1,2})([.、．])(?![0-9])")),
    "arabic_paren": (3, re.compile(r"（([0-9]{1,2})）")),
}
CN = "一二三四五六七八九十"

TABLE = [
    ["序号", "指标", "2022年完成", "同比增长（%）", "2023年目标"],
    ["1", "规上工业总产值", "125亿元", "12", "150亿元"],
    ["2", "固定资产投资", "48.6亿元", "-3.5", "55亿元"],
    ["3", "招商引资到位资金", "**亿元", "**", "**亿元"],
    ["4", "新增规上工业企业", "8家", "—", "10家"],
]

@dataclass
class Built:
    path: Path
    # per paragraph of the Word file: the .txt offset of its label (None: no label) and of its text
    paragraphs: list[tuple[int | None, int]]
    table: list[list[str]] | None = None


def _ordinal(number: str) -> int:
    if number.isdigit():
        return int(number)
    if len(number) == 1:
        return CN.index(number) + 1
    tens, _, ones = number.partition("十")
    return (CN.index(tens) + 1 if tens else 1) * 10 + (CN.index(ones) + 1 if ones else 0)


def _abstract(arabic_sep: str) -> str:
    levels = [("chineseCounting", "%1、", "nothing"), ("chineseCounting", "（%2）", "nothing"),
              ("decimal", f"%3{arabic_sep}", None), ("decimal", "（%4）", "nothing")]
    body = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        + (f'<w:suff w:val="{suff}"/>' if suff else "")
        + f'<w:lvlText w:val="{text}"/></w:lvl>'
        for i, (fmt, text, suff) in enumerate(levels))
    return f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{body}</w:abstractNum>'


def _num(num_id: int, override: tuple[int, int] | None = None) -> str:
    extra = (f'<w:lvlOverride w:ilvl="{override[0]}"><w:startOverride w:val="{override[1]}"/></w:lvlOverride>'
             if override else "")
    return f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="90"/>{extra}</w:num>'


def _set_num(paragraph, num_id: int, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def build(txt: Path, kind: str, out_dir: Path) -> Built:
    text = txt.read_text(encoding="utf-8")
    document = docx.Document()
    lines, at = [], 0
    for line in text.split("\n"):
        lines.append((at, line))
        at += len(line) + 1
    if lines[-1][1] == "":  # a final line break ends the last paragraph, it opens none
        lines.pop()
    paragraphs: list[tuple[int | None, int]] = []
    numbering = document.part.numbering_part.element
    num_id, counters, heading_style = 91, {}, document.styles["Heading 1"]
    if kind == "numbered":
        seps = [m.group(2) for _, line in lines if (m := MARKERS["arabic"][1].match(line.lstrip()))]
        numbering.insert(0, parse_xml(_abstract(seps[0] if seps else ".")))  # abstractNums come before nums
        numbering.append(parse_xml(_num(num_id)))
        heading_style.element.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))
    table_after = None
    for start, line in lines:
        stripped = line.lstrip()
        lead = len(line) - len(stripped)
        found = next(((level, m) for level, pattern in MARKERS.values() if (m := pattern.match(stripped))), None)
        if kind != "numbered" or found is None:
            document.add_paragraph(line)
            paragraphs.append((None, start))
            if found and found[0] == 0 and table_after is None:
                table_after = len(paragraphs) - 1
            continue
        level, m = found
        paragraph = document.add_paragraph(stripped[m.end():])
        ordinal = _ordinal(m.group(1))
        expected = counters.get(level, 0) + 1
        if ordinal != expected:  # restart the level where the text numbers it otherwise
            num_id += 1
            numbering.append(parse_xml(_num(num_id, (level, ordinal))))
        counters[level] = ordinal
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if level == 0 and ordinal == expected:
            paragraph.style = heading_style
        else:
            _set_num(paragraph, num_id, level)
        paragraphs.append((start + lead, start + lead + m.end()))
    table = None
    if kind == "table":
        table = TABLE
        grid = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
        for r, row in enumerate(TABLE):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        # python-docx appends the table at the end; Word files have it inside the text
        document.paragraphs[table_after or 0]._p.addnext(grid._tbl)
    path = out_dir / f"{txt.stem}.{kind}.docx"
    document.save(str(path))
    return Built(path, paragraphs, table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("texts", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--kind", choices=KINDS, action="append")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for txt in args.texts:
        for kind in args.kind or KINDS:
            print(build(txt, kind, args.out).path)


if __name__ == "__main__":
    main()
