from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.errors import InputError
from spinscope.ingest import read_bytes_source, read_file
from spinscope.ingest.html import declared_charset, extract_html, looks_like_html

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="{charset}">
<title>Harbour Council Approves Bridge Plan | Velmora Courier</title>
<meta name="author" content="Ada Lindqvist">
<meta property="article:published_time" content="2024-03-04">
<meta property="og:site_name" content="Velmora Courier">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Harbour Council Approves Bridge Plan</h1>
<p>The harbour council of Velmora approved the new bridge plan on Monday after a shameful
campaign by its opponents, whom the mayor's allies call traitors to the town.</p>
<p>“This is a disgraceful attack on our town by corrupt outsiders,” said Mayor Ilse
Vandermeer, who has led the café owners' association for a decade.</p>
<p>Protesters gathered outside the hall. Local radio praised the “peaceful” crowd, but the
council called the gathering outrageous and promised a second vote in the spring.</p>
</article>
<footer>Copyright Velmora Courier. All rights reserved. Subscribe to our newsletter.</footer>
</body></html>
"""


def test_extracts_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE.format(charset="utf-8"), encoding="utf-8")
    doc = read_file(path)
    assert "approved the new bridge plan" in doc.text
    assert "“peaceful” crowd" in doc.text
    assert "café owners" in doc.text
    assert "Subscribe" not in doc.text and "Sport" not in doc.text
    assert doc.metadata["format"] == "html"
    assert doc.metadata["source"] == str(path)
    assert "Harbour Council Approves Bridge Plan" in doc.metadata["title"]
    assert doc.metadata["author"] == "Ada Lindqvist"
    assert doc.metadata["date"] == "2024-03-04"
    assert doc.id == "page"


def test_declared_charset_is_used(tmp_path: Path) -> None:
    path = tmp_path / "latin.htm"
    path.write_bytes(
        PAGE.format(charset="iso-8859-1").replace("“", '"').replace("”", '"').encode("latin-1")
    )
    assert declared_charset(path.read_bytes()) == "iso-8859-1"
    assert "café owners" in read_file(path).text


def test_html_sniffed_without_suffix(tmp_path: Path) -> None:
    path = tmp_path / "download"
    path.write_text(PAGE.format(charset="utf-8"), encoding="utf-8")
    assert read_file(path).metadata["format"] == "html"
    doc = read_bytes_source(PAGE.format(charset="utf-8").encode(), name="<stdin>")
    assert doc.metadata["format"] == "html"


def test_looks_like_html() -> None:
    assert looks_like_html("<!doctype html><html>")
    assert looks_like_html("  <!-- saved page -->\n<html lang='en'>")
    assert not looks_like_html("The mayor wrote <b>bold</b> letters.")


def test_page_without_article_text() -> None:
    with pytest.raises(InputError, match="no article text"):
        extract_html(
            "<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>",
            name="empty.html",
        )


def test_spans_index_the_extracted_text(baseline_analyzer, tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE.format(charset="utf-8"), encoding="utf-8")
    analysis = baseline_analyzer.analyze(read_file(path))
    assert analysis.spans
    for span in analysis.spans:
        assert analysis.text[span.start : span.end] == span.text
    assert analysis.title is not None and "Harbour Council" in analysis.title
    assert analysis.metadata["author"] == "Ada Lindqvist"
