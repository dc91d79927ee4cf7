from __future__ import annotations

from spinscope.signals.repetition import repeated_phrases


def test_repeated_phrase(harbour_text: str) -> None:
    found = {p.phrase: p for p in repeated_phrases(harbour_text)}
    assert "bridge plan" in found
    bridge = found["bridge plan"]
    assert bridge.count == 4  # the headline counts too
    for start, end in bridge.occurrences:
        assert harbour_text[start:end].lower() == "bridge plan"


def test_names_and_function_words_are_left_out() -> None:
    text = (
        "Mayor Ilse Vandermeer spoke. Later Mayor Ilse Vandermeer left. "
        "It was in the town. It was in the town."
    )
    assert repeated_phrases(text) == ()


def test_subphrase_with_same_count_is_dropped() -> None:
    text = "The toxic bridge deal passed. Nobody liked the toxic bridge deal."
    phrases = [p.phrase for p in repeated_phrases(text)]
    assert phrases == ["toxic bridge deal"]


def test_phrases_do_not_cross_sentences() -> None:
    found = repeated_phrases("We want bridges. Towns need roads. We want bridges. Towns win.")
    assert [p.phrase for p in found] == ["want bridges"]
