from parksum.extractors.ner.segment import cut, pos_tokens


def test_mask_runs_are_single_tokens_with_true_offsets():
    text = "在***市建设**铝业项目"
    tokens = pos_tokens(text)
    assert [t.word for t in tokens if t.pos == "mask"] == ["***", "**"]
    assert all(text[t.start:t.end] == t.word for t in tokens)
    assert "".join(cut(text)) == text


def test_user_dictionary_keeps_domain_words_whole():
    assert cut("省发改委批复") == ["省发改委", "批复"]
