from __future__ import annotations

import pytest

from spinscope.signals.names import find_name_variants, levenshtein


def test_two_spellings_of_one_name() -> None:
    text = (
        "The opposition leader, Svetlana Tihanovska, left the country. Tikhanovskaya herself is "
        "now abroad, and Tikhanovskaya's aides stayed."
    )
    (group,) = find_name_variants(text)
    forms = {v.form: v for v in group.variants}
    assert set(forms) == {"Tihanovska", "Tikhanovskaya"}
    assert len(forms["Tikhanovskaya"].occurrences) == 2
    assert group.variants[0].form == "Tikhanovskaya"  # the most frequent first
    for v in group.variants:
        for start, end in v.occurrences:
            assert text[start:end] == v.form
    assert "Tihanovska" in group.message and "Tikhanovskaya" in group.message
    assert "two ways" in group.message


@pytest.mark.parametrize(
    "text",
    [
        "Ukraine and the Ukrainian army. Europe and European allies.",
        "Belarus and the Belarusian capital. Russia and Russian media.",
        "Germany and German ministers. China and Chinese firms.",
        "Austria and Australia signed the pact.",
        "Western countries joined the pro-western camp.",
        "Putin and Putin's spokesman. Macron and Macron’s aides.",
        "On Monday and Sunday. In March and in May.",
    ],
)
def test_no_false_alarm(text: str) -> None:
    assert find_name_variants(text) == ()


def test_variants_of_the_harbour_article(harbour_text: str) -> None:
    (group,) = find_name_variants(harbour_text)
    assert {v.form for v in group.variants} == {"Kovarenko", "Kovarinko"}


def test_levenshtein() -> None:
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("", "abc") == 3
    assert levenshtein("same", "same") == 0
    assert levenshtein("abcdefgh", "a", limit=2) == 3


def test_long_text_is_fast_enough() -> None:
    words = " ".join(f"Name{i:05d}x" for i in range(5000))
    assert isinstance(find_name_variants(words), tuple)


def test_russian_case_forms_are_one_name() -> None:
    text = "Путин позвонил Макрону. Разговор с Макроном длился час, сообщил Макрон."
    assert find_name_variants(text, "ru") == ()
    assert find_name_variants(text) == ()  # Cyrillic words get the Russian endings anyway
    # a real second spelling is still found
    two = "Тихановская уехала. Тихоновская говорит, что вернется. Тихановская молчит."
    [group] = find_name_variants(two, "ru")
    assert {v.form for v in group.variants} == {"Тихановская", "Тихоновская"}


def test_polish_and_german_case_endings() -> None:
    polish = "Tusk spotkał się z Kaczyńskim. Tuska krytykuje Kaczyński. Rozmowa z Tuskiem trwała."
    assert find_name_variants(polish, "pl") == ()
    german = "Merkels Regierung stürzte. Merkel selbst schwieg dazu lange."
    assert find_name_variants(german, "de") == ()


def test_a_name_repeated_thousands_of_times_lists_its_first_occurrences() -> None:
    from spinscope.signals import LISTED_OCCURRENCES

    text = "Tikhanovskaya spoke. " * 2000 + "Tihanovska left."
    (group,) = find_name_variants(text)
    forms = {v.form: v for v in group.variants}
    assert forms["Tikhanovskaya"].count == 2000
    assert len(forms["Tikhanovskaya"].occurrences) == LISTED_OCCURRENCES
    assert forms["Tikhanovskaya"].to_dict()["count"] == 2000
    assert "(2000×)" in group.message
