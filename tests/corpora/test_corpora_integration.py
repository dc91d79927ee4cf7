"""Integration tests on the real corpora: counts from the data READMEs and offset invariants.

They skip when no data root is found (see ``real_root`` in conftest.py).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from spinscope.corpora import (
    load_ptc,
    load_semeval2023,
    load_st1_gold,
    load_st2_gold,
    load_st3_gold,
    ptc_dev_ids,
    st3_template_rows,
)
from spinscope.document import Document
from spinscope.formats import read_template
from spinscope.segment import paragraphs

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def ptc(real_root: Path) -> dict[str, list[Document]]:
    return {split: load_ptc(split, real_root) for split in ("train", "dev")}


@pytest.fixture(scope="module")
def se_en(real_root: Path) -> list[Document]:
    return load_semeval2023("en", real_root)


def _count(docs: list[Document], layer: str) -> int:
    return sum(len(d.layer(layer)) for d in docs)


def test_ptc_counts(ptc: dict[str, list[Document]], real_root: Path) -> None:
    assert [len(ptc["train"]), len(ptc["dev"])] == [371, 75]
    assert [_count(ptc["train"], "si"), _count(ptc["dev"], "si")] == [5468, 940]
    assert [_count(ptc["train"], "techniques"), _count(ptc["dev"], "techniques")] == [6128, 1063]
    dev = {d.id for d in ptc["dev"]}
    assert ptc_dev_ids(real_root) == dev and len(dev) == 75
    assert not dev & {d.id for d in ptc["train"]}


def test_ptc_technique_counts(ptc: dict[str, list[Document]]) -> None:
    # README table (train / dev) for a few classes, and the 14 classes in all.
    train = Counter(s.label for d in ptc["train"] for s in d.layer("techniques"))
    dev = Counter(s.label for d in ptc["dev"] for s in d.layer("techniques"))
    assert len(train) == 14 and len(dev) == 14
    assert (train["Loaded_Language"], dev["Loaded_Language"]) == (2123, 325)
    assert (train["Bandwagon,Reductio_ad_hitlerum"], dev["Bandwagon,Reductio_ad_hitlerum"]) == (
        72,
        5,
    )
    assert (train["Thought-terminating_Cliches"], dev["Thought-terminating_Cliches"]) == (76, 17)


def test_ptc_bom_articles(ptc: dict[str, list[Document]]) -> None:
    with_bom = {d.id for split in ptc.values() for d in split if d.text.startswith("\ufeff")}
    assert with_bom == {"705409419", "712382330"}
    assert not any("\r" in d.text for split in ptc.values() for d in split)


def test_ptc_gold_spans_inside_and_trimmed(ptc: dict[str, list[Document]]) -> None:
    bad = [
        (d.id, layer, s.start, s.end)
        for split in ptc.values()
        for d in split
        for layer in ("si", "techniques")
        for s in d.layer(layer)
        if not (0 <= s.start < s.end <= len(d.text))
        or d.text[s.start].isspace()
        or d.text[s.end - 1].isspace()
    ]
    assert bad == []


def test_semeval2023_en_counts(se_en: list[Document], real_root: Path) -> None:
    assert len(se_en) == 446
    assert _count(se_en, "techniques") == 7201
    assert sum(1 for d in se_en if d.layer("techniques")) == 431
    assert _count(se_en, "paragraph_techniques") == 5853
    spans = Counter(s.label for d in se_en for s in d.layer("techniques"))
    paras = Counter(s.label for d in se_en for s in d.layer("paragraph_techniques"))
    assert len(spans) == 19 and len(paras) == 19
    assert (paras["Loaded_Language"], spans["Loaded_Language"]) == (1809, 2447)
    assert (paras["Obfuscation-Vagueness-Confusion"], spans["Obfuscation-Vagueness-Confusion"]) == (
        18,
        17,
    )
    rows = load_st3_gold("en", real_root)
    assert len(rows) == 9498 and sum(1 for r in rows if r[2]) == 3760
    # English subtask 3 = PTC train + dev, by id.
    ptc_ids = {
        p.name[len("article") : -len(".txt")] for p in (real_root / "ptc").glob("*-articles/*")
    }
    assert {d.id for d in se_en} == ptc_ids


def test_semeval2023_en_metadata(se_en: list[Document], real_root: Path) -> None:
    genres = Counter(d.metadata["genre"] for d in se_en if "genre" in d.metadata)
    assert genres == {"opinion": 382, "reporting": 41, "satire": 3}
    assert sum("frames" in d.metadata for d in se_en) == 426
    assert len(load_st1_gold("en", real_root)) == len(load_st2_gold("en", real_root)) == 426
    political = sum("Political" in d.metadata.get("frames", ()) for d in se_en)
    assert political == 229


# The official v4 English gold (byte-identical to the organisers' blob, see the data README)
# has exactly these four spans with whitespace at an edge. They are kept as they are: a scorer
# must compare against the official gold, and trimming would change it.
KNOWN_UNTRIMMED_2023_EN = {
    ("111111122", 5530, 5655, "Appeal_to_Authority"),  # starts with " "
    ("711622457", 733, 757, "Conversation_Killer"),  # ends with " "
    ("728972961", 9019, 9031, "Loaded_Language"),  # ends with " "
    ("729410793", 3039, 3272, "Obfuscation-Vagueness-Confusion"),  # ends with "\n"
}


def test_semeval2023_en_gold_spans_inside_and_trimmed(se_en: list[Document]) -> None:
    outside = [
        (d.id, s.start, s.end)
        for d in se_en
        for s in (*d.layer("techniques"), *d.layer("paragraph_techniques"))
        if not (0 <= s.start < s.end <= len(d.text))
    ]
    assert outside == []
    untrimmed = {
        (d.id, s.start, s.end, s.label)
        for d in se_en
        for s in d.layer("techniques")
        if d.text[s.start].isspace() or d.text[s.end - 1].isspace()
    }
    assert untrimmed == KNOWN_UNTRIMMED_2023_EN
    # Paragraph spans are lines: never empty, never holding a line break.
    assert all(
        "\n" not in d.span_text(s) and d.span_text(s).strip()
        for d in se_en
        for s in d.layer("paragraph_techniques")
    )


def test_paragraph_numbers_match_the_english_template(
    se_en: list[Document], real_root: Path
) -> None:
    rows = st3_template_rows("en", real_root)
    combined = read_template(real_root / "semeval2023/en/train-labels-subtask-3.template")
    assert rows == combined
    by_doc: dict[str, list[tuple[int, str]]] = {}
    for doc_id, number, text in rows:
        by_doc.setdefault(doc_id, []).append((number, text))
    gold: dict[str, list[int]] = {}
    for doc_id, number, _ in load_st3_gold("en", real_root):
        gold.setdefault(doc_id, []).append(number)
    assert set(by_doc) == {d.id for d in se_en}
    for doc in se_en:
        ours = [(p.meta["number"], doc.span_text(p)) for p in paragraphs(doc.text)]
        assert ours == by_doc[doc.id], doc.id
        assert [n for n, _ in ours] == gold[doc.id], doc.id


# Other languages: articles, subtask-3 paragraph labels and span rows from the data README, and
# what the span repair (spinscope.corpora.snapping) made of the span rows, as measured on
# 2026-11-30: spans on word edges as they are, repaired ends, shifted spans, dropped spans.
OTHER_LANGS = {
    "fr": (158, 2259, 4201, 5595, {"exact": 4061, "edges": 1534}),
    "ge": (132, 1555, 3053, 4501, {"exact": 3374, "edges": 1127}),
    "it": (
        227,
        2623,
        4094,
        6027,
        {
            "exact": 2281,
            "edges": 2272,
            "shift": 976,
            "unrepaired": 446,
            "ambiguous_shift": 29,
            "paragraph_mismatch": 23,
        },
    ),
    "po": (145, 2310, 2191, 2839, {"exact": 1800, "edges": 1039}),
    "ru": (143, 1962, 2569, 3399, {"exact": 2327, "edges": 1072}),
}


@pytest.mark.parametrize("lang", sorted(OTHER_LANGS))
def test_other_languages_load(lang: str, real_root: Path) -> None:
    articles, paragraph_rows, labels, span_rows, repairs = OTHER_LANGS[lang]
    docs = load_semeval2023(lang, real_root)
    assert len(docs) == articles
    assert _count(docs, "paragraph_techniques") == labels
    seen: Counter[str] = Counter()
    for doc in docs:
        seen.update(doc.metadata.get("span_repairs", {}))
    assert dict(seen) == repairs
    assert sum(seen.values()) == span_rows
    kept = sum(n for how, n in repairs.items() if how in ("exact", "edges", "shift"))
    assert _count(docs, "techniques") == kept
    # every kept span lies on word edges inside a paragraph labelled with its technique
    for doc in docs:
        labelled = {(s.start, s.end, s.label) for s in doc.layer("paragraph_techniques")}
        for span in doc.layer("techniques"):
            assert any(
                s < span.end and span.start < e and t == span.label for s, e, t in labelled
            ), (doc.id, span)
    # The per-article templates cover every labelled paragraph (the combined template file
    # glues lines together, see spinscope.corpora.semeval2023), and number lines as we do.
    rows = st3_template_rows(lang, real_root)
    assert len(rows) == len(load_st3_gold(lang, real_root)) == paragraph_rows
    numbers = {(i, n) for i, n, _ in rows}
    assert numbers == {(d.id, p.meta["number"]) for d in docs for p in paragraphs(d.text)}
