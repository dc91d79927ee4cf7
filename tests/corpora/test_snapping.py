from __future__ import annotations

from spinscope.corpora.snapping import EDGE_TOLERANCE, MAX_SHIFT, snap_span

TEXT = "Die Regierung ist völlig unfähig. Die Arbeitslosigkeit steigt weiter."


def at(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def test_span_on_word_edges_stays() -> None:
    s, e = at("völlig unfähig")
    snap = snap_span(TEXT, s, e)
    assert (snap.start, snap.end, snap.how, snap.moved) == (s, e, "exact", 0)


def test_truncated_end_is_completed() -> None:
    s, e = at("Arbeitslosigkeit")
    snap = snap_span(TEXT, s, e - 1)  # "Arbeitslosigkei"
    assert (snap.start, snap.end, snap.how, snap.moved) == (s, e, "edges", 1)


def test_sentence_with_its_full_stop() -> None:
    s, e = at("Die Regierung ist völlig unfähig.")
    assert snap_span(TEXT, s, e).how == "exact"


def test_drifted_span_is_shifted_back() -> None:
    s, e = at("Arbeitslosigkeit steigt")
    snap = snap_span(TEXT, s + 5, e + 5)  # the same length, five characters late
    assert (snap.start, snap.end, snap.how, snap.moved) == (s, e, "shift", 5)


def test_shift_beyond_the_limit_is_dropped() -> None:
    text = "x" * 40 + " gut " + "y" * 40
    s = text.index("gut")
    snap = snap_span(text, s + MAX_SHIFT + 3, s + MAX_SHIFT + 6)
    assert not snap.kept and snap.how == "unrepaired"


def test_repair_must_agree_with_the_paragraph_labels() -> None:
    s, e = at("Arbeitslosigkeit")
    snap = snap_span(TEXT, s, e - 1, check=lambda a, b: a < 20)
    assert not snap.kept and snap.how == "paragraph_mismatch"
    assert snap_span(TEXT, s, e - 1, check=lambda a, b: a > 20).kept


def test_tolerance_bounds_the_edge_repair() -> None:
    s, e = at("Arbeitslosigkeit")
    snap = snap_span(TEXT, s, e - (EDGE_TOLERANCE + 1))
    assert snap.how != "edges"


def test_empty_and_out_of_range_spans_are_dropped() -> None:
    assert snap_span(TEXT, 5, 5).how == "empty"
    assert not snap_span(TEXT, len(TEXT) + 50, len(TEXT) + 60).kept


def test_cyrillic_and_quotes() -> None:
    text = "Он назвал это «провокацией Запада», заявил министр."
    s = text.index("«")
    e = text.index("»") + 1
    assert snap_span(text, s, e).how == "exact"
    snap = snap_span(text, s, e - 2)  # "«провокацией Запад"
    assert snap.kept and text[snap.start : snap.end].startswith("«провокацией Запад")
