from __future__ import annotations

import json
from dataclasses import fields

import pytest

from spinscope import explanations as ex
from spinscope.errors import UnknownTechniqueError
from spinscope.taxonomy import CATEGORIES, TECHNIQUES, category_of, technique

FIELDS = [f.name for f in fields(ex.Explanation)]
ALL = [*ex.EXPLANATIONS.values(), *ex.SIGNALS.values()]


def words(text: str) -> int:
    return len(text.split())


def test_every_technique_explained_in_taxonomy_order() -> None:
    assert tuple(ex.EXPLANATIONS) == TECHNIQUES
    assert [e.technique for e in ex.all_explanations()] == list(TECHNIQUES)
    assert len(ex.all_explanations()) == 23


@pytest.mark.parametrize("name", TECHNIQUES)
def test_technique_matches_taxonomy(name: str) -> None:
    e = ex.explain(name)
    assert e.technique == name
    assert e.category == category_of(name)
    assert e.title == technique(name).title


@pytest.mark.parametrize("e", ALL, ids=lambda e: e.technique)
def test_fields_non_empty_and_within_limits(e: ex.Explanation) -> None:
    for name in FIELDS:
        value = getattr(e, name)
        assert isinstance(value, str)
        assert value.strip() == value and value, f"{e.technique}.{name} empty or padded"
    assert words(e.what) <= ex.MAX_WHAT_WORDS
    assert words(e.why) <= ex.MAX_WHY_WORDS
    assert words(e.ask) <= ex.MAX_ASK_WORDS
    assert words(e.example) <= ex.MAX_EXAMPLE_WORDS
    assert e.ask.endswith("?")
    # Prose ends as a sentence; no stray double spaces from joined literals.
    for text in (e.what, e.why, e.example, e.ask):
        assert text[-1] in ".?!”", text
        assert "  " not in text, text


def test_categories_explained_in_taxonomy_order() -> None:
    assert tuple(ex.CATEGORY_EXPLANATIONS) == CATEGORIES
    for name, c in ex.CATEGORY_EXPLANATIONS.items():
        assert c.category == name
        assert c.what and words(c.what) <= ex.MAX_WHAT_WORDS
        assert c.to_dict() == {"category": name, "what": c.what}


def test_signals() -> None:
    assert set(ex.SIGNALS) == {"scare_quotes", "quoted_speech"}
    for name, s in ex.SIGNALS.items():
        assert s.technique == name
        assert s.category == ex.SIGNAL_CATEGORY == "Signal"
        assert name not in TECHNIQUES


def test_explain_unknown_lists_valid_names() -> None:
    with pytest.raises(UnknownTechniqueError) as info:
        ex.explain("Loaded Language")
    message = str(info.value)
    assert "'Loaded Language'" in message
    assert all(name in message for name in TECHNIQUES)


def test_explain_rejects_signals_and_categories() -> None:
    for name in ("scare_quotes", "Manipulative Wording", ""):
        with pytest.raises(UnknownTechniqueError):
            ex.explain(name)


@pytest.mark.parametrize("e", ALL, ids=lambda e: e.technique)
def test_to_dict_round_trip(e: ex.Explanation) -> None:
    d = e.to_dict()
    assert list(d) == FIELDS
    assert ex.Explanation(**json.loads(json.dumps(d))) == e


def test_examples_unique() -> None:
    examples = [e.example for e in ALL]
    assert len(set(examples)) == len(examples)


def test_frozen_and_read_only() -> None:
    e = ex.explain("Doubt")
    with pytest.raises(AttributeError):
        e.what = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        ex.EXPLANATIONS["Doubt"] = e  # type: ignore[index]
