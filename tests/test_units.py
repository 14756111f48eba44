import pytest

from parksum.extractors.units import unit_for


@pytest.mark.parametrize(("written", "base", "factor", "counts"), [
    ("亿元", "元", 1e8, False), ("万美元", "美元", 1e4, False), ("万平方米", "平方米", 1e4, False),
    ("亩", "亩", 1, False), ("%", "%", 1, False), ("家", "家", 1, True),
    ("亿户", "户", 1e8, True), ("万亿斤", "吨", 1e12 * 0.0005, False), ("万", "", 1e4, False),
])
def test_units_normalise_to_a_base(written, base, factor, counts):
    unit = unit_for(written)
    assert (unit.base, unit.measure_word) == (base, counts)
    assert unit.factor == pytest.approx(factor)
    assert unit.to_base(2.5) == pytest.approx(2.5 * factor)


def test_unknown_unit():
    with pytest.raises(KeyError):
        unit_for("光年")
