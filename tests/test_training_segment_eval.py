import pytest

from parksum.extractors.training.segment_eval import PKUSEG_MODEL, score


def test_jieba_scores_on_the_hand_segmented_sample():
    assert score("jieba")["f1"] > 0.7


@pytest.mark.skipif(not (PKUSEG_MODEL / "features.msgpack").is_file(), reason="no pkuseg model: run `make segmenter`")
def test_pkuseg_model_segments_the_sample():
    assert score("pkuseg")["f1"] > 0.6
