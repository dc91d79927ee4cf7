"""``spinscope predict``: what it writes, and what it says when the input is wrong."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from language_support import OTHER_TEXTS
from spinscope.formats import read_flc, read_si, read_st3
from spinscope.taxonomy import TECHNIQUES, TECHNIQUES_2020


def _lines(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def test_si_writes_id_start_end_inside_each_article(texts, invoke, articles, tmp_path):
    out = tmp_path / "si.txt"
    result = invoke("predict --task si --detector baseline --articles", articles, "-o", out)
    assert result.exit_code == 0, result.output
    assert all(len(fields) == 3 for fields in _lines(out))
    rows = read_si(out)
    assert rows, "the baseline marks something in article 7"
    for doc_id, start, end in rows:
        assert 0 <= start < end <= len(texts[doc_id])
    # overlapping spans are merged: SI rows of one article never overlap
    spans = sorted((s, e) for d, s, e in rows if d == "7")
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert f"to {out}" in result.stderr and "detector: baseline" in result.stderr


def test_flc_writes_2023_techniques_and_finds_the_question(texts, invoke, articles, tmp_path):
    out = tmp_path / "flc.txt"
    result = invoke("predict --task flc --detector baseline --articles", articles, "-o", out)
    assert result.exit_code == 0, result.output
    assert all(len(fields) == 4 for fields in _lines(out))
    rows = read_flc(out, taxonomy="semeval2023")
    assert {tech for _, tech, _, _ in rows} <= set(TECHNIQUES)
    text = texts["7"]
    question = text.index("Who really")
    assert any(d == "7" and tech == "Doubt" and s <= question < e for d, tech, s, e in rows), rows


def test_flc_semeval2020_writes_ptc_classes(invoke, articles, tmp_path):
    out = tmp_path / "flc2020.txt"
    result = invoke(
        "predict --task flc --detector baseline --taxonomy semeval2020 --articles",
        articles,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    rows = read_flc(out, taxonomy="semeval2020")
    assert rows and {tech for _, tech, _, _ in rows} <= set(TECHNIQUES_2020)


def test_threshold_filters_baseline_spans(invoke, articles, tmp_path):
    out = tmp_path / "none.txt"
    result = invoke(
        "predict --task flc --detector baseline --threshold 0.99 --articles", articles, "-o", out
    )
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == ""


def test_st3_one_row_per_template_line_in_order(invoke, articles, st3_template, tmp_path):
    out = tmp_path / "st3.txt"
    result = invoke(
        "predict --task st3 --detector baseline --articles",
        articles,
        "--template",
        st3_template,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    template = [line.split("\t")[:2] for line in st3_template.read_text().splitlines()]
    assert [fields[:2] for fields in _lines(out)] == template
    rows = {(d, p): techs for d, p, techs in read_st3(out, taxonomy="semeval2023")}
    assert "Doubt" in rows[("7", 4)]  # the rhetorical question's line
    assert rows[("8", 3)] == ()  # plain reporting


def test_tc_labels_every_template_line_with_distinct_techniques(
    write_file, texts, invoke, articles, tmp_path
):
    text = texts["7"]
    thugs = text.index('"thugs"')
    wall = text.rindex("Build the wall now")
    template = write_file(
        tmp_path / "tc.template",
        f"7\t?\t{wall}\t{wall + 18}\n"
        f"7\t?\t{thugs}\t{thugs + 7}\n"
        f"7\t?\t{wall}\t{wall + 18}\n"
        f"9\t?\t4\t11\n",
    )
    out = tmp_path / "tc.txt"
    result = invoke(
        "predict --task tc --detector baseline --articles",
        articles,
        "--template",
        template,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    rows = read_flc(out, taxonomy="semeval2023")
    wall_span, thugs_span = ("7", wall, wall + 18), ("7", thugs, thugs + 7)
    expected = [wall_span, thugs_span, wall_span, ("9", 4, 11)]
    assert [(d, s, e) for d, _, s, e in rows] == expected
    assert rows[0][1] == "Repetition"  # the slogan's second occurrence
    assert rows[0][1] != rows[2][1], "a repeated span gets distinct techniques"
    assert "2 articles" in result.stderr


@pytest.mark.parametrize("task", ["st1", "st2"])
def test_genre_and_framing_with_a_template_exit_2(invoke, articles, tmp_path, task):
    template = tmp_path / "t.txt"
    template.write_text("1\t1\tx\n", encoding="utf-8")
    result = invoke(
        f"predict --task {task} --articles", articles, "--template", template, "-o", tmp_path / "x"
    )
    assert result.exit_code == 2
    assert "error:" in result.stderr and "takes no template" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "x").exists()


def test_missing_articles_folder_exits_2_naming_it(invoke, tmp_path):
    missing = tmp_path / "no-such-folder"
    result = invoke("predict --task si --detector baseline --articles", missing, "-o", tmp_path)
    assert result.exit_code == 2
    assert result.stderr.startswith("error:")
    assert str(missing) in result.stderr
    assert "Traceback" not in result.output


def test_folder_without_articles(write_file, invoke, tmp_path):
    write_file(tmp_path / "a" / "story.txt", "text\n")
    result = invoke("predict --task si --articles", tmp_path / "a", "-o", tmp_path / "x")
    assert result.exit_code == 2
    assert "article<ID>.txt" in result.stderr


def test_tc_needs_a_template(invoke, articles, tmp_path):
    result = invoke("predict --task tc --detector baseline --articles", articles, "-o", tmp_path)
    assert result.exit_code == 2
    assert "--template" in result.stderr


def test_template_naming_a_missing_article(write_file, invoke, articles, tmp_path):
    template = write_file(tmp_path / "t.template", "404\t1\tGone\n")
    result = invoke(
        "predict --task st3 --detector baseline --articles",
        articles,
        "--template",
        template,
        "-o",
        tmp_path / "x",
    )
    assert result.exit_code == 2
    assert "404" in result.stderr


def test_missing_template_file(invoke, articles, tmp_path):
    template = tmp_path / "nope.template"
    result = invoke(
        "predict --task st3 --detector baseline --articles",
        articles,
        "--template",
        template,
        "-o",
        tmp_path / "x",
    )
    assert result.exit_code == 2
    assert str(template) in result.stderr


def test_unknown_task_is_a_usage_error(invoke, articles, tmp_path):
    result = invoke("predict --task xx --articles", articles, "-o", tmp_path / "x")
    assert result.exit_code == 2


def test_default_detector_falls_back_to_baseline_with_a_note(
    invoke, articles, tmp_path, monkeypatch
):
    monkeypatch.setattr("spinscope.tagger.model.default_model_dir", lambda: tmp_path / "nomodel")
    out = tmp_path / "flc.txt"
    result = invoke("predict --task flc --articles", articles, "-o", out)
    assert result.exit_code == 0, result.output
    assert "note:" in result.stderr and "baseline" in result.stderr
    assert out.exists()


def test_explicit_tagger_without_model_fails(invoke, articles, tmp_path, monkeypatch):
    monkeypatch.setattr("spinscope.tagger.model.default_model_dir", lambda: tmp_path / "nomodel")
    result = invoke("predict --task flc --detector tagger --articles", articles, "-o", tmp_path)
    assert result.exit_code == 3
    assert "error:" in result.stderr and "model.onnx" in result.stderr


def test_unknown_language_exits_2_with_the_supported_codes(invoke, articles, tmp_path):
    out = tmp_path / "si.txt"
    result = invoke(
        "predict --task si --detector baseline --language xx --articles", articles, "-o", out
    )
    assert result.exit_code == 2
    assert "unknown language 'xx'" in result.stderr and "ru (Russian)" in result.stderr
    assert not out.exists()


def test_articles_in_other_languages_get_a_note(invoke, articles, tmp_path, write_file):
    write_file(articles / "article20.txt", OTHER_TEXTS["uk"])
    out = tmp_path / "si.txt"
    result = invoke("predict --task si --detector baseline --articles", articles, "-o", out)
    assert result.exit_code == 0, result.output
    assert "note: 1 of 4 articles" in result.stderr and "article20 (Ukrainian)" in result.stderr
    # --language sets every article's language: no detection, no note for a supported one
    given = invoke(
        "predict --task si --detector baseline --language ru --articles", articles, "-o", out
    )
    assert given.exit_code == 0, given.output
    assert "note:" not in given.stderr
    spanish = invoke(
        "predict --task si --detector baseline --language es --articles", articles, "-o", out
    )
    assert "given as Spanish (es)" in spanish.stderr
