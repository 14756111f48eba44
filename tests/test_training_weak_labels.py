import random
from itertools import islice

import pytest

from parksum.extractors.training.evaluate import HELDOUT, load_gold
from parksum.extractors.training.weak_labels import (
    CORRECTION_REPEATS,
    CORRECTIONS,
    DEV,
    HELD_OUT_YEARS,
    PARK_STYLE,
    PARK_STYLE_DEV,
    PARK_STYLE_REPEATS,
    annotated,
    examples,
    mask_names,
)


@pytest.mark.parametrize("path", [CORRECTIONS, DEV, HELDOUT, PARK_STYLE, PARK_STYLE_DEV], ids=lambda p: p.name)
def test_hand_annotations_point_at_their_text(path):
    rows = load_gold(path)
    assert rows
    for row in rows:
        for e in row["entities"]:
            assert row["text"][e["start"]:e["end"]] == e["text"]


def test_training_sentences_come_from_other_documents_than_the_held_out_set():
    held_out_years = {row["doc"][-4:] for row in load_gold(HELDOUT) if row["doc"].startswith("gwr")}
    assert held_out_years == {str(year) for year in HELD_OUT_YEARS}
    training_years = {row["doc"][-4:] for row in load_gold(CORRECTIONS)}
    assert training_years and not training_years & held_out_years


def test_no_training_sentence_is_a_dev_or_held_out_sentence():
    training = {text for text, _ in annotated(CORRECTIONS) + annotated(PARK_STYLE)}
    for path in (DEV, PARK_STYLE_DEV, HELDOUT):
        assert not training & {row["text"] for row in load_gold(path)}


def test_hand_annotated_sentences_come_first_each_with_augmented_copies():
    hand = annotated(CORRECTIONS) + annotated(PARK_STYLE)
    n = len(annotated(CORRECTIONS)) * CORRECTION_REPEATS + len(annotated(PARK_STYLE)) * PARK_STYLE_REPEATS
    stream = list(islice(examples(), n))
    assert {text for text, _ in hand} <= {text for text, _ in stream}
    park_texts = {text for text, _ in stream[-len(annotated(PARK_STYLE)) * PARK_STYLE_REPEATS:]}
    assert len(park_texts) > len(annotated(PARK_STYLE))  # masked and joined copies differ from the originals


def test_masking_keeps_offsets_and_masks_only_inside_names():
    text = "宏源机械与华泰物流签约"
    spans = [(0, 4, "COMPANY"), (5, 9, "COMPANY")]
    masked_texts = set()
    for seed in range(20):
        masked, same = mask_names(text, spans, random.Random(seed))
        assert same == spans and len(masked) == len(text)
        changed = [i for i, (a, b) in enumerate(zip(masked, text, strict=True)) if a != b]
        assert all(masked[i] == "*" and any(s <= i < e - 1 for s, e, _ in spans) for i in changed)
        masked_texts.add(masked)
    assert len(masked_texts) > 1  # some names were masked, each keeping at least its last character
