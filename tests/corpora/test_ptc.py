from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.corpora import load_ptc, ptc_dev_ids
from spinscope.errors import (
    DataRootError,
    InputError,
    LabelFormatError,
    SpanOffsetError,
    UnknownTechniqueError,
)


def write(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def test_loads_documents_layers_and_metadata(fake_root: Path) -> None:
    docs = load_ptc("train", root=fake_root)
    assert [d.id for d in docs] == ["1", "2"]
    first = docs[0]
    assert first.text.startswith("\ufeffBad title")
    assert dict(first.metadata) == {"corpus": "ptc", "split": "train"}
    assert [first.span_text(s) for s in first.layer("si")] == ["evil liars"]
    assert {s.label for s in first.layer("si")} == {"propaganda"}
    tc = first.layer("techniques")
    assert [(first.span_text(s), s.label) for s in tc] == [
        ("evil", "Loaded_Language"),
        ("evil liars", "Name_Calling,Labeling"),
    ]
    assert {s.source for s in (*tc, *first.layer("si"))} == {"gold"}
    assert docs[1].layer("si") == () and docs[1].layer("techniques") == ()
    assert "techniques" in docs[1].layers


def test_dev_split_and_ids(fake_root: Path) -> None:
    (dev,) = load_ptc("dev", root=fake_root)
    assert dev.id == "3" and dev.metadata["split"] == "dev"
    assert ptc_dev_ids(fake_root) == frozenset({"3"})
    assert [(dev.span_text(s), s.label) for s in dev.layer("techniques")] == [
        ("total disaster", "Exaggeration,Minimisation")
    ]


def test_unknown_split(fake_root: Path) -> None:
    with pytest.raises(InputError, match="train, dev"):
        load_ptc("test", root=fake_root)


def test_missing_folder_is_a_data_root_error(tmp_path: Path) -> None:
    (tmp_path / "ptc").mkdir()
    with pytest.raises(DataRootError) as info:
        load_ptc("dev", root=tmp_path)
    assert "dev-articles" in str(info.value) and "SPINSCOPE_DATA" in str(info.value)


def test_missing_label_file(fake_root: Path) -> None:
    (fake_root / "ptc" / "dev-labels-task-si" / "article3.task-si.labels").unlink()
    with pytest.raises(DataRootError, match=r"article3\.task-si\.labels"):
        load_ptc("dev", root=fake_root)


def test_span_past_the_end_names_article_and_span(fake_root: Path) -> None:
    labels = fake_root / "ptc" / "dev-labels-task-flc-tc" / "article3.task-flc-tc.labels"
    write(labels, "3\tDoubt\t13\t27\n3\tDoubt\t30\t99\n")
    with pytest.raises(SpanOffsetError) as info:
        load_ptc("dev", root=fake_root)
    message = str(info.value)
    assert "article 3" in message and "[30, 99)" in message and "'Doubt'" in message
    assert str(labels) in message


def test_2023_name_in_ptc_labels_is_rejected(fake_root: Path) -> None:
    labels = fake_root / "ptc" / "dev-labels-task-flc-tc" / "article3.task-flc-tc.labels"
    write(labels, "3\tName_Calling-Labeling\t13\t27\n")
    with pytest.raises(UnknownTechniqueError, match="Name_Calling,Labeling") as info:
        load_ptc("dev", root=fake_root)
    assert f"{labels}:1" in str(info.value)


def test_labels_of_another_article(fake_root: Path) -> None:
    labels = fake_root / "ptc" / "dev-labels-task-si" / "article3.task-si.labels"
    write(labels, "3\t13\t27\n\n4\t1\t2\n")
    with pytest.raises(LabelFormatError) as info:
        load_ptc("dev", root=fake_root)
    assert info.value.line_no == 3 and "article 4" in str(info.value)
