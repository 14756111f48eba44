import spacy

from extractors.ner.features import CharFeatureTokenizer


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


def _examples(rate: float, n: int) -> list:
    from spacy.training import Example

    from extractors.ner.features import create_rule_tag_hider

    nlp = spacy.blank("zh")
    nlp.tokenizer = CharFeatureTokenizer(nlp.vocab)
    predicted = nlp.make_doc("与**铝业签约")
    hide = create_rule_tag_hider(rate)
    return [eg for _ in range(n) for eg in hide(nlp, Example(predicted, predicted.copy()))]


def test_training_hides_the_rules_labels_from_a_share_of_the_examples_only():
    examples = _examples(0.3, 200)
    hidden = [eg for eg in examples if all(t.tag_ == "O" for t in eg.predicted)]
    assert len(examples) == 200 and 30 < len(hidden) < 90
    # the words, their features and the gold stay as they were
    assert all(eg.predicted.text == "与**铝业签约" and eg.reference[1].tag_ == "B-COMPANY" for eg in examples)
    assert all(eg.predicted[5].lemma_ == "签约" for eg in hidden)


def test_no_hiding_at_rate_zero():
    assert all(eg.predicted[1].tag_ == "B-COMPANY" for eg in _examples(0.0, 20))
