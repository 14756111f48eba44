import re

import pytest

from parksum.text.patterns import first_chars, scanner
from parksum.text.resources import load_json


@pytest.mark.parametrize(("pattern", "chars"), [
    ("[（(](?P<num>[一二])[）)]", set("（(")),
    ("(?:截至|至)?今年", set("截至今")),
    ("(?<![较比])去年", {"去"}),
    ("(?<![^。\\n])目前", {"目"}),
    ("a?b*c", set("abc")),
])
def test_first_characters_are_read_from_the_pattern(pattern, chars):
    assert first_chars(pattern) == chars


@pytest.mark.parametrize("pattern", ["\\d+年", "[^，]+", "a?", ".年"])
def test_patterns_that_may_start_anywhere_have_no_guard(pattern):
    assert first_chars(pattern) is None
    assert scanner([pattern, "x"]).pattern == f"(?:{pattern}|x)"


def test_guarded_scans_find_what_unguarded_ones_do():
    text = "截至2011年末，1至9月，较上年增长；目前，XX年至XX年，二〇二二年度。今年以来" * 3
    headings = load_json("parksum.structure", "headings.json")["styles"]
    for patterns in (load_json("parksum.extractors", "periods.json")["patterns"],
                     [style["pattern"].replace("(?P<num>", "(?:") for style in headings]):
        plain = re.compile("(?:" + "|".join(patterns) + ")")
        assert [m.span() for m in scanner(patterns).finditer(text)] == [m.span() for m in plain.finditer(text)]
