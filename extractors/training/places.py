"""The place gazetteer, extractors/data/ner_places.csv: China's administrative divisions (cpca's table
of divisions) and the countries of the world (pycountry's Chinese names), with the short forms a
summary writes (甘肃省 → 甘肃). The rules list them as PLACE and jieba's user dictionary tags them ns.

The libraries are needed only to rebuild the file: `make data` (it installs the `gazetteer` extra). The rules
for what is left out are data, in ner_gazetteer.json's `place_list`.
"""
from __future__ import annotations

import csv
import gettext
import json
import re
from importlib import resources
from pathlib import Path

from parksum import paths
from parksum.text.resources import load_json

PLACES = paths.extractors_data_dir() / "ner_places.csv"
HAN = re.compile(r"[\u4e00-\u9fff]{2,}")


def division_rows() -> list[dict[str, str]]:
    """(name, kind) of China's divisions, full names and the short forms in use."""
    rules = load_json("parksum.extractors", "ner_gazetteer.json")["place_list"]
    table = resources.files("cpca").joinpath("resources")
    divisions = list(csv.DictReader(table.joinpath("adcodes.csv").open(encoding="utf-8")))
    peoples = [line.strip() for line in table.joinpath("56_nations.csv").open(encoding="utf-8") if line.strip()]
    people = re.compile("|".join(sorted(peoples, key=len, reverse=True)))
    level = re.compile(f"(?:{'|'.join(rules['level_suffixes'])})$")
    known_places = _jieba_places()
    rows: dict[str, str] = {}
    for division in divisions:
        name, code = division["name"], division["adcode"]
        if name in rules["generic_divisions"] or any(word in name for word in rules["not_divisions"]):
            continue
        rows[name] = "division"
        prefecture = code[4:] == "0" * 8
        ethnic = people.search(name) if "自治" in name else None
        short = name[:ethnic.start()] if ethnic else level.sub("", name)
        if len(short) >= 2 and short != name and (prefecture or short in known_places):
            rows.setdefault(short, "short form")
    for word in rules["not_short_forms"]:
        if rows.get(word) == "short form":
            del rows[word]
    return [{"name": name, "kind": kind} for name, kind in rows.items()]


def country_rows() -> list[dict[str, str]]:
    import pycountry

    base = Path(pycountry.__file__).parent
    chinese = gettext.translation("iso3166-1", str(base / "locales"), languages=["zh_CN"])
    names = json.loads((base / "databases" / "iso3166-1.json").read_text(encoding="utf-8"))["3166-1"]
    found = {chinese.gettext(c[key]) for c in names for key in ("name", "common_name") if key in c}
    return [{"name": name, "kind": "country"} for name in sorted(found) if HAN.fullmatch(name)]


def _jieba_places() -> set[str]:
    import jieba

    with resources.files(jieba).joinpath("dict.txt").open(encoding="utf-8") as handle:
        return {word for word, _, pos in (line.split() for line in handle) if pos == "ns"}


def write_places(path: Path = PLACES) -> int:
    rows = {row["name"]: row for row in division_rows() + country_rows()}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["name", "kind"])
        writer.writeheader()
        writer.writerows(sorted(rows.values(), key=lambda row: (row["kind"], row["name"])))
    return len(rows)
