import spacy

from extractors.ner.features import CharFeatureTokenizer


def test_one_token_per_character_with_the_rules_label_and_the_jieba_word():
    doc = CharFeatureTokenizer(spacy.blank("zh").vocab)("与**铝业签约，市委市政府")
    assert [t.text for t in doc] == list("与**铝业签约，市委市政府")
    assert [t.tag_ for t in doc][1:5] == ["B-COMPANY", "I-COMPANY", "I-COMPANY", "I-COMPANY"]
    # coordinated bodies are two names, so the model sees where the second one begins
    assert [t.tag_ for t in doc][8:] == ["B-ORG", "I-ORG", "B-ORG", "I-ORG", "I-ORG"]
    assert [t.lemma_ for t in doc][5:7] == ["签约", "签约"] and doc[0].tag_ == "O"


def test_whitespace_keeps_one_token_per_character():
    text = "省科技厅 支持\n园区"
    doc = CharFeatureTokenizer(spacy.blank("zh").vocab)(text)
    assert len(doc) == len(text) and doc.text == text
