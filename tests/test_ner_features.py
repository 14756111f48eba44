import spacy

from parksum.extractors.ner.features import CharFeatureTokenizer


def test_one_token_per_character_with_the_rules_label_and_the_jieba_word():
    doc = CharFeatureTokenizer(spacy.blank("zh").vocab)("与**铝业签约，市委市政府")
    assert [t.text for t in doc] == list("与**铝业签约，市委市政府")
    assert [t.tag_ for t in doc][1:5] == ["B-COMPANY", "I-COMPANY", "I-COMPANY", "I-COMPANY"]
    # coordinated bodies are two names, so the model sees where the second one begins
    assert [t.tag_ for t in doc][8:] == ["B-ORG", "I-ORG", "B-ORG", "I-ORG", "I-ORG"]
    assert [t.lemma_ for t in doc][5:7] == ["签约", "签约"] and doc[0].tag_ == "O"


def test_each_character_carries_its_words_part_of_speech_and_place_in_the_word():
    doc = CharFeatureTokenizer(spacy.blank("zh").vocab)("与**铝业签约")
    morphs = [t.morph.to_dict() for t in doc]
    assert [m["Wb"] for m in morphs] == ["B", "B", "I", "B", "I", "B", "I"]
    assert morphs[1]["POS"] == "mask" and morphs[5]["POS"] == morphs[6]["POS"] == "v"


def test_whitespace_keeps_one_token_per_character():
    text = "省科技厅 支持\n园区"
    doc = CharFeatureTokenizer(spacy.blank("zh").vocab)(text)
    assert len(doc) == len(text) and doc.text == text
