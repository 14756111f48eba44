from parksum.extractors.ner.segment import cut, pos_tokens
from tests.work import calls


def test_mask_runs_are_single_tokens_with_true_offsets():
    text = "在***市建设**铝业项目"
    tokens = pos_tokens(text)
    assert [t.word for t in tokens if t.pos == "mask"] == ["***", "**"]
    assert all(text[t.start:t.end] == t.word for t in tokens)
    assert "".join(cut(text)) == text


def test_user_dictionary_keeps_domain_words_whole():
    assert cut("省发改委批复") == ["省发改委", "批复"]


# Characters outside jieba's tagging model (rare, or traditional forms the cleaned view did not fold)
RARE = "丂傊劙唽坘奌嬮嵠彛憖揬旝栙樄殯渨瀀燌玶疧矌秇築絹罿膿萭蘂蠀觔譇趡轡釙錼镠靻餭鬍鲃鸴"


def test_characters_the_tagger_never_saw_cost_a_bounded_work_each():
    text = RARE * 5
    pos_tokens(text)  # lazy loads
    assert calls(pos_tokens, text) <= 2_000 * len(text)  # all 256 states on each: 65,000 a character
    assert "".join(t.word for t in pos_tokens(text)) == text
