"""Property-based fuzzing of every input path: nasty-input strategies and one check per path.

Shared by ``tests/fuzz/test_fuzz.py`` (the short run in CI) and ``benchmarks/fuzz.py`` (the long
run). Each :class:`FuzzPath` pairs a hypothesis strategy of inputs with a check that feeds one
input to spinscope and holds it to the contract of issue 16: the input gives a valid result
(checked field by field), or a :class:`~spinscope.errors.SpinscopeError` with a message. Any
other exception escapes the check, and so counts as a crash; :func:`run_capped` also fails an
input that runs past a time cap (a hang).

The paths:

* ``text``: bytes read as an article (:func:`~spinscope.ingest.read_bytes_source`, and
  :func:`~spinscope.ingest.read_file` through a file with a drawn suffix): invalid UTF-8,
  BOMs, UTF-16 and other encodings, NULs, HTML sniffed from the first bytes;
* ``html``: HTML pages (:func:`~spinscope.ingest.extract_html` and
  :func:`~spinscope.ingest.read_html_file`): unclosed and misnested tags, scripts, deep nesting,
  entity soup, odd charsets;
* ``url``: :func:`~spinscope.ingest.read_url` on drawn URLs against a fake network: the resolver
  answers drawn addresses (public, private, scoped IPv6) or fails, and each connection reads a
  drawn raw HTTP response (status line, headers, chunked or sized body), so ``http.client`` parses
  what a hostile server could send; nothing leaves the process;
* ``batch``: :func:`~spinscope.batch.inputs.iter_records` over drawn JSONL, CSV and Parquet files
  (and folders of articles, each then read as a batch worker reads it);
* ``labels``: the SemEval label and submission formats (:mod:`spinscope.formats`): every reader
  on drawn files, and every writer on drawn rows (what it writes must read back the same);
* ``corpora``: the corpus loaders (:func:`~spinscope.corpora.load_ptc`,
  :func:`~spinscope.corpora.load_semeval2023`, :func:`~spinscope.corpora.st3_template_rows`,
  :func:`~spinscope.corpora.annotations.read_annotations`) on drawn data roots;
* ``reports``: saved JSON read back (:meth:`~spinscope.analysis.Analysis.from_dict`,
  :meth:`~spinscope.document.Document.from_json`) after drawn damage;
* ``analyze``: :meth:`~spinscope.analyzer.Analyzer.analyze` with the rule-based baseline;
* ``analyze_model``: the same with the default (model) detector, on short texts;
* ``api``: the REST API (FastAPI's TestClient) with drawn JSON, form and raw bodies.

A valid analysis has every offset inside its text, validates against
``analysis.schema.json``, and survives ``Analysis.from_dict(json.loads(a.to_json()))`` with equal
JSON.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import csv
import functools
import io
import json
import shutil
import signal
import socket
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import strategies as st

from spinscope.errors import SpinscopeError
from spinscope.taxonomy import FRAMES, GENRES, TECHNIQUES, TECHNIQUES_2020

__all__ = [
    "PATHS",
    "FuzzPath",
    "Hang",
    "check_analysis",
    "close",
    "run_capped",
    "short",
]

# ------------------------------------------------------------------------------ running


class Hang(BaseException):
    """An input ran past the time cap; ``where`` is the code the alarm interrupted.

    A ``BaseException``, so that code under test catching ``Exception`` cannot swallow it.
    """

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.where = where


def _innermost(err: BaseException) -> str:
    """``file (function)`` of the innermost frame of ``err``'s traceback."""
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return ""
    last = frames[-2] if len(frames) > 1 and frames[-1].name == "ring" else frames[-1]
    return f"{'/'.join(Path(last.filename).parts[-2:])} ({last.name})"


