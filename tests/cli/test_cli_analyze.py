"""``spinscope analyze`` and ``spinscope techniques``, on articles written for the tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest

from language_support import NO_LETTERS_TEXT, OTHER_TEXTS, SUPPORTED_TEXTS
from site_support import PHOTO, article_page, serve_site
from spinscope.render.json import schema

ARTICLE = (
    "Harbour Council Approves Bridge Plan\n"
    "\n"
    "The harbour council of Velmora approved the new bridge plan on Monday after a shameful "
    "campaign by its opponents, whom the mayor's allies call traitors to the town.\n"
    "“This is a disgraceful attack on our town by corrupt outsiders,” said Mayor Ilse "
    "Vandermeer.\n"
    "Local radio praised the “peaceful” crowd, but the council called the gathering "
    "outrageous. The bridge plan will cost the town twelve million.\n"
)
OTHER = (
    "Library Hours Extended\n\nThe town library will open at nine on weekdays from March, the "
    "council said, after a survey of two thousand readers asked for longer hours. The change "
    "costs little and was approved without debate by the whole council on Tuesday.\n"
)


@pytest.fixture
def article(tmp_path: Path, write_file) -> Path:  # type: ignore[no-untyped-def]
    return write_file(tmp_path / "harbour.txt", ARTICLE)


def analyze(invoke, *args):  # type: ignore[no-untyped-def]
    return invoke("analyze", "--detector", "baseline", *args)


def test_terminal_report_is_plain_when_piped(invoke, article: Path) -> None:
    result = analyze(invoke, article)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "spinscope report · Harbour Council Approves Bridge Plan" in out
    assert "[traitors]" in out and "\x1b[" not in out
    assert "Inside quotations" in out and "said by: Mayor Ilse Vandermeer" in out
    assert "Scare quotes (1)" in out
    assert "Summary" in out and "Ask yourself:" in out


def test_default_detector_is_the_shipped_hybrid(invoke, article: Path) -> None:
    result = invoke("analyze", article, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["detector"]["name"] == "hybrid"
    assert "note:" not in result.stderr


def test_json(invoke, article: Path) -> None:
    result = analyze(invoke, article, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, schema(), cls=jsonschema.Draft202012Validator)
    assert data["metadata"]["source"] == str(article)
    assert data["detector"]["name"] == "baseline"


def test_threshold(invoke, article: Path) -> None:
    low = json.loads(analyze(invoke, article, "-f", "json").stdout)
    high = json.loads(analyze(invoke, article, "-f", "json", "--threshold", "0.35").stdout)
    assert high["detector"]["threshold"] == 0.35
    assert all(s["score"] >= 0.35 for s in high["spans"])
    assert len(high["spans"]) < len(low["spans"])
    assert analyze(invoke, article, "--threshold", "1.5").exit_code == 2


def test_jsonl_for_several_inputs(invoke, article: Path, tmp_path: Path, write_file) -> None:
    other = write_file(tmp_path / "library.txt", OTHER)
    result = analyze(invoke, article, other, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == ["harbour", "library"]


def test_one_failure_does_not_stop_the_others(invoke, article: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    result = analyze(invoke, missing, article, "-f", "jsonl")
    assert result.exit_code == 2
    assert str(missing) in result.stderr and "does not exist" in result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["harbour"]


@pytest.mark.parametrize("source", ["ftp://example.org/news.txt", "file:///etc/hostname"])
def test_unsupported_url_schemes_are_refused_by_name(invoke, source: str) -> None:
    result = analyze(invoke, source)
    assert result.exit_code == 2
    scheme = source.split(":", 1)[0]
    assert f"cannot fetch {scheme}://" in result.stderr and source in result.stderr
    assert "Traceback" not in result.output


def test_a_refused_address_names_the_cli_option(invoke) -> None:
    result = analyze(invoke, "http://127.0.0.1:9/article.html")
    assert result.exit_code == 2
    assert "--allow-private" in result.stderr and "allow_private=" not in result.stderr


def test_nonexistent_path(invoke, tmp_path: Path) -> None:
    result = analyze(invoke, tmp_path / "nope.txt")
    assert result.exit_code == 2
    assert "nope.txt" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("content", "word"), [(b"", "empty"), (b" \n\t \n", "whitespace")])
def test_empty_input(invoke, tmp_path: Path, content: bytes, word: str) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(content)
    result = analyze(invoke, path)
    assert result.exit_code == 2
    assert word in result.stderr and "blank.txt" in result.stderr


def test_binary_input(invoke, tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 4)
    result = analyze(invoke, path)
    assert result.exit_code == 2
    assert "photo.jpg" in result.stderr and "binary" in result.stderr


def test_undecodable_input_names_encodings(invoke, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr("spinscope.ingest.text._detect", lambda data: None)
    path = tmp_path / "old.txt"
    path.write_bytes(b"caf\xe9 \x81\x8d r\xe9sum\xe9")
    result = analyze(invoke, path)
    assert result.exit_code == 2
    assert "old.txt" in result.stderr and "utf-8" in result.stderr


def test_no_input(invoke) -> None:
    result = invoke("analyze")
    assert result.exit_code == 2
    assert "at least one article" in result.stderr


def test_stdin(invoke) -> None:
    from typer.testing import CliRunner

    from spinscope.cli.app import app

    result = CliRunner().invoke(
        app, ["analyze", "--detector", "baseline", "-f", "json", "-"], input=ARTICLE.encode()
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["id"] == "stdin" and data["metadata"]["source"] == "<stdin>"
    assert data["text"] == ARTICLE


def test_html_file_input(invoke, tmp_path: Path, write_file) -> None:
    page = write_file(
        tmp_path / "story.html",
        "<html><head><title>Harbour Council Approves Bridge Plan</title>"
        "<meta name='author' content='Ada Lindqvist'></head><body><article>"
        + "".join(f"<p>{line}</p>" for line in ARTICLE.splitlines()[2:])
        + "</article></body></html>",
    )
    data = json.loads(analyze(invoke, page, "-f", "json").stdout)
    assert data["metadata"]["format"] == "html"
    assert data["metadata"]["author"] == "Ada Lindqvist"
    assert "traitors" in data["text"]


def test_html_output_file(invoke, article: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = analyze(invoke, article, "--format", "html", "-o", out)
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<mark " in page
    assert f"wrote {out}" in result.stderr


def test_html_for_several_inputs_needs_a_folder(
    invoke, article: Path, tmp_path: Path, write_file
) -> None:
    other = write_file(tmp_path / "library.txt", OTHER)
    assert analyze(invoke, article, other, "-f", "html").exit_code == 2
    folder = tmp_path / "pages"
    result = analyze(invoke, article, other, "-f", "html", "-o", folder)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["harbour.html", "library.html"]


def test_markdown_to_file(invoke, article: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    assert analyze(invoke, article, "-f", "markdown", "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("## spinscope report: Harbour Council")


def test_long_article(invoke, tmp_path: Path, write_file) -> None:
    path = write_file(tmp_path / "long.txt", ARTICLE * (200_000 // len(ARTICLE) + 1))
    result = analyze(invoke, path, "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["text"]) >= 200_000


# ------------------------------------------------------------------------------------ URLs


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve_site({"/story": article_page(ARTICLE), "/photo": PHOTO}) as url:
        yield url


def test_url_with_allow_private(invoke, server: str) -> None:
    result = analyze(invoke, f"{server}/story", "--allow-private", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["url"] == f"{server}/story"
    assert "traitors" in data["text"]


def test_url_errors_are_one_line(invoke, server: str) -> None:
    result = analyze(
        invoke,
        f"{server}/story",
        f"{server}/missing",
        f"{server}/photo",
        "--allow-private",
        "-f",
        "jsonl",
    )
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert "HTTP 404" in errors[0] and "image/png" in errors[1]
    assert len(result.stdout.splitlines()) == 1


def test_private_url_refused_by_default(invoke, server: str) -> None:
    result = analyze(invoke, f"{server}/story")
    assert result.exit_code == 2
    assert "refusing" in result.stderr and "--allow-private" in result.stderr


# ------------------------------------------------------------------------------ techniques


def test_techniques(invoke) -> None:
    result = invoke("techniques")
    assert result.exit_code == 0
    assert "Loaded language" in result.stdout and "Appeal to time" in result.stdout
    assert result.stdout.count("Ask yourself:") == 25  # 23 techniques and 2 signals
    assert "Scare quotes" in result.stdout


def test_techniques_json(invoke) -> None:
    data = json.loads(invoke("techniques", "--json").stdout)
    assert len(data["techniques"]) == 23 and len(data["categories"]) == 6
    assert {s["technique"] for s in data["signals"]} == {"scare_quotes", "quoted_speech"}


def test_help_lists_the_new_commands(invoke) -> None:
    out = invoke("--help").stdout
    assert "analyze" in out and "techniques" in out


SUPPORTED_LIST = "en (English), fr (French), de (German), it (Italian), pl (Polish), ru (Russian)"


@pytest.mark.parametrize("code", ["xx", "french", "123"])
def test_unknown_language_exits_2_listing_the_supported_codes(invoke, article, code) -> None:
    result = analyze(invoke, article, "--language", code)
    assert result.exit_code == 2
    assert f"unknown language {code!r}" in result.stderr
    assert SUPPORTED_LIST in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_language_override_is_honoured(invoke, article) -> None:
    result = analyze(invoke, article, "-f", "json", "--language", "fr")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["language"]["code"] == "fr" and data["language"]["source"] == "given"
    assert not {w["code"] for w in data["warnings"]} & {"unsupported_language", "mixed_language"}


def test_detected_language_and_unsupported_warning(invoke, tmp_path, write_file) -> None:
    french = write_file(tmp_path / "fr.txt", SUPPORTED_TEXTS["fr"])
    spanish = write_file(tmp_path / "es.txt", OTHER_TEXTS["es"])
    result = analyze(invoke, french, spanish, "-f", "jsonl")
    assert result.exit_code == 0, result.output
    fr, es = (json.loads(line) for line in result.stdout.splitlines())
    assert fr["language"]["code"] == "fr" and es["language"]["code"] == "es"
    assert "unsupported_language" not in {w["code"] for w in fr["warnings"]}
    assert "unsupported_language" in {w["code"] for w in es["warnings"]}
    # a known code spinscope is not trained on is accepted, with the warning
    given = analyze(invoke, french, "-f", "json", "--language", "ES")
    assert given.exit_code == 0, given.output
    assert json.loads(given.stdout)["language"]["code"] == "es"


def test_no_letters_is_analysed_with_a_warning(invoke, tmp_path, write_file) -> None:
    path = write_file(tmp_path / "numbers.txt", NO_LETTERS_TEXT)
    result = analyze(invoke, path)
    assert result.exit_code == 0, result.output
    assert "language: unknown" in result.stdout and "no letters" in result.stdout
