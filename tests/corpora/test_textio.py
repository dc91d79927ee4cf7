from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.corpora.textio import check_gold_spans, read_article
from spinscope.document import Span
from spinscope.errors import InputError, SpanOffsetError


def test_bom_is_kept_as_character_zero(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeffHi there".encode())
    text = read_article(path)
    assert text[0] == "\ufeff"
    assert len(text) == 9
    assert text[1:3] == "Hi"


def test_cr_and_crlf_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"one\r\ntwo\rthree\n")
    assert read_article(path) == "one\r\ntwo\rthree\n"


def test_not_utf8_names_file_and_encoding(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("caf\u00e9".encode("latin-1"))
    with pytest.raises(InputError) as info:
        read_article(path)
    assert str(path) in str(info.value)
    assert "utf-8" in str(info.value).lower()


def test_missing_file_names_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError, match=r"nope\.txt"):
        read_article(path)


def test_folder_is_not_an_article(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        read_article(tmp_path)


def test_gold_span_past_the_end_names_article_labels_and_span(tmp_path: Path) -> None:
    article, labels = tmp_path / "article7.txt", tmp_path / "article7.labels"
    check_gold_spans("7", "12345", [Span(0, 5, "Doubt")], article, labels)
    with pytest.raises(SpanOffsetError) as info:
        check_gold_spans("7", "12345", [Span(2, 6, "Doubt")], article, labels)
    message = str(info.value)
    assert "article 7" in message and str(article) in message and str(labels) in message
    assert "[2, 6)" in message and "'Doubt'" in message and "5 characters" in message
