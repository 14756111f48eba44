import pytest

from parksum.text.numerals import chinese_value, ordinal_value


@pytest.mark.parametrize(("numeral", "value"), [
    ("两", 2), ("十", 10), ("十一", 11), ("一百二十", 120), ("三千万", 30_000_000), ("二〇二二", 2022),
])
def test_chinese_numerals(numeral, value):
    assert chinese_value(numeral) == value


def test_not_a_numeral():
    assert chinese_value("万") is None


@pytest.mark.parametrize(("marker", "ordinal"), [("十二", 12), ("7", 7), ("④", 4)])
def test_heading_ordinals(marker, ordinal):
    assert ordinal_value(marker) == ordinal
