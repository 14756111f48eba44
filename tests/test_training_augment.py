import spacy
from spacy.training import Example

from parksum.extractors.ner.features import CharFeatureTokenizer
from parksum.extractors.training.augment import create_rule_tag_hider


def _examples(rate: float, n: int) -> list:
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
