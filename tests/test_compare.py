import json

import pandas as pd
import pytest

from parksum.analyst.compare import compare
from parksum.interfaces.cli import EXIT_OK, EXIT_USAGE, main


def test_parks_as_rows_masked_shown_as_masked(facts_db):
    table = compare(["规上工业总产值", "tax_revenue"], facts_db)
    assert table.index.tolist() == ["有色金属工业园", "金属智造园", "高新工业园"]
    assert table.loc["金属智造园", "规上工业总产值"] == 125.0  # actual wins over the forecast 118
    assert table.loc["有色金属工业园", "规上工业总产值"] == "masked"
    assert table.loc["有色金属工业园", "规上工业总产值 增速%"] == "masked"
    assert table.loc["高新工业园", "规上工业总产值 增速%"] == 8.2
    assert table.loc["金属智造园", "税收"] == "masked" and table.loc["有色金属工业园", "税收"] is None


def test_status_and_period_select_the_figure(facts_db):
    assert compare(["规上工业总产值"], facts_db, status="forecast").loc["金属智造园", "规上工业总产值"] == 118.0
    target = compare(["规上工业总产值"], facts_db, period=2023)
    assert target.loc["金属智造园", "规上工业总产值 期间"] == "2023 target"
    assert target.loc["高新工业园", "规上工业总产值"] is None


def test_sources_give_the_sentence(facts_db):
    table = compare(["税收"], facts_db, sources=True)
    assert table.loc["高新工业园", "税收"] == 35000.0 and table.loc["高新工业园", "税收 单位"] == "万元"
    assert table.loc["高新工业园", "税收 来源"] == "实缴税金35000万元。"


def test_cli_formats(facts_db, tmp_path, capsys):
    assert main(["compare", "--indicator", "规上工业总产值", "--db", facts_db]) == EXIT_OK
    out = capsys.readouterr().out
    assert all(park in out for park in ("金属智造园", "高新工业园", "有色金属工业园")) and "masked" in out
    assert main(["compare", "--indicator", "规上工业总产值", "--format", "json", "--db", facts_db]) == EXIT_OK
    records = json.loads(capsys.readouterr().out)
    assert {r["park"]: r["规上工业总产值"] for r in records}["高新工业园"] == 356.8
    target = tmp_path / "compare.xlsx"
    assert main(["compare", "--indicator", "规上工业总产值", "--format", "xlsx", "--out", str(target),
                 "--db", facts_db]) == EXIT_OK
    sheet = pd.read_excel(target, sheet_name="对比", index_col=0)
    assert sheet.loc["高新工业园", "规上工业总产值"] == pytest.approx(356.8)
    csv = tmp_path / "compare.csv"
    assert main(["compare", "--indicator", "规上工业总产值", "--format", "csv", "--out", str(csv),
                 "--db", facts_db]) == EXIT_OK
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_errors_are_clear(facts_db, tmp_path, capsys):
    assert main(["compare", "--indicator", "不存在的指标", "--db", facts_db]) == EXIT_USAGE
    assert "no indicator matches '不存在的指标'" in capsys.readouterr().err
    assert main(["compare", "--indicator", "税收", "--format", "xlsx", "--db", facts_db]) == EXIT_USAGE
    assert "needs --out" in capsys.readouterr().err


def test_cells_that_a_spreadsheet_would_run_as_formulas_stay_text(tmp_path):
    import pandas as pd

    from parksum.analyst.compare import write

    table = pd.DataFrame({"值": [1.5, -2.0], "来源": ['=HYPERLINK("http://x","y")', "增长-3%"]},
                         index=pd.Index(["@园区", "高新园"], name="park"))
    write(table, "csv", tmp_path / "t.csv")
    text = (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert "'@园区" in text and "'=HYPERLINK" in text and ",-2.0," in text and "增长-3%" in text
    write(table, "xlsx", tmp_path / "t.xlsx")
    assert pd.read_excel(tmp_path / "t.xlsx").iloc[0].tolist() == ["'@园区", 1.5, "'=HYPERLINK(\"http://x\",\"y\")"]
