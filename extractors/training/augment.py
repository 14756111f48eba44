"""Training-only spaCy registrations named in models/ner/config.cfg's [corpora] section."""
from __future__ import annotations

import random
from collections.abc import Iterator

import spacy
from spacy.training import Example


@spacy.registry.augmenters("parksum.hide_rule_tags.v1")
def create_rule_tag_hider(rate: float):
    """Training only: hide the rules' labels (all O) from a share of the examples, so that the model
    also learns to find names from the characters and words alone and does not just copy the rules,
    which split and miss names the way they were written."""
    rng = random.Random(0)

    def hide(nlp, example: Example) -> Iterator[Example]:
        if rng.random() >= rate:
            yield example
            return
        predicted = example.predicted.copy()
        for token in predicted:
            token.tag_ = "O"
        yield Example(predicted, example.reference)

    return hide
