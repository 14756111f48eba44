from parksum.text.normalize import normalize


def test_normalisation_keeps_length_and_offsets():
    text = "实现产值１２．５亿元，增长８％，ＸＸ公司　（一）"
    norm = normalize(text)
    assert len(norm) == len(text)
    assert norm == "实现产值12.5亿元，增长8%，XX公司 （一）"


def test_chinese_punctuation_is_left_alone():
    assert normalize("一、（一）：；。") == "一、（一）：；。"
