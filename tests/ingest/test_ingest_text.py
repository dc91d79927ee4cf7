from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from spinscope.errors import InputError
from spinscope.ingest import read_file
from spinscope.ingest.text import decode, normalise, read_text_file

TEXT = "The café council met on Monday.\nIt approved the “bridge” plan — at last.\n"


def test_utf8() -> None:
    assert decode(TEXT.encode("utf-8"), name="a.txt") == TEXT


def test_bom_and_line_endings_are_normalised() -> None:
    data = codecs.BOM_UTF8 + b"Line one\r\nLine two\rLine three\n"
    assert decode(data, name="a.txt") == "Line one\nLine two\nLine three\n"
    assert normalise("\ufeffa\r\nb") == "a\nb"


def test_utf16_with_bom() -> None:
    assert decode(TEXT.encode("utf-16"), name="a.txt") == TEXT


def test_declared_encoding_is_tried_after_utf8() -> None:
    data = "Le café du port a fermé à midi, déçu.".encode("latin-1")
    assert decode(data, name="a.txt", declared="latin-1") == "Le café du port a fermé à midi, déçu."


def test_detected_encoding() -> None:
    text = (
        "Городской совет одобрил новый план строительства моста после долгой кампании его "
        "противников у здания мэрии. "
    ) * 3
    assert decode(text.encode("cp1251"), name="ru.txt") == text


def test_nul_bytes_are_binary(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError) as info:
        read_file(path)
    assert str(path) in str(info.value)
    assert "binary" in str(info.value)


def test_undecodable_bytes_name_the_file_and_encodings(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes([0x81, 0xFE, 0x9F, 0xC3, 0x28, 0xA0, 0xFF, 0x01, 0x02, 0x03] * 50))
    with pytest.raises(InputError) as info:
        read_file(path)
    message = str(info.value)
    assert str(path) in message
    assert "utf-8" in message


def test_undecodable_when_nothing_is_detected(monkeypatch) -> None:
    monkeypatch.setattr("spinscope.ingest.text._detect", lambda data: None)
    with pytest.raises(InputError) as info:
        decode(b"\x81\x8d caf\xe9\x90", name="x.txt")
    assert "x.txt" in str(info.value) and "tried utf-8" in str(info.value)


def test_read_text_file(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(TEXT.encode())
    doc = read_text_file(path)
    assert doc.id == "story"
    assert doc.text == TEXT
    assert doc.metadata["source"] == str(path)
    assert doc.metadata["format"] == "text"


@pytest.mark.parametrize(("content", "word"), [(b"", "empty"), (b"  \n\t\r\n ", "whitespace")])
def test_empty_and_whitespace_only(tmp_path: Path, content: bytes, word: str) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    for reader in (read_file, read_text_file):
        with pytest.raises(InputError) as info:
            reader(path)
        assert str(path) in str(info.value) and word in str(info.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_file(tmp_path / "nope.txt")
    assert "nope.txt" in str(info.value) and "does not exist" in str(info.value)
    with pytest.raises(InputError, match="is a folder"):
        read_file(tmp_path)


def test_read_file_takes_bytes_already_read(tmp_path) -> None:
    """Given the bytes, read_file does not read the file again (batch reads it once)."""
    from spinscope.ingest import read_file

    gone = tmp_path / "gone.txt"  # never written: only the given bytes can be read
    assert read_file(gone, data=b"The plan passed.").text == "The plan passed."
    page = b"<html><body><article><p>The plan passed on Monday.</p></article></body></html>"
    assert "The plan passed" in read_file(tmp_path / "gone.html", data=page).text
