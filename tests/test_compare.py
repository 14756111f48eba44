import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from parksum.analyst.compare import LONG_COLUMNS, compare, compare_long
from parksum.interfaces.cli import EXIT_OK, EXIT_USAGE, main


def test_parks_as_rows_values_numeric_with_a_masked_flag(facts_db):
    table = compare(["规上工业总产值", "tax_revenue"], facts_db)
    assert table.index.tolist() == ["有色金属工业园", "金属智造园", "高新工业园"]
    assert table["规上工业总产值"].dtype == "float64" and table["规上工业总产值 growth"].dtype == "float64"
    assert table.loc["金属智造园", "规上工业总产值"] == 125.0  # actual wins over the forecast 118
    youse = table.loc["有色金属工业园"]
    assert pd.isna(youse["规上工业总产值"]) and youse["规上工业总产值 masked"]
    assert table.loc["有色金属工业园", "规上工业总产值 growth_masked"]
    assert table.loc["高新工业园", "规上工业总产值 growth"] == 8.2
    assert table.loc["金属智造园", "税收 masked"] and pd.isna(table.loc["有色金属工业园", "税收 masked"])
    assert table["税收"].sum() == 35000.0  # sums work: no strings among the numbers


def test_long_format_and_units_after_conversion(facts_db):
    long = compare_long(["税收"], facts_db)
    assert list(long.columns) == LONG_COLUMNS
    jinshu = long[long["park"] == "金属智造园"].iloc[0]
    assert jinshu["text"] == "**亿元" and jinshu["unit"] == "万元" and bool(jinshu["masked"])  # in the common unit
    assert long["value"].tolist()[2] == 35000.0


def test_status_and_period_select_the_figure(facts_db):
    assert compare(["规上工业总产值"], facts_db, status="forecast").loc["金属智造园", "规上工业总产值"] == 118.0
    target = compare(["规上工业总产值"], facts_db, period=2023)
    jinshu = target.loc["金属智造园"]
    assert (jinshu["规上工业总产值 period_year"], jinshu["规上工业总产值 status"]) == (2023, "target")
    assert pd.isna(target.loc["高新工业园", "规上工业总产值"])


def test_sources_give_the_sentence(facts_db):
    table = compare(["税收"], facts_db, sources=True)
    assert table.loc["高新工业园", "税收"] == 35000.0 and table.loc["高新工业园", "税收 unit"] == "万元"
    assert table.loc["高新工业园", "税收 source"] == "实缴税金35000万元。"


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
    sheet = pd.read_excel(target, sheet_name="compare", index_col=0)
    assert sheet.loc["高新工业园", "规上工业总产值"] == pytest.approx(356.8)
    assert list(sheet.columns) == [r for r in records[0] if r != "park"]  # one vocabulary in JSON and XLSX
    cell = load_workbook(target)["compare"]["B2"]  # 有色金属工业园's masked 规上工业总产值
    assert cell.value is None and cell.fill.start_color.rgb.endswith("FBE3E3") and cell.comment.text == "masked"
    csv = tmp_path / "compare.csv"
    assert main(["compare", "--indicator", "规上工业总产值", "--format", "csv", "--out", str(csv),
                 "--db", facts_db]) == EXIT_OK
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    assert pd.read_csv(csv, encoding="utf-8-sig").columns.tolist() == ["park", *sheet.columns]
    capsys.readouterr()
    assert main(["compare", "--indicator", "税收", "--long", "--format", "csv", "--db", facts_db]) == EXIT_OK
    assert capsys.readouterr().out.lstrip("\ufeff").startswith("park,indicator,value,unit,masked,")


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
