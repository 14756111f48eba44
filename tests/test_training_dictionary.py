from parksum import paths
from parksum.extractors.ner.segment import USER_DICT
from parksum.extractors.training.dictionary import build_user_dict


def test_the_user_dictionary_holds_aliases_listed_names_and_places():
    words = build_user_dict().splitlines()
    assert "发改委 1000 nt" in words and "规上工业总产值 1000 n" in words and "甘肃 1000 ns" in words


def test_the_jieba_user_dictionary_is_up_to_date_with_its_sources():
    written = (paths.extractors_data_dir() / USER_DICT).read_text(encoding="utf-8")
    assert written == build_user_dict(), (
        f"extractors/data/{USER_DICT} is derived from indicators.csv, ner_gazetteer.json and ner_places.csv, "
        "and one of them changed: run `make data` and commit the file")
