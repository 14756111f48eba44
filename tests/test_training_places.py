import importlib.util

import pytest

from parksum.extractors.ner.gazetteer import RuleNer
from parksum.extractors.training.places import PLACES
from parksum.text.resources import load_csv

ROWS = {row["name"]: row["kind"] for row in load_csv("parksum.extractors", "ner_places.csv")}


def test_divisions_with_their_short_forms_and_countries_are_listed():
    assert ROWS["环县"] == ROWS["甘肃省"] == ROWS["积石山保安族东乡族撒拉族自治县"] == "division"
    assert ROWS["甘肃"] == ROWS["宝鸡"] == ROWS["积石山"] == "short form"
    assert ROWS["老挝"] == "country"


def test_generic_divisions_and_short_forms_that_are_ordinary_words_are_not_places():
    assert not {"城区", "郊区", "安康", "合作"} & ROWS.keys()


def test_listed_places_are_found_by_the_rules():
    assert [(s.text, s.label) for s in RuleNer()("赴宝鸡、中卫考察，与老挝客商洽谈。")] == [
        ("宝鸡", "PLACE"), ("中卫", "PLACE"), ("老挝", "PLACE")]


@pytest.mark.skipif(importlib.util.find_spec("cpca") is None, reason="needs the gazetteer extra (make data)")
def test_the_place_list_rebuilds_to_the_file(tmp_path):
    from parksum.extractors.training.places import write_places

    write_places(tmp_path / "places.csv")
    assert (tmp_path / "places.csv").read_text(encoding="utf-8") == PLACES.read_text(encoding="utf-8")