@contextlib.contextmanager
def _alarm(seconds: float | None) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread after ``seconds`` (no-op off the main thread)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise Hang(f"ran past the time cap of {seconds:g} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def short(value: object, limit: int = 300) -> str:
    """``repr(value)``, cut to about ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 40]}...<{len(text):,} chars>"


def run_capped(path: FuzzPath, value: Any, cap: float | None) -> tuple[str, float]:
    """Check one input under a time cap: ``(outcome, seconds)``.

    ``outcome`` is ``"result"`` (a valid result) or ``"refused"`` (a SpinscopeError with a
    message). Raises :class:`Hang` when the input ran past ``cap`` seconds (interrupted by an
    alarm, or measured after the fact when the code could not be interrupted), and whatever
    else the check raised: an unexpected exception or a broken invariant (AssertionError).
    """
    start = time.perf_counter()
    try:
        with _alarm(cap):
            outcome = path.check(value)
    except Hang as err:
        where = _innermost(err)
        raise Hang(f"{path.name}: {err}, in {where}; input {short(value)}", where) from None
    seconds = time.perf_counter() - start
    if cap and seconds > cap:
        raise Hang(
            f"{path.name}: took {seconds:.1f} s (cap {cap:g} s); input {short(value)}",
            "not interrupted (measured)",
        )
    return outcome, seconds


def refused(err: SpinscopeError) -> str:
    """Check that a SpinscopeError says something, and name the outcome."""
    assert isinstance(err.message, str) and err.message.strip(), f"empty message: {err!r}"
    assert str(err).strip(), f"empty str(): {err!r}"
    return "refused"


@functools.cache
def _scratch() -> Path:
    """A folder for this process's files, removed at exit."""
    root = Path(tempfile.mkdtemp(prefix="spinscope-fuzz-"))
    atexit.register(shutil.rmtree, root, True)
    return root


@contextlib.contextmanager
def _workdir() -> Iterator[Path]:
    """A fresh empty folder, removed afterwards."""
    folder = Path(tempfile.mkdtemp(dir=_scratch()))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- text pieces


def pick(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    """``st.sampled_from(values)`` without ``values`` in its repr (some are huge)."""
    return st.integers(0, len(values) - 1).map(values.__getitem__)


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """Draw from one of ``choices`` (``(weight, strategy)``), picked in proportion to weight.

    ``st.one_of`` flattens nested ``one_of``s into one list of equally likely branches, so a
    strategy made of many small ones would drown the others; this keeps the weights as given.
    """
    table = tuple(strategy for weight, strategy in choices for _ in range(weight))
    return pick(table).flatmap(lambda strategy: strategy)


@functools.cache
def _words() -> tuple[str, ...]:
    """Words that make the baseline fire (its lexicons), and plain ones."""
    from spinscope.detectors.baseline import load_lexicon

    found: list[str] = []
    for name in (
        "loaded_words.txt",
        "name_calling.txt",
        "fear.txt",
        "flag_waving.txt",
        "doubt.txt",
        "exaggeration.txt",
        "slogans.txt",
        "speech_verbs.txt",
    ):
        found.extend(load_lexicon(name)[:25])
    plain = (
        "the council said that John Smith Mr. Smith Dr. Ana Ruiz of Paris the minister "
        "approved bridge harbour on Tuesday 2024 3.5 % $10 e.g. U.S. so-called experts "
        "according to sources they always never everyone knows"
    ).split()
    return tuple(found) + tuple(plain) + ("so-called", "“experts”", '"lies"', "'truth'")


#: Characters and sequences that break naive text handling.
SPECIAL = (
    "\x00",
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    "\n\n\n",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1e",
    "\t",
    " ",
    "  ",
    "\u00a0",
    "\u3000",
    "\u200b",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202e",
    "\u2066",
    "\u061c",
    "\ufeff",
    "\ufffd",
    "\ufffe",
    "\uffff",
    "\u0301",
    "\u0336\u0336\u0336",
    "e\u0301\u0302\u0303\u0304",
    "\U0001f600",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\U0001f1eb\U0001f1f7",
    "\U0010ffff",
    "\x7f",
    "\x1b[31m",
    "\x08",
    '"',
    "“",
    "”",
    "«",
    "»",
    "'",
    "‘",
    "’",
    "„",
    "‹",
    "(",
    ")",
    "[",
    "]",
    "...",
    "…",
    "!",
    "?",
    "!!!",
    "—",
    "–",
    "-",
    "#",
    "@",
    "<",
    ">",
    "&",
    "&amp;",
    "İ",
    "ß",
    "ﬁ",
    "ΣΑΣ",
    "ǅ",
    "\u0345",
    "ᾈ",
    "Привет",
    "مرحبا",
    "שלום",
    "日本語",
    "한국어",
    "ไทย",
    "\u0e33",
    "1\u20442",
    "٣",
    "A.",
    "U.S.",
    "Mr.",
)
#: Lone surrogates: valid in a Python str (and in JSON), never in UTF-8.
SURROGATES = ("\ud800", "\udfff", "\udc80", "\ud83d")
WHITESPACE = (" ", "\t", "\n", "\r", "\r\n", "\u00a0", "\u2028", "\u3000", "\x0b", "\x0c", "\x85")
_SEPARATORS = (" ", " ", " ", "\n", "\n\n", ". ", ", ", "\r\n", "\t", "", "\u2028", "\r")


@functools.cache
def _chars(surrogates: bool) -> st.SearchStrategy[str]:
    return st.characters(exclude_categories=() if surrogates else ("Cs",))


@functools.cache
def nasty_text(
    *, surrogates: bool = True, max_pieces: int = 40, max_repeat: int = 3000
) -> st.SearchStrategy[str]:
    """Text of words, special characters, random characters and long repeats.

    A repeat makes a huge single word (``"a" * 3000``) or a long run of one mark; ``max_repeat``
    bounds it (a few draws go up to 60,000 characters when it is at least 3000).
    """
    specials = SPECIAL + (SURROGATES if surrogates else ())
    atoms = pick(_words()) | pick(specials)
    repeats = st.integers(1, max_repeat)
    if max_repeat >= 3000:
        repeats = repeats | st.integers(10_000, 60_000)
    piece = weighted(
        (8, pick(_words())),
        (3, pick(specials)),
        (2, st.text(_chars(surrogates), max_size=10)),
        (1, st.builds(lambda atom, n: atom * n, atoms, st.integers(1, 12))),
        (1, st.builds(lambda a, n: a * n, pick(("a", "x", "ab ", *specials)), repeats)),
    )
    pairs = st.lists(st.tuples(piece, pick(_SEPARATORS)), max_size=max_pieces)
    return pairs.map(lambda ps: "".join(a + b for a, b in ps))


@functools.cache
def article_text(*, surrogates: bool = True, max_repeat: int = 3000) -> st.SearchStrategy[str]:
    """Nasty text, whitespace only, or plain random text."""
    return weighted(
        (6, nasty_text(surrogates=surrogates, max_repeat=max_repeat)),
        (1, st.lists(pick(WHITESPACE), max_size=20).map("".join)),
        (1, st.text(_chars(surrogates), max_size=200)),
    )


@functools.cache
def small_text(*, surrogates: bool = True, max_size: int = 30) -> st.SearchStrategy[str]:
    """A short nasty string (names, titles, ids, cells)."""
    specials = SPECIAL + (SURROGATES if surrogates else ())
    return st.one_of(
        pick(_words()),
        pick(specials),
        st.text(_chars(surrogates), max_size=max_size),
        st.lists(pick(_words() + specials), max_size=5).map(" ".join),
    )


# ---------------------------------------------------------------------------------- bytes

ENCODINGS = (
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "latin-1",
    "cp1252",
    "cp1251",
    "koi8-r",
    "shift_jis",
    "euc-jp",
    "gb18030",
    "big5",
    "iso-8859-7",
    "utf-7",
    "mac-roman",
)
#: Bytes spliced into encoded text: NULs, BOMs, broken and overlong UTF-8, CESU surrogates.
BYTE_NOISE = (
    b"\x00",
    b"\x00\x00\x00",
    b"\xff",
    b"\xfe\xff",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"\xc0\xaf",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x80\x80\x80",
    b"\x1a",
    b"\r",
    b"<",
    b"%PDF-1.4",
    b"\x89PNG\r\n\x1a\n",
    b"PK\x03\x04",
)


def _encode(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding, "surrogatepass")
    except (UnicodeError, LookupError):
        return text.encode(encoding, "replace")


def _mangle(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with 1-3 drawn insertions of :data:`BYTE_NOISE`, cuts, flips or truncations.

    A plain function taking ``draw`` (not a strategy built on ``data``): a strategy's repr
    holds its arguments, and hypothesis warns about (and CI fails on) huge reprs.
    """
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(("insert", "cut", "flip", "truncate")))
        if how == "insert":
            data = data[:at] + draw(pick(BYTE_NOISE)) + data[at:]
        elif how == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 8)) :]
        elif how == "flip" and at < len(data):
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
        else:
            data = data[:at]
    return data


def _sometimes_mangled(draw: st.DrawFn, data: bytes) -> bytes:
    return _mangle(draw, data) if draw(st.booleans()) else data


@st.composite
def damaged(draw: st.DrawFn, source: st.SearchStrategy[bytes]) -> bytes:
    """Bytes from ``source``, then damaged (:func:`_mangle`)."""
    return _mangle(draw, draw(source))


def encoded_bytes(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """``text`` in a drawn encoding, often damaged; or noise."""
    encoded = st.builds(_encode, text, pick(ENCODINGS))
    return weighted(
        (4, encoded),
        (3, damaged(encoded)),
        (1, st.binary(max_size=300)),
        (1, st.lists(pick(BYTE_NOISE), max_size=8).map(b"".join)),
    )


@functools.cache
def nasty_bytes() -> st.SearchStrategy[bytes]:
    """:func:`article_text` in a drawn encoding, often damaged; or noise."""
    return encoded_bytes(article_text())


# ----------------------------------------------------------------------------------- HTML

TAGS = (
    "html",
    "head",
    "body",
    "title",
    "meta",
    "p",
    "p",
    "p",
    "div",
    "div",
    "span",
    "article",
    "main",
    "section",
    "header",
    "footer",
    "nav",
    "aside",
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "math",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "h1",
    "h2",
    "a",
    "b",
    "i",
    "em",
    "br",
    "hr",
    "img",
    "pre",
    "code",
    "textarea",
    "form",
    "blockquote",
    "q",
    "time",
    "figure",
    "select",
    "frameset",
    "object",
    "plaintext",
    "xmp",
    "base",
    "link",
    "x-custom",
    "p:q",
)
ENTITIES = (
    "&amp;",
    "&lt;",
    "&gt;",
    "&nbsp;",
    "&nbsp",
    "&quot;",
    "&#0;",
    "&#x0;",
    "&#xD800;",
    "&#55296;",
    "&#x110000;",
    "&#99999999999999999999;",
    "&#x;",
    "&#;",
    "&bogus;",
    "&amp",
    "&AMP;",
    "&#8203;",
    "&#x202E;",
    "&#65279;",
    "&ThisIsNotAnEntity",
    "&",
    "&&&;;",
)
_PAGE_STARTS = (
    "",
    "<!DOCTYPE html>",
    "<!doctype html>\n",
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x">',
    '<?xml version="1.0" encoding="utf-8"?>',
    '<?xml version="1.0" encoding="bogus"?>',
    "<!-- comment -->",
    "<!--",
    "\ufeff<!DOCTYPE html>",
    "  \n<html>",
    "<html><head><meta charset='utf-8'>",
    '<html><head><meta http-equiv="Content-Type" content="text/html; charset=latin-1">',
    "<html><head><meta charset=rot13>",
    "<html><head><meta charset=base64>",
    "<html><head><meta charset=undefined>",
    "<html><head><meta charset=hex>",
    "<html><head><meta charset=x-user-defined>",
    "<html><head><meta charset=utf-16>",
    "<head>",
    "<body>",
)
_ATTRIBUTE_NAMES = ("class", "id", "style", "href", "src", "name", "content", "lang", "dir", "on")
_ATTRIBUTE_VALUES = (
    "",
    "main",
    "content",
    "article-body",
    "rtl",
    "javascript:alert(1)",
    "author",
    "og:title",
    "description",
    "2024-02-30",
    '"',
    "'",
    "<",
    "a" * 300,
)


def _element(tag: str, attrs: list[tuple[str, str]], children: list[str], close: int) -> str:
    attr = "".join(
        f' {name}="{value}"' if i % 2 else f" {name}={value}"
        for i, (name, value) in enumerate(attrs)
    )
    inner = "".join(children)
    end = (f"</{tag}>", "", f"</{tag}", "</>", f"</{tag.upper()}>")[close]
    return f"<{tag}{attr}>{inner}{end}"


@functools.cache
def _html_leaves() -> st.SearchStrategy[str]:
    return st.one_of(
        small_text(surrogates=False, max_size=40),
        nasty_text(surrogates=False, max_pieces=12, max_repeat=200),
        pick(ENTITIES),
        st.sampled_from(("<!-- x -->", "<!--", "-->", "<![CDATA[x]]>", "<![CDATA[", "<?php x ?>")),
        st.sampled_from(("<", ">", "</", "<p", "<div class=", "</p>", "</div></div></body>")),
    )


@functools.cache
def html_fragment() -> st.SearchStrategy[str]:
    """A tree of drawn elements; closing tags may be missing, broken or of another case."""
    attrs = st.lists(
        st.tuples(st.sampled_from(_ATTRIBUTE_NAMES), pick(_ATTRIBUTE_VALUES)),
        max_size=3,
    )
    close = st.sampled_from((0, 0, 0, 1, 2, 3, 4))
    return st.recursive(
        _html_leaves(),
        lambda kids: st.builds(_element, pick(TAGS), attrs, st.lists(kids, max_size=5), close),
        max_leaves=25,
    )


def _article_page(title: str, author: str, paragraphs: list[str], wrapper: str) -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title><meta name='author' content='{author}'>"
        f"<meta property='og:title' content='{title}'></head><body><nav>Home | News</nav>"
        f"<{wrapper}><h1>{title}</h1>{body}</{wrapper}><footer>(c) 2024</footer></body></html>"
    )


def _deep(tag: str, depth: int, inner: str, closed: bool) -> str:
    return f"<{tag}>" * depth + inner + (f"</{tag}>" * depth if closed else "")


@functools.cache
def html_page(*, surrogates: bool = False) -> st.SearchStrategy[str]:
    """An HTML page: an article-like one, a drawn tree, deep nesting, or tag and entity soup."""
    para = nasty_text(surrogates=surrogates, max_pieces=30, max_repeat=500)
    article = st.builds(
        _article_page,
        small_text(surrogates=surrogates),
        small_text(surrogates=surrogates),
        st.lists(para, max_size=6),
        st.sampled_from(("article", "main", "div", "section", "p")),
    )
    deep = st.builds(
        _deep,
        st.sampled_from(("div", "b", "span", "p", "table", "li", "a", "i")),
        st.integers(1, 3000),
        para,
        st.booleans(),
    )
    soup = st.lists(
        st.one_of(pick(ENTITIES), _html_leaves(), pick(TAGS).map("<{}>".format)),
        max_size=40,
    ).map("".join)
    body = weighted((4, article), (2, html_fragment()), (1, deep), (1, soup))
    return st.builds(lambda start, b: start + b, pick(_PAGE_STARTS), body)


# ------------------------------------------------------------------------------ checking


def check_document(doc: Any, *, where: str = "") -> None:
    """A document a reader returned: str id and text with text in it, JSON-ready metadata."""
    from spinscope.document import Document

    assert isinstance(doc, Document), f"{where}: not a Document: {doc!r}"
    assert isinstance(doc.id, str) and doc.id, f"{where}: bad id {doc.id!r}"
    assert isinstance(doc.text, str) and doc.text.strip(), f"{where}: empty text"
    for key, value in doc.metadata.items():
        assert isinstance(key, str), f"{where}: metadata key {key!r}"
        json.dumps(value)
    for layer, spans in doc.layers.items():
        for span in spans:
            assert 0 <= span.start <= span.end <= len(doc.text), f"{where}: {layer} {span}"


def check_read(doc: Any, *, where: str = "") -> None:
    """A document read from bytes: normalised text (no CR) with text in it.

    (A leading BOM is dropped, once: a second one is a character of the text.)
    """
    check_document(doc, where=where)
    assert "\r" not in doc.text, f"{where}: a CR survived normalisation"
    assert doc.metadata.get("format") in ("text", "html"), f"{where}: {dict(doc.metadata)}"


@functools.cache
def _validator(name: str) -> Any:
    import jsonschema

    from spinscope.comparison.model import comparison_schema
    from spinscope.render.json import schema

    found = schema() if name == "analysis" else comparison_schema()
    return jsonschema.Draft202012Validator(found)


def _schema_errors(name: str, data: Any) -> list[str]:
    errors = sorted(_validator(name).iter_errors(data), key=lambda e: list(e.path))
    return [f"{'/'.join(map(str, e.path))}: {e.message[:200]}" for e in errors[:5]]


def _offsets(node: Any, text: str, where: str) -> None:
    """Every ``start``/``end`` pair (and ``speaker_start``/``speaker_end``) inside ``text``."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _offsets(item, text, f"{where}/{i}")
        return
    if not isinstance(node, dict):
        return
    for a, b in (("start", "end"), ("speaker_start", "speaker_end")):
        if a in node and b in node and node[a] is not None:
            s, e = node[a], node[b]
            assert isinstance(s, int) and isinstance(e, int), f"{where}: offsets {s!r}, {e!r}"
            assert 0 <= s <= e <= len(text), f"{where}: [{s}, {e}) outside {len(text)} chars"
            if a == "start" and isinstance(node.get("text"), str):
                assert node["text"] == text[s:e], f"{where}: text is not text[{s}:{e}]"
    for key, value in node.items():
        if key != "text":
            _offsets(value, text, f"{where}/{key}")


def check_analysis(analysis: Any, text: str | None = None) -> None:
    """The contract of a report: offsets inside the text, schema-valid, JSON round-trips."""
    from spinscope.analysis import Analysis

    assert isinstance(analysis, Analysis), f"not an Analysis: {analysis!r}"
    if text is not None:
        assert analysis.text == text, "the report's text is not the text analysed"
    n = len(analysis.text)
    for span in analysis.spans:
        assert 0 <= span.start < span.end <= n, f"span {span.start}-{span.end} outside {n}"
        assert span.text == analysis.text[span.start : span.end], f"span text of {span}"
    raw = analysis.to_json()
    data = json.loads(raw)
    problems = _schema_errors("analysis", data)
    assert not problems, f"not schema-valid: {problems}"
    _offsets({k: v for k, v in data.items() if k != "text"}, analysis.text, "analysis")
    again = json.loads(Analysis.from_dict(data).to_json())
    assert again == data, "Analysis.from_dict(json.loads(to_json())) changed the JSON"


# ================================================================================= paths


@dataclass(frozen=True)
class FuzzPath:
    """One input path: a strategy of inputs and the check of one input.

    ``check(value)`` returns ``"result"`` or ``"refused"`` and raises on a broken contract.
    ``weight`` is the path's share of a long run's examples; ``ci_examples`` its examples in
    the short run.
    """

    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], str]
    weight: float = 1.0
    ci_examples: int = 25
    about: str = ""


# ------------------------------------------------------------------------------- text path

_TEXT_SUFFIXES = (".txt", ".TXT", ".html", ".htm", ".xhtml", ".md", "", ".csv", ".HTML")


@dataclass(frozen=True)
class BytesInput:
    """Bytes read as an article: from memory, or from a file named ``name``."""

    data: bytes
    name: str
    via_file: bool


@functools.cache
def _bytes_inputs() -> st.SearchStrategy[BytesInput]:
    html_bytes = st.builds(_encode, html_page(), pick(ENCODINGS))
    data = weighted((2, nasty_bytes()), (2, html_bytes), (1, damaged(html_bytes)))
    names = st.builds(
        lambda stem, suffix: stem + suffix,
        st.sampled_from(("article", "a b", "статья", "x.y", "-", "...", "._hidden")),
        pick(_TEXT_SUFFIXES),
    )
    return st.builds(BytesInput, data, names, st.booleans())


def check_text(value: BytesInput) -> str:
    from spinscope.ingest import read_bytes_source, read_file

    try:
        if value.via_file:
            with _workdir() as folder:
                doc = read_file(_write(folder / value.name, value.data))
        else:
            doc = read_bytes_source(value.data, name=value.name)
    except SpinscopeError as err:
        return refused(err)
    check_read(doc, where="text")
    return "result"


# ------------------------------------------------------------------------------- HTML path


@dataclass(frozen=True)
class HtmlInput:
    """An HTML page given as text (``extract_html``) or as bytes in a file."""

    html: str
    encoding: str | None  # None: as text; else the file's encoding
    url: str | None


@functools.cache
def _html_inputs() -> st.SearchStrategy[HtmlInput]:
    return st.builds(
        HtmlInput,
        st.one_of(html_page(), html_page(surrogates=True)),
        st.none() | pick(ENCODINGS),
        st.none()
        | st.sampled_from(("https://example.org/news/a.html", "http://x", "https://é.fr/ü")),
    )


def check_html(value: HtmlInput) -> str:
    from spinscope.ingest import extract_html, read_html_file

    try:
        if value.encoding is None:
            doc = extract_html(value.html, name="page.html", url=value.url)
        else:
            with _workdir() as folder:
                path = _write(folder / "page.html", _encode(value.html, value.encoding))
                doc = read_html_file(path)
    except SpinscopeError as err:
        return refused(err)
    check_document(doc, where="html")
    assert doc.metadata.get("format") == "html", dict(doc.metadata)
    for key in ("title", "author", "date", "sitename", "description", "url"):
        assert isinstance(doc.metadata.get(key, ""), str), f"metadata {key}"
    return "result"


# -------------------------------------------------------------------------------- URL path

_HOSTS = (
    "example.org",
    "news.example.com",
    "127.0.0.1",
    "[::1]",
    "[fe80::1%25eth0]",
    "xn--caf-dma.fr",
    "café.fr",
    "пример.рф",
    "a" * 70 + ".com",
    "a..b",
    ".",
    "",
    "exa mple.com",
    "[::1",
    "host:99999",
    "host:-1",
    "host:abc",
    "user:pw@example.org",
    "example.org:8080",
    "%65xample.org",
    "example.org\x00.evil",
    "\u3002example",
)
_URL_PATHS = (
    "",
    "/",
    "/news/article.html",
    "/ü/ä?q=é",
    "/path with space",
    "/a\r\nX-Injected: 1",
    "/\x00",
    "/%",
    "/%zz",
    "/" + "a" * 3000,
    "?q=1#frag",
    "#x",
    "/статья",
    "/\ud800",
    "/\t",
)
_GOOD_URLS = (
    "https://example.org/news/article.html",
    "http://news.example.com/2024/03/story?id=7&x=%20",
    "https://example.org",
    "http://93.184.216.34/a.txt",
    "https://[2606:2800:220:1:248:1893:25c8:1946]/x",
    "https://café.example/ünïcode/путь?q=é",
    "HTTPS://EXAMPLE.ORG/A",
)
_SCHEMES = ("http://", "https://", "HTTP://", "HtTpS://", "http:/", "http:///", "ftp://", "")


@functools.cache
def _urls() -> st.SearchStrategy[str]:
    built = st.builds(
        lambda s, h, p: s + h + p,
        st.sampled_from(_SCHEMES),
        pick(_HOSTS),
        pick(_URL_PATHS) | small_text(max_size=12),
    )
    good = pick(_GOOD_URLS)
    return weighted((4, good), (3, built), (1, small_text(max_size=40)))


_PUBLIC_IPS = ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:93.184.216.34")
_PRIVATE_IPS = (
    "127.0.0.1",
    "10.0.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fe80::1%eth0",
    "::ffff:127.0.0.1",
    "224.0.0.1",
    "ff02::1",
    "240.0.0.1",
)


@dataclass(frozen=True)
class Resolver:
    """What the fake DNS answers: addresses, or an error (``"gaierror"``)."""

    addresses: tuple[str, ...]
    error: bool


@dataclass(frozen=True)
class RawResponse:
    """What one connection reads: raw HTTP bytes, or an error raised on connecting."""

    data: bytes
    connect_error: str | None = None


_CONNECT_ERRORS = ("timeout", "refused", "reset", "ssl", "oserror")


@functools.cache
def _content_types() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(
            (
                "text/html",
                "text/html; charset=utf-8",
                "text/html; charset=ISO-8859-1",
                "text/html; charset=rot13",
                "text/html; charset=base64",
                "text/html; charset=undefined",
                "text/html; charset=idna",
                "text/html; charset=utf-16",
                'text/html; charset="utf-8',
                "text/html; charset*=utf-8''%e9",
                "text/html;;;charset==",
                "TEXT/HTML",
                "text/plain",
                "text/plain; charset=koi8-r",
                "text/plain; charset=x-bogus",
                "application/xhtml+xml",
                "application/json",
                "application/pdf",
                "",
                "text",
                "/",
                "text/html\x00",
                "text/html; charset=" + "a" * 500,
            )
        ),
        small_text(surrogates=False, max_size=20),
    )


