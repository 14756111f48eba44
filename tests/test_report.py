import os
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from parksum.analyst.report import render_html, write_report
from parksum.interfaces.cli import EXIT_OK, main
from tests.conftest import ROOT

CHROMIUM = Path(os.environ.get("PARKSUM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOT = ROOT / "build" / "report.png"


def test_html_is_self_contained_and_shows_sources(facts_db):
    html = render_html(facts_db)
    assert "<script src" not in html and "http://" not in html and "https://" not in html
    assert html.count("<svg class=chart") == 5  # one chart per indicator
    assert "全年实现规模以上工业总产值356.8亿元，同比增长8.2%。" in html  # the source sentence of a figure
    assert "<td class=masked>masked</td>" in html and "1 (1 masked)" in html
    assert "different values" in html and "masked and unmasked" in html
    assert "存在问题" in html and "问题 problems: 1" in html


def test_workbook_has_a_sheet_per_view_with_numbers_as_numbers(facts_db, tmp_path):
    target = tmp_path / "report.xlsx"
    write_report(facts_db, xlsx=target)
    book = load_workbook(target)
    assert book.sheetnames == ["事实", "对比", "遮蔽值", "冲突"]
    comparison = book["对比"]
    header = [c.value for c in comparison[1]]
    assert header[:3] == ["园区", "规上工业总产值", "规上工业总产值 单位"]
    by_park = {row[0].value: row[1].value for row in comparison.iter_rows(min_row=2)}
    assert by_park == {"有色金属工业园": "masked", "金属智造园": 125, "高新工业园": 356.8}
    assert isinstance(by_park["高新工业园"], float)
    assert book["冲突"].max_row == 5 and book["遮蔽值"].max_row == 6


def _browser():
    """Debian's chromium through Playwright; in CI a missing browser fails instead of skipping."""
    reason = None
    if shutil.which(str(CHROMIUM)) is None:
        reason = f"no browser at {CHROMIUM} (apt-get install chromium, or set PARKSUM_CHROMIUM)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test must run in CI: {reason}")
        pytest.skip(reason)
    return sync_playwright


def test_report_renders_in_a_real_browser(facts_db, tmp_path):
    sync_playwright = _browser()
    html = tmp_path / "report.html"
    assert main(["report", "--db", facts_db, "--out", str(html), "--xlsx", str(tmp_path / "r.xlsx")]) == EXIT_OK
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(html.as_uri())
            page.wait_for_function("document.documentElement.dataset.ready !== undefined")
            assert page.evaluate("document.documentElement.dataset.ready") == "5"  # the script ran to the end
            bars = page.locator("svg.chart rect.bar")
            assert bars.count() == 6  # one per unmasked figure
            box = bars.first.bounding_box()
            assert box is not None and box["width"] > 10 and box["height"] > 5  # the charts drew
            assert page.locator("svg.chart rect.masked-bar").count() == 2
            bars.first.click()
            assert page.locator("tr.on").count() == 1
            assert "规上工业总产值" in page.inner_text("h3 >> nth=0")
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert SCREENSHOT.stat().st_size > 10_000


def test_report_on_the_sample_corpus_shows_every_park_and_no_missing_number_as_nan(db_url, tmp_path):
    assert main(["ingest", str(ROOT / "corpus"), "--db", db_url, "--no-ner"]) == EXIT_OK
    html, xlsx = tmp_path / "report.html", tmp_path / "report.xlsx"
    write_report(db_url, html, xlsx)
    page = html.read_text(encoding="utf-8")
    assert ">nan<" not in page and ">None<" not in page
    assert all(park in page for park in ("金属智造园", "高新工业园", "有色金属工业园"))
    assert "规上工业总产值" in page and "masked" in page
