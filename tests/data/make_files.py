"""Regenerate the loader fixtures in tests/data/files/ (run once; the outputs are committed).

    .venv/bin/pip install reportlab && .venv/bin/python tests/data/make_files.py   (needs soffice for sample.doc)
"""
import subprocess
from pathlib import Path

import docx
from pypdf import PdfReader, PdfWriter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).parent / "files"
SAMPLE = (
    "省级工业园区2022年工作总结\n"
    "一、主要工作成效\n"
    "（一）经济发展稳中向好。今年1-10月实现规上工业总产值**亿元，增长**。\n"
    "二、存在问题\n"
    "一是招商渠道还有不足。二是项目建设还有堵点。\n"
)


def main() -> None:
    HERE.mkdir(exist_ok=True)
    (HERE / "utf8.txt").write_bytes(SAMPLE.encode("utf-8"))
    (HERE / "utf8_bom.txt").write_bytes(SAMPLE.encode("utf-8-sig"))
    (HERE / "gbk.txt").write_bytes(SAMPLE.encode("gbk"))
    (HERE / "gb18030.txt").write_bytes((SAMPLE + "生僻字：䶮𠀾\n").encode("gb18030"))
    (HERE / "utf16.txt").write_bytes(SAMPLE.encode("utf-16"))
    (HERE / "crlf.txt").write_bytes(SAMPLE.replace("\n", "\r\n").encode("utf-8"))
    (HERE / "empty.txt").write_bytes(b"")
    (HERE / "blank.txt").write_bytes(b"  \n\n ")
    (HERE / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (HERE / "notes.rtf").write_bytes(b"{\\rtf1 not supported}")

    document = docx.Document()
    for line in SAMPLE.splitlines()[:3]:
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "指标", (0, 1): "数值", (1, 0): "固定资产投资", (1, 1): "**亿元"}.items():
        table.cell(r, c).text = value
    document.add_paragraph("二、存在问题")
    document.save(str(HERE / "sample.docx"))
    (HERE / "broken.docx").write_bytes(b"PK\x03\x04 this is not a real package")

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(HERE / "sample.pdf"))
    pdf.setFont("STSong-Light", 12)
    for n, line in enumerate(SAMPLE.splitlines()):
        pdf.drawString(50, 800 - 20 * n, line)
    pdf.showPage()
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(50, 800, "三、2023年工作计划")
    pdf.save()
    writer = PdfWriter()
    for page in PdfReader(str(HERE / "sample.pdf")).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret")
    with (HERE / "encrypted.pdf").open("wb") as handle:
        writer.write(handle)
    blank = canvas.Canvas(str(HERE / "scanned.pdf"))
    blank.rect(50, 50, 200, 200)
    blank.save()
    # Word 97-2003, as offices still send it (LibreOffice from the OS packages converts)
    subprocess.run(["soffice", "--headless", "--convert-to", "doc", "--outdir", str(HERE), str(HERE / "sample.docx")],
                   check=True, capture_output=True)


if __name__ == "__main__":
    main()