def _header_block(status: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [status] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")


@st.composite
def _responses(draw: st.DrawFn) -> RawResponse:
    kind = draw(st.sampled_from(("page", "page", "page", "redirect", "status", "raw", "error")))
    if kind == "error":
        return RawResponse(b"", draw(st.sampled_from(_CONNECT_ERRORS)))
    if kind == "raw":
        return RawResponse(draw(st.binary(max_size=200) | nasty_bytes()))
    if kind == "redirect":
        code = draw(st.sampled_from(("301", "302", "303", "307", "308", "300", "399")))
        headers = [("Location", draw(_urls() | st.sampled_from(("/next", "../x", "//evil"))))]
        if draw(st.booleans()):
            headers.append(("Content-Length", "0"))
        return RawResponse(_header_block(f"HTTP/1.1 {code} Moved", headers))
    if kind == "status":
        line = draw(
            st.sampled_from(
                (
                    "HTTP/1.1 404 Not Found",
                    "HTTP/1.1 500",
                    "HTTP/1.1 999 Odd",
                    "HTTP/1.1 204 No Content",
                    "HTTP/1.1 100 Continue",
                    "HTTP/1.0 200",
                    "HTTP/2 200 OK",
                    "HTTP/1.1 abc",
                    "ICY 200 OK",
                    "",
                    "HTTP/1.1 200 OK <long>",
                )
            )
        )
        line = line.replace(" <long>", "x" * 70000)  # longer than http.client reads
        return RawResponse(_header_block(line, [("Content-Type", draw(_content_types()))]))
    body_text = st.one_of(html_page(), article_text(max_repeat=500))
    body = draw(
        st.one_of(
            st.builds(_encode, body_text, pick(ENCODINGS)),
            nasty_bytes(),
        )
    )
    headers = [("Content-Type", draw(_content_types()))]
    framing = draw(st.sampled_from(("length", "length", "none", "chunked", "bad-length", "huge")))
    if framing == "length":
        headers.append(("Content-Length", str(len(body))))
    elif framing == "bad-length":
        headers.append(("Content-Length", draw(st.sampled_from(("-1", "abc", "1e3", "", "5")))))
    elif framing == "huge":
        headers.append(("Content-Length", "9" * draw(st.integers(8, 5000))))
    elif framing == "chunked":
        headers.append(("Transfer-Encoding", "chunked"))
        cut = draw(st.integers(0, len(body)))
        chunks = [body[:cut], body[cut:]]
        size = draw(st.sampled_from(("hex", "hex", "bad", "short")))
        out = b""
        for chunk in chunks:
            if not chunk:
                continue
            n = {"hex": len(chunk), "bad": -1, "short": len(chunk) + 5}[size]
            out += (f"{n:x}" if n >= 0 else "zz").encode() + b"\r\n" + chunk + b"\r\n"
        body = out + (b"0\r\n\r\n" if draw(st.booleans()) else b"")
    extra = draw(
        st.lists(
            st.tuples(
                st.sampled_from(("X-A", "Set-Cookie", "Location", "Content-Type", "Server", "")),
                small_text(surrogates=False, max_size=20),
            ),
            max_size=2,
        )
    )
    status = draw(st.sampled_from(("HTTP/1.1 200 OK", "HTTP/1.0 200 OK", "HTTP/1.1 203 X")))
    return RawResponse(_header_block(status, headers + extra) + body)


@dataclass(frozen=True)
class UrlInput:
    """A URL to read and the fake network that answers it."""

    url: str
    resolver: Resolver
    responses: tuple[RawResponse, ...]
    allow_private: bool
    max_bytes: int


@functools.cache
def _url_inputs() -> st.SearchStrategy[UrlInput]:
    resolver = st.builds(
        Resolver,
        st.lists(pick(_PUBLIC_IPS) | pick(_PRIVATE_IPS), min_size=0, max_size=3).map(tuple),
        st.sampled_from((False, False, True)),
    )
    good = Resolver(("93.184.216.34",), False)
    return st.builds(
        UrlInput,
        _urls(),
        weighted((3, st.just(good)), (1, resolver)),
        st.lists(_responses(), min_size=1, max_size=4).map(tuple),
        st.booleans(),
        st.sampled_from((5_000_000, 5_000_000, 100, 1)),
    )


class _FakeSocket:
    """A connected socket that swallows the request and reads back drawn bytes."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def sendall(self, data: bytes) -> None:
        pass

    def makefile(self, mode: str, *args: object, **kwargs: object) -> io.BytesIO:
        return io.BytesIO(self._data)

    def close(self) -> None:
        pass

    def settimeout(self, value: object) -> None:
        pass


def _ssl_error() -> ssl.SSLError:
    """A certificate failure as ``_ssl`` raises it (with ``library`` and ``reason`` set)."""
    err = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] verify failed")
    err.library, err.reason = "SSL", "CERTIFICATE_VERIFY_FAILED"
    return err


_ERRORS: dict[str, Callable[[], BaseException]] = {
    "timeout": lambda: TimeoutError("timed out"),
    "refused": lambda: ConnectionRefusedError(111, "Connection refused"),
    "reset": lambda: ConnectionResetError(104, "Connection reset by peer"),
    "ssl": lambda: _ssl_error(),
    "oserror": lambda: OSError(113, "No route to host"),
}


@contextlib.contextmanager
def fake_network(resolver: Resolver, responses: tuple[RawResponse, ...]) -> Iterator[None]:
    """Patch DNS and connections of :mod:`spinscope.ingest.url`: no traffic leaves."""
    from spinscope.ingest import url as url_mod

    served = iter([*responses, *[responses[-1]] * 10])

    def getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list[Any]:
        if isinstance(host, str):
            host.encode("idna")  # as the real one: UnicodeError for a bad name
        if resolver.error:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        family = socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in resolver.addresses]

    def connect(conn: Any) -> None:
        response = next(served)
        if response.connect_error is not None:
            raise _ERRORS[response.connect_error]()
        conn.sock = _FakeSocket(response.data)

    with (
        mock.patch.object(url_mod.socket, "getaddrinfo", getaddrinfo),
        mock.patch.object(url_mod._PinnedHTTP, "connect", connect),
        mock.patch.object(url_mod._PinnedHTTPS, "connect", connect),
    ):
        yield


def check_url(value: UrlInput) -> str:
    from spinscope.ingest import read_source
    from spinscope.ingest.url import is_url, read_url

    try:
        with fake_network(value.resolver, value.responses):
            if "://" in value.url and not is_url(value.url):  # another scheme
                doc = read_source(value.url, allow_private=value.allow_private)
            else:  # never read_source: a string that is no URL would be read as a path
                doc = read_url(
                    value.url, allow_private=value.allow_private, max_bytes=value.max_bytes
                )
    except SpinscopeError as err:
        return refused(err)
    check_read(doc, where="url")
    assert isinstance(doc.metadata.get("url"), str), dict(doc.metadata)
    return "result"


# ------------------------------------------------------------------------------ batch path

_COLUMNS = ("text", "id", "source", "outlet", "date", "url", "title", "body", "Text", " text ", "")


@functools.cache
def _json_scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from((10**30, -(2**63), 2**64, 10**400)),
        st.floats(allow_nan=False, allow_infinity=False),
        small_text(),
        article_text(max_repeat=300),
    )


@functools.cache
def _json_values() -> st.SearchStrategy[Any]:
    return st.recursive(
        _json_scalars(),
        lambda kids: (
            st.lists(kids, max_size=3)
            | st.dictionaries(pick(_COLUMNS) | small_text(), kids, max_size=3)
        ),
        max_leaves=8,
    )


_BAD_JSON = (
    "{",
    '{"text": "a"',
    '{"text": "a",}',
    "NaN",
    '{"text": NaN, "id": Infinity}',
    '{"text": "\\ud800 x", "id": "\\udc00"}',
    '{"text": "x", "text": 5}',
    '{"text": "x"} trailing',
    "[" * 5000,
    '{"a":' * 3000,
    '{"text": "' + "1" * 5000 + '"}',
    '{"text": "x", "id": ' + "9" * 5000 + "}",
    "9" * 5000,
    "\x00",
    "\ufeff{}",
    "'single'",
    '{"text": "x\u2028y"}',
    "null",
    "[]",
    '""',
)


@functools.cache
def _jsonl_line() -> st.SearchStrategy[str]:
    text = st.one_of(article_text(max_repeat=300), _json_values())
    record = st.fixed_dictionaries(
        {"text": text},
        optional={
            "id": _json_values(),
            "source": _json_scalars(),
            "outlet": _json_scalars(),
            "date": _json_scalars(),
            "url": _json_scalars(),
            "title": _json_scalars(),
            "extra": _json_values(),
        },
    )
    dumped = st.builds(lambda r, ascii_: json.dumps(r, ensure_ascii=ascii_), record, st.booleans())
    return weighted(
        (8, dumped),
        (1, _json_values().map(json.dumps)),
        (1, pick(_BAD_JSON)),
        (1, small_text()),
        (1, st.sampled_from(("", " ", "\t"))),
    )


@st.composite
def _jsonl_bytes(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(_jsonl_line(), max_size=8))
    end = draw(st.sampled_from(("\n", "\n", "\r\n", "\r")))
    data = _encode(end.join(lines) + draw(st.sampled_from(("", end))), "utf-8")
    if draw(st.booleans()):
        data = draw(st.sampled_from((b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE))) + data
    return _sometimes_mangled(draw, data)


_DIALECTS = (
    {},
    {"quoting": csv.QUOTE_ALL},
    {"quoting": csv.QUOTE_NONNUMERIC},
    {"quoting": csv.QUOTE_NONE, "escapechar": "\\"},
    {"delimiter": ";"},
    {"delimiter": "\t"},
    {"quotechar": "'"},
    {"lineterminator": "\n"},
    {"lineterminator": "\r"},
    {"doublequote": False, "escapechar": "\\"},
)
_BAD_CSV_LINES = (
    '"unclosed,quote',
    'a"b,c',
    '"a""b",c',
    '"a"b,c',
    ",,,,,,,",
    "\x00,\x00",
    '"multi\nline",x',
    "\r",
    '"',
    '""',
    ";;",
    "a,b,c,d,e,f,g,h,i,j,k,l",
)


@st.composite
def _csv_bytes(draw: st.DrawFn) -> bytes:
    columns = draw(st.lists(pick(_COLUMNS) | small_text(max_size=8), max_size=6))
    if draw(st.booleans()) and "text" not in columns:
        columns.insert(draw(st.integers(0, len(columns))), "text")
    cell = st.one_of(small_text(), article_text(max_repeat=300), st.integers().map(str))
    rows = draw(
        st.lists(
            st.lists(cell, min_size=max(0, len(columns) - 1), max_size=len(columns) + 1),
            max_size=6,
        )
    )
    out = io.StringIO()
    dialect = draw(st.sampled_from(_DIALECTS))
    try:
        writer = csv.writer(out, **dialect)
        writer.writerow(columns)
        writer.writerows(rows)
        text = out.getvalue()
    except csv.Error:
        text = "\n".join(",".join(r) for r in [columns, *rows])
    junk = draw(st.lists(st.sampled_from(_BAD_CSV_LINES), max_size=3))
    lines = text.split("\n")
    for line in junk:
        lines.insert(draw(st.integers(0, len(lines))), line)
    data = _encode("\n".join(lines), draw(st.sampled_from(("utf-8", "utf-8-sig", "latin-1"))))
    return _sometimes_mangled(draw, data)


@st.composite
def _parquet_bytes(draw: st.DrawFn) -> bytes:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    n = draw(st.integers(0, 5))
    names = draw(st.lists(pick(_COLUMNS), max_size=5))
    if draw(st.booleans()) and "text" not in names:
        names.append("text")
    text = st.none() | article_text(surrogates=False, max_repeat=300)
    kinds: dict[str, tuple[Any, st.SearchStrategy[Any]]] = {
        "string": (pa.string(), text),
        "large_string": (pa.large_string(), text),
        "int": (pa.int64(), st.none() | st.integers(-(2**63), 2**63 - 1)),
        "float": (pa.float64(), st.none() | st.floats()),
        "bool": (pa.bool_(), st.none() | st.booleans()),
        "binary": (pa.binary(), st.none() | st.binary(max_size=20)),
        "null": (pa.null(), st.none()),
        "list": (pa.list_(pa.string()), st.none() | st.lists(small_text(surrogates=False))),
        "date": (pa.date32(), st.none() | st.dates()),
        "timestamp": (pa.timestamp("us"), st.none() | st.datetimes()),
        "timestamp_tz": (pa.timestamp("ms", tz="UTC"), st.none() | st.datetimes()),
        "date_int": (pa.int32(), st.none() | st.integers(-(2**31), 2**31 - 1)),
    }
    arrays = []
    for _ in names:
        kind = draw(st.sampled_from(sorted(kinds)))
        type_, values = kinds[kind]
        column = [draw(values) for _ in range(n)]
        if kind == "timestamp_tz":
            column = [v.replace(tzinfo=dt.UTC) if v else v for v in column]
        if kind == "date_int":
            arrays.append(pa.array(column, type=pa.int32()).cast(pa.date32()))
        else:
            arrays.append(pa.array(column, type=type_))
    table = pa.Table.from_arrays(arrays, names=names)
    buffer = io.BytesIO()
    pq.write_table(
        table,
        buffer,
        compression=draw(st.sampled_from(("none", "snappy", "zstd", "gzip"))),
        row_group_size=draw(st.integers(1, 4)),
    )
    data = buffer.getvalue()
    how = draw(st.sampled_from(("whole", "whole", "truncate", "flip", "garbage", "empty")))
    if how == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif how == "flip" and data:
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    elif how == "garbage":
        data = b"PAR1" + draw(st.binary(max_size=100)) + b"PAR1"
    elif how == "empty":
        data = b""
    return data


_ARTICLE_NAMES = (
    "a.txt",
    "b.html",
    "c.htm",
    "D.TXT",
    ".hidden.txt",
    "sub/e.txt",
    "sub/deeper/f.html",
    "out/a.txt",
    "статья.txt",
    "a b.txt",
    "x.y.txt",
    "notes.md",
    "sub/a.txt",
    "\u202etxt.exe.txt",
)


@dataclass(frozen=True)
class BatchInput:
    """Files (relative path -> bytes) and the inputs and fields a batch run is given."""

    files: tuple[tuple[str, bytes], ...]
    inputs: tuple[str, ...]
    fields: tuple[str, str, str | None]


@st.composite
def _batch_inputs(draw: st.DrawFn) -> BatchInput:
    kind = draw(st.sampled_from(("jsonl", "ndjson", "csv", "parquet", "folder", "two")))
    files: list[tuple[str, bytes]] = []
    if kind in ("jsonl", "ndjson"):
        files.append((f"in/corpus.{kind}", draw(_jsonl_bytes())))
    elif kind == "csv":
        files.append(("in/corpus.csv", draw(_csv_bytes())))
    elif kind == "parquet":
        files.append(("in/corpus.parquet", draw(_parquet_bytes())))
    elif kind == "folder":
        names = draw(st.lists(pick(_ARTICLE_NAMES), max_size=5, unique=True))
        files.extend((f"in/articles/{name}", draw(nasty_bytes())) for name in names)
    else:  # two inputs of the same name
        files.append(("2023/data.jsonl", draw(_jsonl_bytes())))
        files.append(("2024/data.jsonl", draw(_jsonl_bytes())))
    inputs = tuple(dict.fromkeys(p.split("/", 2)[0] if kind == "two" else p for p, _ in files))
    if kind == "folder":
        inputs = ("in/articles",)
    elif kind == "two":
        inputs = ("2023/data.jsonl", "2024/data.jsonl")
    names = pick(_COLUMNS)
    fields = draw(st.just(("text", "id", None)) | st.tuples(names, names, st.none() | names))
    return BatchInput(tuple(files), inputs, fields)


def check_batch(value: BatchInput) -> str:
    from spinscope.batch.inputs import Fields, Record, iter_records
    from spinscope.ingest import read_file

    fields = Fields(text=value.fields[0], id=value.fields[1], source=value.fields[2])
    with _workdir() as folder:
        for rel, data in value.files:
            _write(folder / rel, data)
        (folder / "in" / "articles").mkdir(parents=True, exist_ok=True)
        try:
            records = list(iter_records([str(folder / p) for p in value.inputs], fields))
        except SpinscopeError as err:
            return refused(err)
        ids: set[str] = set()
        for i, record in enumerate(records):
            assert isinstance(record, Record), record
            assert record.seq == i, f"record {i} has seq {record.seq}"
            set_ = [x is not None for x in (record.text, record.path, record.error)]
            assert sum(set_) == 1, f"record {i}: not exactly one of text/path/error: {record}"
            assert isinstance(record.id, str) and record.id, f"record {i}: id {record.id!r}"
            if record.error is None:
                assert record.id not in ids, f"record {i}: duplicate id {record.id!r} let through"
                ids.add(record.id)
            else:
                assert record.error.strip() and record.error_code, f"record {i}: {record}"
            for name in ("id", "text", "source", "date", "url", "title", "error"):
                got = getattr(record, name)
                if got is not None:
                    assert isinstance(got, str), f"record {i}: {name} is {type(got).__name__}"
                    got.encode("utf-8")  # no lone surrogates: results are written as UTF-8
            data = json.loads(json.dumps(record.to_dict()))
            assert Record.from_dict(data) == record, f"record {i} does not round-trip"
            if record.path is not None:  # what the worker does with a listed file
                try:
                    doc = read_file(record.path)
                except SpinscopeError as err:
                    refused(err)
                else:
                    check_read(doc, where=f"batch file {record.path}")
    return "result"


# ----------------------------------------------------------------------------- labels path

_IDS = ("1", "111111112", "article1", " 1", "1 ", "", " ", "\ufeff1", "٣", "a\u2028b", "\x00")
_OFFSETS = (
    "",
    " 1",
    "1 ",
    "1.0",
    "+1",
    "-0",
    "-1",
    "0x10",
    "١٢",
    "１２",
    "1e3",
    "9" * 5000,
    "0" * 60 + "7",
    "00",
    "18446744073709551616",
)
_NEAR_TECHNIQUES = (
    "?",
    "",
    "loaded_language",
    "Loaded_Language ",
    "Loaded Language",
    "Name_Calling",
    "Whataboutism,Straw_Men,Red_Herring",
    "Bandwagon,Reductio_ad_hitlerum",
    "Bandwagon",
    ",",
    ",,",
    "Doubt,",
    ",Doubt",
    "Doubt,,Smears",
)


@functools.cache
def _offset() -> st.SearchStrategy[str]:
    return weighted(
        (12, st.integers(0, 300).map(str)),
        (1, st.integers(-3, -1).map(str)),
        (1, st.integers(0, 10**30).map(str)),
        (1, pick(_OFFSETS)),
    )


@functools.cache
def _label_id() -> st.SearchStrategy[str]:
    plain = st.sampled_from(("1", "2", "111111112", "article1", "a-b_c.d"))
    odd = small_text(max_size=12).map(lambda s: s.replace("\t", "").replace("\n", ""))
    return weighted((10, plain), (1, pick(_IDS)), (1, odd))


@functools.cache
def _technique() -> st.SearchStrategy[str]:
    return weighted(
        (6, pick(TECHNIQUES)),
        (3, pick(TECHNIQUES_2020)),
        (1, pick(_NEAR_TECHNIQUES)),
    )


@functools.cache
def _technique_list() -> st.SearchStrategy[str]:
    return st.lists(_technique(), max_size=4).map(",".join)


@functools.cache
def _frames() -> st.SearchStrategy[str]:
    near = ("", "economic", "Economic ", "Crime_and_punishment", "Morality,")
    return st.lists(pick(FRAMES) | st.sampled_from(near), max_size=4).map(",".join)


_LINE_SHAPES: dict[str, Callable[[], st.SearchStrategy[list[str]]]] = {
    "si": lambda: st.tuples(_label_id(), _offset(), _offset()).map(list),
    "flc": lambda: st.tuples(_label_id(), _technique(), _offset(), _offset()).map(list),
    "tc_template": lambda: st.tuples(_label_id(), _technique(), _offset(), _offset()).map(list),
    "st3": lambda: st.tuples(_label_id(), _offset(), _technique_list()).map(list),
    "template": lambda: st.tuples(_label_id(), _offset(), small_text(max_size=40)).map(list),
    "st1": lambda: st.tuples(
        _label_id(), st.sampled_from(GENRES) | st.sampled_from(("", "Opinion", "news"))
    ).map(list),
    "st2": lambda: st.tuples(_label_id(), _frames()).map(list),
}


@functools.cache
def _line_shape(reader: str) -> st.SearchStrategy[list[str]]:
    return _LINE_SHAPES[reader]()


_SUFFIX_OF = {
    "si": ".labels",
    "flc": ".labels",
    "tc_template": ".out",
    "st3": ".txt",
    "template": ".txt.template",
    "st1": ".txt",
    "st2": ".txt",
}


@st.composite
def _label_file(draw: st.DrawFn, reader: str) -> bytes:
    good = _line_shape(reader)
    line = weighted(
        (12, good),
        (1, good.map(lambda cells: cells[:-1])),
        (1, good.map(lambda cells: [*cells, "extra"])),
        (1, st.lists(st.one_of(_label_id(), _offset(), _technique(), small_text()), max_size=6)),
    )
    lines = ["\t".join(cells) for cells in draw(st.lists(line, max_size=8))]
    end = draw(st.sampled_from(("\n", "\n", "\r\n", "\r", "\u2028")))
    text = end.join(lines) + draw(st.sampled_from(("", end, end * 3)))
    if draw(st.booleans()):
        text = "\ufeff" + text
    data = _encode(text, draw(st.sampled_from(("utf-8", "utf-8", "latin-1", "utf-16"))))
    return _sometimes_mangled(draw, data)


@dataclass(frozen=True)
class LabelRead:
    """A label file (or a folder of them) for one reader, with its taxonomy."""

    reader: str
    taxonomy: str | None
    files: tuple[tuple[str, bytes], ...]
    folder: bool


@dataclass(frozen=True)
class LabelWrite:
    """Rows for one writer; what it writes must read back as the same rows."""

    writer: str
    taxonomy: str | None
    rows: Any


_TAXONOMIES = ("auto", "semeval2023", "semeval2020", None, "auto", "semeval2023", "x", "")


@st.composite
def _label_reads(draw: st.DrawFn) -> LabelRead:
    reader = draw(st.sampled_from(sorted(_LINE_SHAPES)))
    taxonomy = draw(st.sampled_from(_TAXONOMIES))
    folder = draw(st.booleans())
    count = draw(st.integers(0, 3)) if folder else 1
    names = (
        "a.labels",
        "b.txt",
        "c.template",
        "d.txt.template",
        "e.out",
        ".hidden.labels",
        "f.tsv",
        "g.TXT",
    )
    files = []
    for i in range(count):
        name = draw(st.sampled_from(names)) if folder else f"labels{_SUFFIX_OF[reader]}"
        files.append((f"{i}{name}" if folder else name, draw(_label_file(reader))))
    return LabelRead(reader, taxonomy, tuple(files), folder)


@functools.cache
def _writer_rows(writer: str) -> st.SearchStrategy[Any]:
    art = st.one_of(_label_id(), small_text(max_size=12), st.integers(), st.none())
    offset = st.one_of(st.integers(-2, 10**20), st.booleans(), st.sampled_from(("3", 2.0)))
    tech = st.one_of(_technique(), st.none(), st.integers())
    if writer == "si":
        return st.lists(st.tuples(art, offset, offset), max_size=5)
    if writer == "flc":
        return st.lists(st.tuples(art, tech, offset, offset), max_size=5)
    if writer == "st3":
        techs = st.lists(tech, max_size=3) | st.sampled_from(("Doubt", "", ()))
        return st.lists(st.tuples(art, offset, techs), max_size=5)
    if writer == "st1":
        genre = st.sampled_from(GENRES) | st.sampled_from(("", "news", "Opinion"))
        return st.dictionaries(art, genre, max_size=5)
    frames = st.lists(pick(FRAMES) | st.sampled_from(("", "x")), max_size=3)
    return st.dictionaries(art, frames | st.sampled_from(("Economic", "")), max_size=5)


@st.composite
def _label_writes(draw: st.DrawFn) -> LabelWrite:
    writer = draw(st.sampled_from(("si", "flc", "st3", "st1", "st2")))
    taxonomy = draw(st.sampled_from(_TAXONOMIES[:4]))
    return LabelWrite(writer, taxonomy, draw(_writer_rows(writer)))


def _reader(name: str) -> Callable[..., Any]:
    from spinscope import formats

    return {
        "si": formats.read_si,
        "flc": formats.read_flc,
        "tc_template": formats.read_tc_template,
        "st3": formats.read_st3,
        "template": formats.read_template,
        "st1": formats.read_st1,
        "st2": formats.read_st2,
    }[name]


def _check_rows(reader: str, taxonomy: str | None, rows: Any) -> None:
    from spinscope.formats import valid_techniques

    takes = reader in ("flc", "tc_template", "st3")
    valid = valid_techniques(taxonomy) if takes else None  # type: ignore[arg-type]
    if reader in ("st1", "st2"):
        assert isinstance(rows, dict), rows
        for art, value in rows.items():
            assert isinstance(art, str) and art.strip(), f"id {art!r}"
            if reader == "st1":
                assert value in GENRES, value
            else:
                assert all(f in FRAMES for f in value), value
        return
    assert isinstance(rows, list), rows
    for row in rows:
        art = row[0]
        assert isinstance(art, str) and art.strip(), f"id {art!r} in {row}"
        ints = [x for x in row[1:] if isinstance(x, int)]
        assert all(type(x) is int for x in ints), row
        if reader in ("si", "flc", "tc_template"):
            start, end = row[-2], row[-1]
            assert isinstance(start, int) and isinstance(end, int), row
            assert 0 <= start <= end, row
        if reader in ("flc", "tc_template") and row[1] != "?":
            assert valid is None or row[1] in valid, row
        if reader == "tc_template":
            assert row[1] == "?" or row[1], row
        if reader in ("st3", "template"):
            assert isinstance(row[1], int) and row[1] >= 1, row
        if reader == "st3":
            assert all(t and (valid is None or t in valid) for t in row[2]), row


def _writer(name: str) -> Callable[..., Any]:
    from spinscope import formats

    return {
        "si": formats.write_si,
        "flc": formats.write_flc,
        "st3": formats.write_st3,
        "st1": formats.write_st1,
        "st2": formats.write_st2,
    }[name]


def _expected_rows(value: LabelWrite) -> Any:
    if value.writer == "st1":
        return dict(value.rows)
    if value.writer == "st2":
        return {k: tuple(v) for k, v in value.rows.items()}
    if value.writer == "st3":
        return [(a, p, tuple(t)) for a, p, t in value.rows]
    return [tuple(r) for r in value.rows]


def check_labels(value: LabelRead | LabelWrite) -> str:
    with _workdir() as folder:
        if isinstance(value, LabelRead):
            for name, data in value.files:
                _write(folder / "labels" / name, data)
            (folder / "labels").mkdir(exist_ok=True)
            target = folder / "labels" if value.folder else folder / "labels" / value.files[0][0]
            args: tuple[Any, ...] = (target,)
            if value.reader in ("flc", "tc_template", "st3"):
                args += (value.taxonomy,)
            try:
                rows = _reader(value.reader)(*args)
            except SpinscopeError as err:
                return refused(err)
            _check_rows(value.reader, value.taxonomy, rows)
            return "result"
        path = folder / "out" / "submission.txt"
        wargs: tuple[Any, ...] = (path, value.rows)
        if value.writer in ("flc", "st3"):
            wargs += (value.taxonomy,)
        try:
            _writer(value.writer)(*wargs)
        except SpinscopeError as err:
            return refused(err)
        rargs: tuple[Any, ...] = (path,)
        if value.writer in ("flc", "st3"):
            rargs += (value.taxonomy,)
        try:
            back = _reader(value.writer)(*rargs)
        except SpinscopeError as err:
            raise AssertionError(f"the writer wrote a file its reader refuses: {err}") from None
        assert back == _expected_rows(value), f"read back {back!r}"
        return "result"


# ----------------------------------------------------------------------------- corpora path


@dataclass(frozen=True)
class CorpusInput:
    """A drawn data root (relative path -> bytes) and the loader run on it."""

    loader: str
    files: tuple[tuple[str, bytes], ...]
    option: Any


def _span_lines(art: str, n: int, techs: tuple[str, ...]) -> st.SearchStrategy[str]:
    near = st.integers(-2, n + 3).map(str)
    offset = near | near | _offset()
    tech = st.sampled_from(techs) | _technique()
    flc = st.builds(lambda t, s, e: f"{art}\t{t}\t{s}\t{e}", tech, offset, offset)
    si = st.builds(lambda s, e: f"{art}\t{s}\t{e}", offset, offset)
    other = st.builds(lambda t, s, e: f"9{art}\t{t}\t{s}\t{e}", tech, offset, offset)
    return weighted((10, flc), (1, si), (1, other), (1, small_text()))


def _row(*cells: object) -> str:
    return "\t".join(map(str, cells))


def _lines_bytes(lines: list[str], crlf: bool) -> bytes:
    return _encode(("\r\n" if crlf else "\n").join(lines), "utf-8")


_ARTICLE_IDS = ("111111111", "2", "736231219", "x", "1 2", "ü")


@st.composite
def _corpus_inputs(draw: st.DrawFn) -> CorpusInput:
    loader = draw(st.sampled_from(("ptc", "semeval", "semeval", "template", "annotations")))
    ids = draw(st.lists(st.sampled_from(_ARTICLE_IDS), min_size=0, max_size=3, unique=True))
    texts = {
        i: draw(
            st.one_of(
                nasty_text(max_pieces=25, max_repeat=100),
                nasty_text(surrogates=False, max_pieces=25, max_repeat=100),
            )
        )
        for i in ids
    }
    crlf = draw(st.booleans())
    files: list[tuple[str, bytes]] = []
    skip = draw(st.sampled_from((None, "article", "labels")))

    def spans(i: str, techs: tuple[str, ...]) -> bytes:
        lines = draw(st.lists(_span_lines(i, len(texts[i]), techs), max_size=5))
        return _lines_bytes(lines, crlf)

    def article(i: str) -> bytes:
        data = _encode(texts[i], draw(st.sampled_from(("utf-8", "utf-8", *ENCODINGS))))
        return _sometimes_mangled(draw, data)

    if loader == "ptc":
        split = draw(st.sampled_from(("train", "dev", "test")))
        for i in ids:
            files.append((f"ptc/{split}-articles/article{i}.txt", article(i)))
            if skip != "labels":
                si = spans(i, ("x",))
                tc = spans(i, TECHNIQUES_2020)
                files.append((f"ptc/{split}-labels-task-si/article{i}.task-si.labels", si))
                files.append((f"ptc/{split}-labels-task-flc-tc/article{i}.task-flc-tc.labels", tc))
        return CorpusInput(loader, tuple(files), split)
    if loader == "annotations":
        for i in ids:
            if skip != "article":
                files.append((f"ann/articles/{i}.txt", article(i)))
            files.append((f"ann/labels/{i}.tsv", spans(i, TECHNIQUES)))
        files.append(("ann/README.md", b"notes"))
        return CorpusInput(loader, tuple(files), None)
    lang = draw(st.sampled_from(("en", "fr", "ge", "xx")))
    base = f"semeval2023/{lang}"
    st3: list[str] = []
    st1: list[str] = []
    st2: list[str] = []
    for i in ids:
        files.append((f"{base}/train-articles-subtask-3/article{i}.txt", article(i)))
        files.append(
            (
                f"{base}/train-labels-subtask-3-spans/article{i}-labels-subtask-3.txt",
                spans(i, TECHNIQUES),
            )
        )
        paras = texts[i].split("\n")
        numbers = st.integers(0, len(paras) + 2).map(str) | _offset()
        st3 += draw(st.lists(st.builds(_row, st.just(i), numbers, _technique_list()), max_size=4))
        st1 += draw(st.lists(st.builds(_row, st.just(i), st.sampled_from(GENRES)), max_size=1))
        st2 += draw(st.lists(st.builds(_row, st.just(i), _frames()), max_size=1))
        template = [f"{i}\t{n}\t{p}" for n, p in enumerate(paras, 1) if p.strip()]
        files.append(
            (
                f"{base}/train-labels-subtask-3/article{i}.txt.template",
                _lines_bytes(
                    template if draw(st.booleans()) else draw(st.lists(small_text(), max_size=3)),
                    crlf,
                ),
            )
        )
    if skip != "labels":
        files.append((f"{base}/train-labels-subtask-3.txt", _lines_bytes(st3, crlf)))
        files.append((f"{base}/train-labels-subtask-1.txt", _lines_bytes(st1, crlf)))
        files.append((f"{base}/train-labels-subtask-2.txt", _lines_bytes(st2, crlf)))
    option = draw(st.sampled_from((None, True, False))) if loader == "semeval" else None
    return CorpusInput(loader, tuple(files), (lang, option))


def check_corpora(value: CorpusInput) -> str:
    from spinscope.corpora import load_ptc, load_semeval2023, st3_template_rows
    from spinscope.corpora.annotations import read_annotations

    with _workdir() as root:
        for rel, data in value.files:
            _write(root / rel, data)
        try:
            if value.loader == "ptc":
                out: Any = load_ptc(value.option, root)
            elif value.loader == "annotations":
                out = read_annotations(root / "ann")
            elif value.loader == "template":
                out = st3_template_rows(value.option[0], root)
            else:
                lang, strict = value.option
                out = load_semeval2023(lang, root, strict_spans=strict)
        except SpinscopeError as err:
            return refused(err)
    if value.loader == "template":
        for art, number, text in out:
            assert isinstance(art, str) and art.strip() and isinstance(text, str), (art, text)
            assert isinstance(number, int) and number >= 1, number
        return "result"
    names = set(TECHNIQUES_2020) | {"propaganda"} if value.loader == "ptc" else set(TECHNIQUES)
    for doc in out:
        for layer, spans in doc.layers.items():
            for span in spans:
                assert 0 <= span.start <= span.end <= len(doc.text), (doc.id, layer, span)
                assert span.label in names, (doc.id, layer, span.label)
    return "result"


# ----------------------------------------------------------------------------- reports path


@functools.cache
def _sample_report() -> dict[str, Any]:
    text = (
        "Traitors Everywhere\n\nThe so-called experts are lying, said John Smith. "
        "\u201cThis is a disaster,\u201d said Dr. Ana Ruiz. Our great nation faces grave danger. "
        "Our great nation faces grave danger. Mr. Smith denied it."
    )
    data: dict[str, Any] = baseline().analyze(text, title="T", url="https://x.org").to_dict()
    return data


@dataclass(frozen=True)
class ReportInput:
    """A saved report (``kind`` "analysis" or "document") with drawn damage at drawn places."""

    kind: str
    edits: tuple[tuple[int, str, Any], ...]
    cut: int | None = None  # a document's JSON cut after this many characters


_DAMAGE = ("delete", "replace", "replace", "wrap")


def _nodes(node: Any) -> list[tuple[Any, Any]]:
    """Every ``(container, key)`` of a JSON tree, parents before children."""
    found: list[tuple[Any, Any]] = []
    keys = (
        list(node) if isinstance(node, dict) else range(len(node)) if isinstance(node, list) else ()
    )
    for k in keys:
        found.append((node, k))
        found.extend(_nodes(node[k]))
    return found


def _damaged(data: Any, edits: tuple[tuple[int, str, Any], ...]) -> Any:
    """``data`` with each edit applied at the node its index picks (in a walk of the tree)."""
    data = json.loads(json.dumps(data))
    for index, how, value in edits:
        nodes = _nodes(data)
        if not nodes:
            return value
        parent, key = nodes[index % len(nodes)]
        if how == "delete":
            del parent[key]
        elif how == "wrap":
            parent[key] = [parent[key]]
        else:
            parent[key] = value
    return data


@functools.cache
def _report_inputs() -> st.SearchStrategy[ReportInput]:
    edit = st.tuples(st.integers(0, 10**6), st.sampled_from(_DAMAGE), _json_values())
    return st.builds(
        ReportInput,
        st.sampled_from(("analysis", "document")),
        st.lists(edit, max_size=3).map(tuple),
        st.none() | st.none() | st.integers(0, 200),
    )


def check_reports(value: ReportInput) -> str:
    from spinscope.analysis import Analysis
    from spinscope.document import Document, Span

    if value.kind == "analysis":
        data = _damaged(_sample_report(), value.edits)
        try:
            if not isinstance(data, dict):
                return "refused"  # from_dict takes a mapping
            analysis = Analysis.from_dict(data)
        except SpinscopeError as err:
            return refused(err)
        assert isinstance(analysis, Analysis), analysis
        return "result"
    doc = Document("a", "Text of the article.", {"source": "x"}, {"t": (Span(0, 4, "x"),)})
    raw = json.dumps(_damaged(doc.to_dict(), value.edits))[: value.cut]
    try:
        back = Document.from_json(raw)
    except SpinscopeError as err:
        return refused(err)
    assert isinstance(back, Document) and isinstance(back.text, str), back
    for spans in back.layers.values():
        for span in spans:
            assert 0 <= span.start <= span.end <= len(back.text), span
    return "result"


# ----------------------------------------------------------------------------- analyze path


@functools.cache
def baseline() -> Any:
    """The rule-based analyzer, loaded once per process."""
    from spinscope.analyzer import Analyzer

    return Analyzer("baseline").load()


@functools.cache
def default_model() -> Any:
    """The default (model) analyzer without the article models, loaded once per process."""
    from spinscope.analyzer import Analyzer

    return Analyzer(article_models=False, threads=1).load()


_LANGUAGES = (
    "en",
    "fr",
    "de",
    "it",
    "pl",
    "ru",
    "es",
    "EN",
    "xx",
    "",
    "english",
    "e\x00",
    "zh-Hans",
)


@dataclass(frozen=True)
class AnalyzeInput:
    """One call of ``analyze``: text or a document, and the options."""

    text: str
    as_document: bool
    doc_id: str
    metadata: tuple[tuple[str, str], ...]
    title: str | None
    url: str | None
    language: str | None


def _analyze_inputs(text: st.SearchStrategy[str]) -> st.SearchStrategy[AnalyzeInput]:
    meta = st.lists(
        st.tuples(st.sampled_from(("source", "author", "date", "sitename", "x")), small_text()),
        max_size=3,
    ).map(tuple)
    return st.builds(
        AnalyzeInput,
        text,
        st.booleans(),
        st.sampled_from(("article", "a", "stdin")) | small_text(max_size=10),
        meta,
        st.none() | small_text(),
        st.none() | small_text(),
        st.none() | pick(_LANGUAGES),
    )


def _analyze_with(analyzer: Any, value: AnalyzeInput) -> str:
    from spinscope.document import Document

    article: Any = value.text
    if value.as_document:
        article = Document(value.doc_id, value.text, dict(value.metadata))
    try:
        analysis = analyzer.analyze(
            article, title=value.title, url=value.url, language=value.language
        )
    except SpinscopeError as err:
        return refused(err)
    check_analysis(analysis, value.text)
    if value.title:
        assert analysis.title == value.title, (analysis.title, value.title)
    return "result"


def check_analyze(value: AnalyzeInput) -> str:
    return _analyze_with(baseline(), value)


def check_analyze_model(value: AnalyzeInput) -> str:
    return _analyze_with(default_model(), value)


# --------------------------------------------------------------------------------- API path


#: Started clients, for :func:`close`.
_open: list[Any] = []


def close() -> None:
    """Stop the API app if one was started (before the interpreter shuts its thread pools)."""
    while _open:
        _open.pop().__exit__(None, None, None)
    api_client.cache_clear()


@functools.cache
def api_client() -> Any:
    """A started TestClient of an app on the baseline, with a database in the scratch folder."""
    from fastapi.testclient import TestClient

    from compare_support import HashingEncoder
    from spinscope.serve import Settings, create_app

    settings = Settings(
        database=f"sqlite:///{_scratch() / 'api.db'}",
        detector="baseline",
        max_chars=50_000,
        max_body_bytes=300_000,
    )
    app = create_app(settings, encoder=HashingEncoder())
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    client.__enter__()
    _open.append(client)
    for _ in range(600):
        if client.get("/readyz").status_code == 200:
            break
        time.sleep(0.05)
    return client


@dataclass(frozen=True)
class ApiInput:
    """One request: method, path, content type, and a body (JSON value, form fields or bytes)."""

    method: str
    path: str
    content_type: str | None
    json_body: Any = None
    raw: bytes | None = None
    form: tuple[tuple[str, str], ...] | None = None
    file: tuple[str, bytes] | None = None
    network: UrlInput | None = None


@functools.cache
def _analyze_bodies() -> st.SearchStrategy[Any]:
    article = article_text(max_repeat=2000)
    fields = {
        "text": st.none() | article | st.integers() | st.lists(small_text(), max_size=2),
        "url": st.none() | _urls() | st.integers(),
        "html": st.none() | html_page() | st.booleans(),
        "title": st.none() | small_text() | st.text(max_size=1200) | st.integers(),
        "threshold": st.none()
        | st.floats()
        | st.sampled_from(("0.5", "x", True, 10**400))
        | st.integers(),
        "language": st.none() | pick(_LANGUAGES) | small_text(),
        "save": st.booleans() | st.sampled_from(("true", "yes", 1, 2, None)),
        "extra": _json_values(),
    }
    optional = {k: v for k, v in fields.items() if k != "text"}
    structured = st.fixed_dictionaries({}, optional=fields) | st.fixed_dictionaries(
        {"text": article}, optional=optional
    )
    options = {
        "title": small_text(),
        "threshold": st.floats(0.0, 1.0),
        "language": pick(_LANGUAGES),
        "save": st.booleans(),
    }
    plausible = weighted(
        (4, st.fixed_dictionaries({"text": article}, optional=options)),
        (1, st.fixed_dictionaries({"url": _urls()}, optional=options)),
        (1, st.fixed_dictionaries({"html": html_page(surrogates=True)}, optional=options)),
    )
    return weighted((5, plausible), (4, structured), (1, _json_values()))


@functools.cache
def _compare_bodies() -> st.SearchStrategy[Any]:
    one = st.fixed_dictionaries(
        {},
        optional={
            "text": article_text(max_repeat=500) | st.integers(),
            "html": html_page(),
            "url": _urls(),
            "title": small_text(),
            "label": small_text(max_size=50),
            "x": st.none(),
        },
    )
    with_text = st.fixed_dictionaries(
        {"text": nasty_text(max_pieces=30, max_repeat=50)}, optional={"label": small_text()}
    )
    articles = st.lists(one | with_text, max_size=5) | st.lists(with_text, min_size=2, max_size=4)
    return st.one_of(
        st.fixed_dictionaries(
            {"articles": articles},
            optional={
                "threshold": st.none() | st.floats() | st.sampled_from((0, 1, "0.5")),
                "language": st.none() | pick(_LANGUAGES),
            },
        ),
        _json_values(),
    )


_JSON_TYPES = ("application/json", "application/json; charset=utf-8", "application/x+json")


@st.composite
def _api_inputs(draw: st.DrawFn) -> ApiInput:
    kind = draw(
        st.sampled_from(
            ("analyze", "analyze", "analyze", "raw", "form", "compare", "list", "get", "delete")
        )
    )
    network = draw(st.none() | _url_inputs())
    if kind == "analyze":
        body = draw(_analyze_bodies())
        ctype = draw(st.sampled_from(_JSON_TYPES))
        return ApiInput("POST", "/v1/analyze", ctype, json_body=body, network=network)
    if kind == "compare":
        return ApiInput(
            "POST", "/v1/compare", "application/json", json_body=draw(_compare_bodies())
        )
    if kind == "raw":
        path = draw(st.sampled_from(("/v1/analyze", "/v1/compare")))
        ctype = draw(
            st.none()
            | st.sampled_from(
                (
                    *_JSON_TYPES,
                    "text/plain",
                    "multipart/form-data",
                    "application/x-www-form-urlencoded",
                )
            )
            | st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)
        )
        raw = draw(nasty_bytes() | pick(_BAD_JSON).map(str.encode))
        return ApiInput("POST", path, ctype, raw=raw)
    if kind == "form":
        names = st.sampled_from(("text", "url", "html", "title", "threshold", "language", "save"))
        form = draw(st.lists(st.tuples(names, small_text(surrogates=False)), max_size=4))
        upload = draw(
            st.none()
            | st.tuples(st.sampled_from(("a.txt", "a.html", "", "x.pdf", "ü.txt")), nasty_bytes())
        )
        return ApiInput(
            "POST",
            "/v1/analyze",
            "multipart/form-data",
            form=tuple(form),
            file=upload,
            network=network,
        )
    if kind == "list":
        params = draw(
            st.dictionaries(
                st.sampled_from(("limit", "offset", "q", "genre", "x")),
                st.one_of(
                    small_text(surrogates=False),
                    st.integers().map(str),
                    st.sampled_from(("%", "_", "\\", "'", '"; DROP TABLE x; --', "10" * 20)),
                ),
                max_size=4,
            )
        )
        return ApiInput("GET", "/v1/analyses", None, json_body=params)
    ident = draw(
        st.sampled_from(("x", "0", "..", "%2e%2e", "a" * 300, "%00", "%F0%9F%98%80"))
        | st.text(
            st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="/?#"),
            min_size=1,
            max_size=20,
        ).filter(lambda ident: ident != ".")  # the client resolves it: GET /v1/analyses/
    )
    method = "GET" if kind == "get" else "DELETE"
    return ApiInput(method, f"/v1/analyses/{ident}", None)


_API_STATUSES = {200, 201, 204, 400, 401, 404, 405, 413, 415, 422}


def _api_send(client: Any, value: ApiInput) -> Any:
    headers = {"content-type": value.content_type} if value.content_type else {}
    if value.method == "GET" and value.path == "/v1/analyses":
        return client.get(value.path, params=value.json_body)
    if value.method in ("GET", "DELETE"):
        return client.request(value.method, value.path)
    if value.form is not None or value.file is not None:
        files = {"file": value.file} if value.file is not None else None
        return client.post(value.path, data=dict(value.form or ()), files=files)
    if value.raw is not None:
        return client.post(value.path, content=value.raw, headers=headers)
    body = json.dumps(value.json_body).encode("utf-8", "surrogatepass")
    return client.post(value.path, content=body, headers=headers)


def check_api(value: ApiInput) -> str:
    client = api_client()
    network = value.network or UrlInput(
        "", Resolver(("93.184.216.34",), False), (RawResponse(b""),), False, 1
    )
    with fake_network(network.resolver, network.responses):
        response = _api_send(client, value)
    status = response.status_code
    assert status in _API_STATUSES, f"HTTP {status}: {response.text[:500]}"
    if status == 204:
        return "result"
    ctype = response.headers.get("content-type", "")
    data = response.json()
    if status >= 400:
        assert ctype.startswith("application/problem+json"), ctype
        assert isinstance(data, dict) and data.get("status") == status, data
        assert isinstance(data.get("detail"), str) and data["detail"].strip(), data
        return "refused"
    if value.path == "/v1/analyze":
        from spinscope.analysis import Analysis

        check_analysis(Analysis.from_dict(data))
    elif value.path == "/v1/compare":
        problems = _schema_errors("comparison", data)
        assert not problems, f"comparison not schema-valid: {problems}"
    elif value.path.startswith("/v1/analyses/") and value.method == "GET":
        assert isinstance(data, dict) and "text" in data, str(data)[:200]
    return "result"


# ============================================================================== the table


def _paths() -> dict[str, FuzzPath]:
    found = [
        FuzzPath("text", _bytes_inputs(), check_text, 1.0, 40, "bytes read as an article"),
        FuzzPath("html", _html_inputs(), check_html, 1.0, 30, "HTML pages, text or file"),
        FuzzPath("url", _url_inputs(), check_url, 1.0, 40, "read_url on a fake network"),
        FuzzPath("batch", _batch_inputs(), check_batch, 1.0, 40, "JSONL/CSV/Parquet/folders"),
        FuzzPath(
            "labels",
            st.one_of(_label_reads(), _label_writes()),
            check_labels,
            1.0,
            60,
            "label/submission file readers and writers",
        ),
        FuzzPath("corpora", _corpus_inputs(), check_corpora, 1.0, 30, "PTC/SemEval/annotations"),
        FuzzPath("reports", _report_inputs(), check_reports, 0.5, 40, "saved JSON read back"),
        FuzzPath(
            "analyze",
            _analyze_inputs(article_text()),
            check_analyze,
            1.0,
            30,
            "Analyzer('baseline').analyze",
        ),
        FuzzPath(
            "analyze_model",
            _analyze_inputs(nasty_text(max_pieces=15, max_repeat=40)),
            check_analyze_model,
            0.1,
            5,
            "the default model on short texts",
        ),
        FuzzPath("api", _api_inputs(), check_api, 1.0, 30, "the REST API's JSON, forms, bodies"),
    ]
    return {p.name: p for p in found}


#: Every input path, by name.
PATHS: Mapping[str, FuzzPath] = _paths()


def failure_summary(err: BaseException) -> str:
    """One line naming an exception (its type, message and where it was raised)."""
    import traceback

    frames = traceback.extract_tb(err.__traceback__)
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    message = str(err).replace("\n", " ")
    return f"{type(err).__name__}: {message[:300]}{where}"
