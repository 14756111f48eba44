import pytest

from extractors.ner.segment import PKUSEG_MODEL, build_user_dict, cut, pos_tokens
from extractors.ner.segment_eval import score


def test_mask_runs_are_single_tokens_with_true_offsets():
    text = "在***市建设**铝业项目"
    tokens = pos_tokens(text)
    assert [t.word for t in tokens if t.pos == "mask"] == ["***", "**"]
    assert all(text[t.start:t.end] == t.word for t in tokens)
    assert "".join(cut(text)) == text


def test_user_dictionary_keeps_domain_words_whole():
    assert "发改委 1000 nt" in build_user_dict().splitlines()
    assert cut("省发改委批复") == ["省发改委", "批复"]


def test_jieba_scores_on_the_hand_segmented_sample():
    assert score("jieba")["f1"] > 0.7


@pytest.mark.skipif(not (PKUSEG_MODEL / "features.msgpack").is_file(), reason="no pkuseg model: run `make segmenter`")
def test_pkuseg_model_segments_the_sample():
    assert score("pkuseg")["f1"] > 0.6
