"""The format test set: the seeds and the real development set as a PDF printed by LibreOffice from Word,
as a legacy .doc, and as a Big5 text in traditional characters. Each is read by parksum, its extraction
moved onto the .txt and scored with the .txt's gold; every figure must be within 0.02 of the .txt's own.

Spans move onto the .txt through an alignment of the two texts' non-space characters; the
Big5 copy is the .txt character for character, so its spans need no moving, and its figures' strings are
read back in simplified characters before scoring. The Word formats (plain, auto-numbered, with a table)
are tested in tests/test_word.py. Files are generated at test time; LibreOffice (soffice) makes the PDF and
the .doc (`apt-get install libreoffice-writer-nogui antiword`, as .ci/run does).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from parksum.process.runner import Pipeline
from parksum.text.clean import traditional_to_simplified
from tests.data.make_docx import build
from tests.scoring import figures, gold_scorer
from tests.traditional import to_traditional

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not shutil.which("soffice") and not os.environ.get("CI"),
    reason="LibreOffice makes the PDF and .doc copies: apt-get install libreoffice-writer-nogui antiword")]

BOUND = 0.02
# OpenCC's preferred traditional forms that Big5 writes otherwise
BIG5_FORMS = str.maketrans("爲衆着裏啓羣墻", "為眾著裡啟群牆")


@pytest.fixture(scope="module")
def corpus(shared, tmp_path_factory) -> list[tuple[Path, dict]]:
    """(text file, gold) for the seeds and the real development set."""
    pairs = [(txt, shared / "gold" / f"{txt.stem}.json") for txt in sorted((shared / "seeds").glob("*.txt"))]
    real = shared / "gold" / "real"
    pairs += [(txt, real / f"{txt.stem}.json") for txt in sorted(real.glob("*.txt"))]
    return [(txt, json.loads(gold.read_text(encoding="utf-8"))) for txt, gold in pairs]


@pytest.fixture(scope="module")
def office_copies(corpus, tmp_path_factory) -> dict[str, Path]:
    """The corpus as .docx (by text file stem), then as PDF and .doc by one LibreOffice run each."""
    folder = tmp_path_factory.mktemp("formats")
    words = {txt.stem: build(txt, "plain", folder).path for txt, _ in corpus}
    for target in ("pdf", "doc"):
        subprocess.run(["soffice", "--headless", "--convert-to", target, "--outdir", str(folder),
                        *map(str, words.values())], check=True, capture_output=True, timeout=900)
    return words


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(ner=False)


def _aligned(source: str, target: str, window: int = 30) -> Callable[[int], int | None]:
    """Offset in `source` → offset of the same character in `target`: the non-space characters of the
    two walked side by side, a character that does not match skipped on the side where the other side's
    one comes back within `window` (the copies differ by a few moved quotes and page furniture)."""
    a = [i for i, ch in enumerate(source) if not ch.isspace()]
    b = [i for i, ch in enumerate(target) if not ch.isspace()]
    moved, i, j = {}, 0, 0
    while i < len(a) and j < len(b):
        if source[a[i]] == target[b[j]]:
            moved[a[i]] = b[j]
            i, j = i + 1, j + 1
            continue
        ahead_b = next((k for k in range(j + 1, min(len(b), j + window)) if target[b[k]] == source[a[i]]), None)
        ahead_a = next((k for k in range(i + 1, min(len(a), i + window)) if source[a[k]] == target[b[j]]), None)
        if ahead_b is not None and (ahead_a is None or ahead_b - j <= ahead_a - i):
            j = ahead_b
        elif ahead_a is not None:
            i = ahead_a
        else:
            i, j = i + 1, j + 1
    return moved.get


def _moved(contract: dict, to_txt: Callable[[int], int | None]) -> dict:
    for key in ("headings", "quantities", "placeholders"):
        items = []
        for item in contract[key]:
            start, last = to_txt(item["start"]), to_txt(item["end"] - 1)
            if start is not None and last is not None:
                items.append({**item, "start": start, "end": last + 1})
        contract[key] = items
    return contract


def _score(shared: Path, corpus, predict: Callable[[Path, str], dict]) -> dict[str, float]:
    return figures(gold_scorer(shared), [(txt.read_text(encoding="utf-8"), gold,
                                          predict(txt, txt.read_text(encoding="utf-8"))) for txt, gold in corpus])


@pytest.fixture(scope="module")
def as_text(shared, corpus, pipeline) -> dict[str, float]:
    return _score(shared, corpus, lambda txt, _: pipeline.process_file(txt).to_contract())


@pytest.mark.parametrize("suffix", [".pdf", ".doc"])
def test_office_copies_score_as_their_text(shared, corpus, office_copies, pipeline, as_text, suffix):
    def predict(txt: Path, text: str) -> dict:
        doc = pipeline.process_file(office_copies[txt.stem].with_suffix(suffix))
        return _moved(doc.to_contract(), _aligned(doc.text, text))

    got = _score(shared, corpus, predict)
    assert {k: round(v, 3) for k, v in got.items()} == pytest.approx(as_text, abs=BOUND), (suffix, got, as_text)


def test_big5_traditional_copies_score_as_their_text(shared, corpus, pipeline, as_text, tmp_path):
    fold = traditional_to_simplified()

    def predict(txt: Path, text: str) -> dict:
        traditional = text.translate(to_traditional()).translate(BIG5_FORMS)
        copy = tmp_path / txt.name
        copy.write_bytes(traditional.encode("big5", errors="replace"))  # a few letters Big5 lacks become ?
        contract = pipeline.process_file(copy).to_contract()
        assert len(pipeline.process_file(copy).text) == len(text)
        for key in ("headings", "quantities", "placeholders"):
            contract[key] = [{k: v.translate(fold) if isinstance(v, str) else v for k, v in item.items()}
                             for item in contract[key]]
        contract["title"] = contract["title"].translate(fold) if contract["title"] else None
        return contract

    got = _score(shared, corpus, predict)
    assert got == pytest.approx(as_text, abs=BOUND), (got, as_text)
