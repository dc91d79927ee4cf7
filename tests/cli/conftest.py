"""Articles and label files written for the CLI tests (never corpus text)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from spinscope.cli.app import app

# Article "7" has a rhetorical question, scare quotes and a repeated slogan; "8" has a BOM and
# a CRLF line; "9" is plain reporting.
ARTICLES = {
    "7": (
        "Mayor Unveils Plan\n"
        "\n"
        'The mayor called the protesters "thugs" and a total disgrace to the city.\n'
        "Who really believes this plan will work?\n"
        "Build the wall now! Build the wall now!\n"
    ),
    "8": "\ufeffA calm title\r\n\nThe budget passed after a long debate.\n",
    "9": "The library opens at nine on weekdays.\n",
}


def write(path: Path, text: str) -> Path:
    """Write ``text`` byte-exactly (no newline translation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


@pytest.fixture
def texts() -> dict[str, str]:
    """Article id -> text of the articles in :func:`articles`."""
    return dict(ARTICLES)


@pytest.fixture
def write_file() -> Callable[[Path, str], Path]:
    """:func:`write`, for tests that build their own files."""
    return write


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """A folder of article<ID>.txt files, plus a file predict must ignore."""
    folder = tmp_path / "articles"
    for doc_id, text in ARTICLES.items():
        write(folder / f"article{doc_id}.txt", text)
    write(folder / "notes.md", "not an article\n")
    return folder


@pytest.fixture
def st3_template(tmp_path: Path) -> Path:
    """A subtask-3 template for articles 7 and 8 (line text verbatim, CR kept)."""
    rows = []
    for doc_id in ("7", "8"):
        for number, line in enumerate(ARTICLES[doc_id].split("\n"), start=1):
            if line.strip():
                rows.append(f"{doc_id}\t{number}\t{line}\n")
    return write(tmp_path / "st3.template", "".join(rows))


@pytest.fixture
def invoke() -> Callable[..., Result]:
    """Run the Typer app in-process; stdout and stderr are kept apart.

    String arguments are split on whitespace (``"predict --task si"``); paths are passed whole.
    """
    runner = CliRunner()

    def run(*args: str | Path) -> Result:
        argv = [part for a in args for part in (a.split() if isinstance(a, str) else [str(a)])]
        return runner.invoke(app, argv)

    return run
