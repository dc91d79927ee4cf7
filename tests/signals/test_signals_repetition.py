from __future__ import annotations

import json

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


def test_a_phrase_repeated_thousands_of_times_lists_its_first_occurrences() -> None:
    from spinscope.signals import LISTED_OCCURRENCES

    text = "The rigged vote again. " * 3000
    found = {p.phrase: p for p in repeated_phrases(text)}
    rigged = found["rigged vote"]
    assert rigged.count == 3000
    assert len(rigged.occurrences) == LISTED_OCCURRENCES
    assert rigged.occurrences[0] == (4, 15)
    assert rigged.to_dict()["count"] == 3000


def test_a_degenerate_text_gives_a_report_of_bounded_size() -> None:
    """166k characters of "ab ab ab …" gave a 7.4 MB report (every overlapping occurrence)."""
    from spinscope.analysis import Analysis
    from spinscope.analyzer import Analyzer

    text = "ab " * 55_500
    analysis = Analyzer("baseline").analyze(text)
    assert analysis.summary.repeated_phrases[0].count > 50_000
    encoded = analysis.to_json()
    assert len(encoded) < 4 * len(text)
    again = Analysis.from_dict(json.loads(encoded))
    assert again.summary.repeated_phrases == analysis.summary.repeated_phrases
