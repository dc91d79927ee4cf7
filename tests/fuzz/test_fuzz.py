"""The short fuzz run (CI): every input path of :mod:`fuzz_properties`, a few examples each.

Each path's property: the input gives a valid result or a SpinscopeError with a message, never
another exception, and within the time cap. ``benchmarks/fuzz.py`` runs the same properties
for ~100,000 inputs. The example-based tests below reproduce the bugs the fuzzing found.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fuzz_properties import (
    PATHS,
    Hang,
    RawResponse,
    Resolver,
    UrlInput,
    check_analysis,
    check_url,
    close,
    run_capped,
)
from hypothesis import HealthCheck, given, settings

from spinscope.batch.inputs import iter_records
from spinscope.corpora.annotations import read_annotations
from spinscope.document import Document
from spinscope.errors import InputError, LabelFormatError
from spinscope.formats import read_si, read_st3, write_flc, write_st1, write_st3
from spinscope.ingest import read_bytes_source
from spinscope.ingest.text import decode

#: Per-input time cap of the short run: generous, the CI cores are slow and shared.
CAP = 30.0


@pytest.fixture(scope="module", autouse=True)
def _stop_api() -> Iterator[None]:
    yield
    close()


@pytest.mark.parametrize("name", sorted(PATHS))
def test_path_gives_a_result_or_a_spinscope_error(name: str) -> None:
    path = PATHS[name]

    @settings(
        max_examples=path.ci_examples,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(path.strategy)
    def run(value: object) -> None:
        run_capped(path, value, CAP)

    run()


def test_the_checks_can_fail(baseline_analyzer) -> None:  # type: ignore[no-untyped-def]
    """The properties are real: a broken result or an unexpected exception fails them."""
    analysis = baseline_analyzer.analyze("The so-called experts are lying to you, traitors.")
    check_analysis(analysis)
    with pytest.raises(AssertionError, match="not the text analysed"):
        check_analysis(analysis, "another text")
    with pytest.raises(AssertionError, match="outside"):
        check_analysis(dataclasses.replace(analysis, text=analysis.text[:10]))
    with pytest.raises(AssertionError, match="not an Analysis"):
        check_analysis(Document("a", "text"))

    def explode(value: object) -> str:
        raise KeyError(value)

    path = PATHS["text"]
    with pytest.raises(KeyError):
        run_capped(type(path)("x", path.strategy, explode), b"", CAP)
    with pytest.raises(Hang, match="time cap"):
        run_capped(type(path)("x", path.strategy, lambda v: _spin()), b"", 0.2)


def _spin() -> str:
    while True:
        pass


# ------------------------------------------------------------------ regressions (found by fuzzing)


@pytest.mark.parametrize("charset", ["rot13", "base64", "hex", "zlib", "uu", "undefined", "idna"])
def test_a_declared_charset_that_is_no_text_codec_is_ignored(charset: str) -> None:
    # was LookupError ("'rot-13' is not a text encoding") or UnicodeError ("undefined"), once
    # UTF-8 had failed and the declared charset was tried
    assert decode(b"Le caf\xe9 est ferm\xe9.", name="x", declared=charset).startswith("Le caf")
    page = f"<html><head><meta charset={charset}></head><body><p>Caf\xe9 there.</p></body></html>"
    doc = read_bytes_source(page.encode("latin-1"), name="page.html")
    assert "there." in doc.text


def test_a_charset_name_with_a_nul_is_ignored() -> None:
    # was ValueError ("embedded null character") from codecs.lookup
    assert decode(b"plain words", name="x", declared="utf-8\x00") == "plain words"


def test_html_page_that_breaks_the_date_search_still_reads() -> None:
    # was AssertionError from lxml's drop_tree, called by htmldate on the page's root (an svg)
    from spinscope.ingest import extract_html

    page = '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x"><svg>--></svg>'
    doc = extract_html(page, name="page.html")
    assert doc.text.strip() == "-->"
    assert doc.metadata["format"] == "html"


def _serve(*responses: bytes) -> tuple[Resolver, tuple[RawResponse, ...]]:
    return Resolver(("93.184.216.34",), False), tuple(RawResponse(r) for r in responses)


PAGE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nThe council met on Tuesday."


@pytest.mark.parametrize(
    ("url", "responses", "outcome"),
    [
        # ValueError "Invalid IPv6 URL" from urlsplit
        ("http://[::1/x", (PAGE,), "refused"),
        # InvalidURL from http.client's constructor (a control character in the host)
        ("https://example.org\x00.evil/", (PAGE,), "refused"),
        # UnicodeEncodeError: http.client sends the path as ASCII; now %-escaped as UTF-8
        ("https://example.org/ünïcode/путь?q=é", (PAGE,), "result"),
        # a redirect to an invalid URL: ValueError from urljoin
        (
            "https://example.org/a",
            (b"HTTP/1.1 302 Found\r\nLocation: http://[oops/\r\n\r\n",),
            "refused",
        ),
        # a Content-Length of 5,000 digits: ValueError from int()
        (
            "https://example.org/a",
            (
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                + b"9" * 5000
                + b"\r\n\r\n",
            ),
            "refused",
        ),
        # a Content-Length of Latin-1 digits ("\xb2" is superscript two): ValueError from int()
        (
            "https://example.org/a",
            (
                b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                b"Content-Length: \xb2\r\n\r\nHi there.",
            ),
            "result",
        ),
    ],
)
def test_hostile_urls_and_servers(url: str, responses: tuple[bytes, ...], outcome: str) -> None:
    resolver, served = _serve(*responses)
    assert check_url(UrlInput(url, resolver, served, False, 5_000_000)) == outcome


def test_a_bad_status_line_gives_a_one_line_message() -> None:
    from fuzz_properties import fake_network

    from spinscope.ingest.url import read_url

    resolver, served = _serve(b"HTTP/1.1 abc\r\n\r\n")
    with fake_network(resolver, served), pytest.raises(InputError) as err:
        read_url("https://example.org/")
    assert "\n" not in str(err.value)


def test_deeply_nested_jsonl_line_is_a_malformed_record(tmp_path: Path) -> None:
    # was RecursionError from json.loads
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "fine"}\n' + "[" * 5000 + "\n" + '{"a":' * 3000 + "\n")
    records = list(iter_records([path]))
    assert [r.error_code for r in records] == [None, "malformed", "malformed"]
    assert "nested too deeply" in (records[1].error or "")


def _parquet(path: Path, table: Any) -> Path:
    import pyarrow.parquet as pq

    pq.write_table(table, path)
    return path


def test_parquet_row_python_cannot_hold_is_a_malformed_record(tmp_path: Path) -> None:
    # was OverflowError ("days=2147483647; must have magnitude <= 999999999") from to_pylist
    import pyarrow as pa

    dates = pa.array([0, 2**31 - 1, 5], type=pa.int32()).cast(pa.date32())
    path = _parquet(tmp_path / "c.parquet", pa.table({"text": ["a", "b", "c"], "date": dates}))
    records = list(iter_records([path]))
    assert [r.text for r in records] == ["a", None, "c"]
    assert records[1].error_code == "malformed" and "OverflowError" in (records[1].error or "")
    assert records[2].date == "1970-01-06"


def test_damaged_parquet_pages_are_an_input_error(tmp_path: Path) -> None:
    # was OSError ("Couldn't deserialize thrift") from iter_batches: the footer reads, a page not
    import pyarrow as pa

    path = _parquet(tmp_path / "c.parquet", pa.table({"text": ["some text"] * 50}))
    data = bytearray(path.read_bytes())
    data[4:40] = b"\xff" * 36  # the first page header
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="not a readable Parquet file"):
        list(iter_records([path]))


def test_lone_surrogates_reach_the_model_as_replacement_characters() -> None:
    # was TypeError ("TextInputSequence must be str") from the tokenizer; the report keeps the text
    from spinscope.analyzer import Analyzer

    text = "\ud800 The so-called experts \udc00 are lying traitors."
    analysis = Analyzer(article_models=False, threads=1).load().analyze(text)
    check_analysis(analysis, text)


def test_label_offset_with_thousands_of_digits(tmp_path: Path) -> None:
    # was ValueError "Exceeds the limit (4300 digits)" from int()
    path = tmp_path / "a.labels"
    path.write_text("1\t" + "9" * 5000 + "\t5\n")
    with pytest.raises(LabelFormatError, match="too many"):
        read_si(path)


@pytest.mark.parametrize("art", [" ", "\u2028", "\ufeffx", "a\ud800"])
def test_writers_refuse_ids_their_readers_cannot_read_back(tmp_path: Path, art: str) -> None:
    # blank ids were written and then refused on reading; a BOM-led id lost its BOM; a lone
    # surrogate raised UnicodeEncodeError while writing
    with pytest.raises(LabelFormatError):
        write_st1(tmp_path / "st1.txt", {art: "reporting"})
    with pytest.raises(LabelFormatError):
        write_flc(tmp_path / "flc.txt", [(art, "Doubt", 0, 1)])
    assert not (tmp_path / "flc.txt").exists()


def test_write_st3_refuses_a_paragraph_given_twice(tmp_path: Path) -> None:
    # read_st3 refuses the file it used to write
    with pytest.raises(LabelFormatError, match="row 1 too"):
        write_st3(tmp_path / "st3.txt", [("7", 3, ()), ("7", 3, ("Doubt",))])


def test_write_st3_refuses_a_2020_name_the_reader_would_split(tmp_path: Path) -> None:
    # found by the 100k run (seed 2): with no taxonomy the reader splits on every comma, so
    # "Name_Calling,Labeling" came back as two techniques
    path = tmp_path / "st3.txt"
    with pytest.raises(LabelFormatError, match="contains a comma"):
        write_st3(path, [("2", 1308, ("Name_Calling,Labeling",))], None)
    assert not path.exists()
    # where the taxonomy knows the name, it is written and read back whole
    for taxonomy in ("semeval2020", "auto"):
        write_st3(path, [("2", 1308, ("Name_Calling,Labeling",))], taxonomy)
        assert read_st3(path, taxonomy) == [("2", 1308, ("Name_Calling,Labeling",))]


def test_annotation_article_that_is_not_utf8(tmp_path: Path) -> None:
    # was UnicodeDecodeError
    (tmp_path / "articles").mkdir()
    (tmp_path / "labels").mkdir()
    (tmp_path / "articles" / "a.txt").write_bytes(b"caf\xe9")
    with pytest.raises(InputError, match="not valid UTF-8"):
        read_annotations(tmp_path)


@pytest.mark.parametrize("key", ["language", "detector"])
def test_saved_analysis_with_a_list_for_a_mapping(baseline_analyzer, key: str) -> None:  # type: ignore[no-untyped-def]
    # was AttributeError ("'list' object has no attribute 'get'") from the nested from_dict
    from spinscope.analysis import Analysis

    data = baseline_analyzer.analyze("The so-called experts lie.").to_dict()
    data[key] = [data[key]]
    with pytest.raises(InputError, match="not a complete spinscope analysis"):
        Analysis.from_dict(data)


@pytest.mark.parametrize(
    "raw",
    [
        '{"schema_version": 1, "text": "x"}',  # no id: KeyError
        '{"schema_version": 1, "id": "a", "text": "x", "layers": {"t": [{"start": 0}]}}',
        '{"schema_version": 1, "id": "a", "text": "x", "layers": [[]]}',  # AttributeError
        '{"schema_version": 1, "id": "a", "text": "x", "metadata": [1]}',  # TypeError
        '{"schema_version": 1, "id": "a", "text": "x", "layers": {"t": [[0, 1]]}}',
        '{"schema_version": 1, "id": "a", "text": "x", "layers": {"t": [{"start": [], "end": 1}]}}',
        '{"schema_version": 1, "id": "a", "te',  # not JSON
        "[1, 2]",  # not an object
    ],
)
def test_document_json_that_is_not_a_document(raw: str) -> None:
    with pytest.raises(InputError) as err:
        Document.from_json(raw)
    assert err.value.message
