"""The analyst report: one self-contained HTML file (inline SVG charts, no external resources)
and an XLSX workbook with a sheet per view."""
from __future__ import annotations

import math
from html import escape
from pathlib import Path

import pandas as pd

from parksum.analyst.compare import as_text, compare, compare_long
from parksum.analyst.facts import MASKED, Db, conflicts, coverage, facts, masked_values, store_of
from parksum.store import Store, queries

KINDS = {"achievements": "成绩 achievements", "problems": "问题 problems", "plans": "计划 plans", "other": "其他 other"}

# Chinese headers for the workbook and the report's tables.
HEADERS = {
    "park": "园区", "indicator": "指标", "indicator_id": "指标编号", "period_year": "年份", "status": "状态",
    "value_text": "原文", "value": "数值", "value_low": "下限", "value_high": "上限", "unit": "单位",
    "base_value": "基本单位数值", "base_unit": "基本单位", "qualifier": "修饰", "masked": "遮蔽",
    "growth": "增速(%)", "growth_masked": "增速遮蔽", "mentions": "提及次数", "documents": "文档数",
    "in_conflict": "存在冲突", "document": "文档", "section_path": "章节", "sentence": "原句",
    "mention_ids": "来源记录", "measure": "度量", "conflict": "冲突类型", "doc_type": "文档类型",
    "document_year": "文档年份", "text": "原文", "chosen": "采用", "metric_id": "记录编号", "role": "角色",
    "period": "期间",
}

STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:2em auto;max-width:1100px;color:#222;line-height:1.5}
h1{font-size:1.6em}h2{border-bottom:2px solid #36c;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top;text-align:left}
th{background:#eef2fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.masked{color:#a33;font-weight:bold}.source{color:#555;font-size:.85em;max-width:32em}
.indicator{display:flex;gap:2em;flex-wrap:wrap;align-items:flex-start}
svg.chart text{font-size:12px;font-family:inherit}.bar{fill:#36c}.bar:hover,.bar.on{fill:#f90}
.masked-bar{fill:url(#hatch);stroke:#a33}tr.on{background:#fff3d6}
.cov-masked{background:#fbe3e3}.cov-given{background:#e3f4e3}.note{color:#666}
"""

SCRIPT = """
// Clicking a bar highlights the park's row in the table beside it, and back.
document.querySelectorAll('.indicator').forEach(function (box) {
  box.querySelectorAll('[data-park]').forEach(function (el) {
    el.addEventListener('click', function () {
      box.querySelectorAll('[data-park]').forEach(function (other) {
        other.classList.toggle('on', other.dataset.park === el.dataset.park);
      });
    });
  });
});
document.documentElement.dataset.ready = String(document.querySelectorAll('svg.chart').length);
"""


def write_report(db: Db = None, html: Path | None = None, xlsx: Path | None = None) -> None:
    """Write the HTML report and/or the workbook for the store `db`."""
    store = store_of(db)
    if html is not None:
        html.write_text(render_html(store), encoding="utf-8")
    if xlsx is not None:
        write_xlsx(store, xlsx)


def render_html(db: Db = None) -> str:
    store = store_of(db)
    fact_rows = facts(store)
    names = _indicators_by_reach(fact_rows)
    counts = queries.counts(store)
    parts = [f"<h1>园区工作总结对比报告 Park comparison</h1><p>{counts['parks']} parks, "
             f"{counts['documents']} documents, {counts['figures']} figures, of which {counts['masked']} masked. "
             "Every figure shows the sentence it "
             "comes from; masked figures read <span class=masked>masked</span>, never 0.</p>",
             "<h2>指标对比 Indicators across parks</h2>"]
    if not names:
        parts.append("<p class=note>No figures in the database yet: the metric extractor fills the metrics table "
                     "when documents are ingested.</p>")
    for name in names:
        parts.append(_indicator_section(name, compare_long([name], store).set_index("park")))
    parts += ["<h2>覆盖 Coverage: facts per park and indicator (masked)</h2>", _coverage_table(coverage(store)),
              "<h2>冲突 Conflicts</h2>", _conflicts_table(conflicts(store)),
              "<h2>提纲 Outline profiles</h2>", _outline_profiles(store)]
    return ("<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><title>parksum report</title>"
            f"<style>{STYLE}</style></head><body>{''.join(parts)}<script>{SCRIPT}</script></body></html>")


def _indicators_by_reach(fact_rows: pd.DataFrame) -> list[str]:
    """Indicators reported by the most parks first."""
    reach = fact_rows.groupby("indicator")["park"].nunique().sort_values(ascending=False, kind="stable")
    return reach.index.tolist()


def _indicator_section(name: str, table: pd.DataFrame) -> str:
    """`table`: compare_long's rows of one indicator, indexed by park."""
    rows = []
    for park, row in table.iterrows():
        rows.append(f"<tr data-park='{escape(park)}'><th>{escape(park)}</th>{_cell(row['value'])}"
                    f"<td>{_text(row['unit'])}</td>{_cell(row['growth'])}"
                    f"<td>{_text(row['period'])}</td>"
                    f"<td class=source>{_text(row['source'])}</td></tr>")
    head = "<tr><th>园区</th><th>数值</th><th>单位</th><th>增速%</th><th>期间</th><th>来源 source sentence</th></tr>"
    return (f"<section><h3>{escape(name)}</h3><div class=indicator><table>{head}{''.join(rows)}</table>"
            f"{_bar_chart(name, table)}</div></section>")


def _present(value: object) -> bool:
    """False for a missing figure, which pandas may hand over as None or as NaN."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _text(value: object) -> str:
    return escape(str(value)) if _present(value) else ""


def _cell(value: object) -> str:
    if not _present(value):
        return "<td></td>"
    if value == MASKED:
        return "<td class=masked>masked</td>"
    return f"<td class=num>{value:,.6g}</td>" if isinstance(value, float | int) else f"<td>{escape(str(value))}</td>"


def _bar_chart(name: str, table: pd.DataFrame, width: int = 420, label: int = 120, row: int = 26) -> str:
    """Horizontal bars in the table's unit; a masked figure is a hatched bar, a missing one a note."""
    values = table["value"]
    numbers = [v for v in values if isinstance(v, float | int) and _present(v)]
    top = max(numbers, default=0) or 1
    span = width - label - 60
    height = row * len(values) + 10
    items = []
    for i, (park, value) in enumerate(values.items()):
        y = 5 + i * row
        items.append(f"<text x={label - 6} y={y + 17} text-anchor=end>{escape(park)}</text>")
        if isinstance(value, float | int) and _present(value):
            w = max(1.0, span * value / top)
            items.append(f"<rect class=bar data-park='{escape(park)}' x={label} y={y + 4} width={w:.1f} "
                         f"height={row - 8}>"
                         f"<title>{escape(park)}: {value:,.6g}</title></rect>"
                         f"<text x={label + w + 4:.1f} y={y + 17}>{value:,.6g}</text>")
        elif value == MASKED:
            items.append(f"<rect class=masked-bar data-park='{escape(park)}' x={label} y={y + 4} width={span / 2:.1f} "
                         f"height={row - 8}><title>{escape(park)}: masked</title></rect>"
                         f"<text x={label + span / 2 + 4:.1f} y={y + 17} class=masked>masked</text>")
        else:
            items.append(f"<text x={label} y={y + 17} class=note>not reported</text>")
    unit = next((u for u in table["unit"] if u), "")
    return (f"<svg class=chart role=img aria-label='{escape(name)} ({escape(unit)})' width={width} height={height} "
            f"viewBox='0 0 {width} {height}'><defs><pattern id=hatch width=6 height=6 patternUnits=userSpaceOnUse "
            "patternTransform='rotate(45)'><rect width=6 height=6 fill=#fbe3e3 /><line x1=0 y1=0 x2=0 y2=6 "
            f"stroke=#a33 stroke-width=2 /></pattern></defs>{''.join(items)}</svg>")


def _coverage_table(matrix: pd.DataFrame) -> str:
    if matrix.columns.empty:
        return "<p class=note>No facts yet.</p>"
    head = "<tr><th>园区</th>" + "".join(f"<th>{escape(c)}</th>" for c in matrix.columns) + "</tr>"
    rows = []
    for park, row in matrix.iterrows():
        cells = "".join(f"<td class={'cov-given' if '(0 masked)' in cell else 'cov-masked' if cell else ''}>"
                        f"{escape(cell)}</td>" for cell in row)
        rows.append(f"<tr><th>{escape(park)}</th>{cells}</tr>")
    return f"<table class=coverage>{head}{''.join(rows)}</table>"


def _conflicts_table(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "<p class=note>No conflicting figures.</p>"
    columns = ["park", "indicator", "period_year", "status", "measure", "conflict", "document", "doc_type", "text",
               "chosen", "sentence"]
    head = "".join(f"<th>{HEADERS[c]}</th>" for c in columns)
    rows = []
    for _, r in frame.iterrows():
        cells = [escape(str(r[c])) for c in columns[:8]]
        figure = f"<span class=masked>{escape(r['text'])}</span>" if r["masked"] else escape(r["text"])
        cells += [figure, "✓ chosen" if r["chosen"] else "", f"<span class=source>{escape(r['sentence'])}</span>"]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ("<p>The figure marked chosen is the one facts and comparisons show: an unmasked figure over a masked one, "
            f"then the later document.</p><table><tr>{head}</tr>{''.join(rows)}</table>")


def _outline_profiles(store: Store) -> str:
    sections = queries.headings(store)
    parts = []
    for park, own in sections.groupby("park", sort=True):
        counts = own["kind"].value_counts()
        summary = ", ".join(f"{KINDS.get(k, k)}: {counts.get(k, 0)}" for k in KINDS)
        lists = []
        for kind in KINDS:
            tops = own[(own["kind"] == kind) & (own["depth"] == 1)]
            if not tops.empty:
                items = "".join(f"<li>{escape(t.marker or '')}{escape(t.title)} <span class=note>{escape(t.document)}"
                                "</span></li>" for t in tops.itertuples())
                lists.append(f"<h4>{KINDS[kind]}</h4><ul>{items}</ul>")
        parts.append(f"<h3>{escape(park)}</h3><p>Sections by kind — {summary}</p>{''.join(lists)}")
    return "".join(parts) or "<p class=note>No documents.</p>"


def write_xlsx(db: Db, path: Path) -> None:
    """Sheets 事实 (facts), 对比 (comparison), 遮蔽值 (masked values), 冲突 (conflicts); numbers stay numbers."""
    store = store_of(db)
    fact_rows = facts(store).drop(columns=["fact_key", "value_metric_id", "growth_metric_id"])
    comparison = compare(_indicators_by_reach(fact_rows), store)
    sheets = {"事实": fact_rows, "对比": comparison.reset_index(), "遮蔽值": masked_values(store),
              "冲突": conflicts(store).drop(columns=["fact_key"])}
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for title, frame in sheets.items():
            as_text(frame.rename(columns=HEADERS)).to_excel(writer, sheet_name=title, index=False)
            sheet = writer.sheets[title]
            sheet.freeze_panes = "B2"
            for column in sheet.columns:
                sheet.column_dimensions[column[0].column_letter].width = min(
                    60, max(8, *(len(str(c.value or "")) * 1.6 for c in column[:50])))
