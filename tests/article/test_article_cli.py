"""``spinscope predict --task st1|st2`` and ``spinscope train-article``, through the CLI."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from article_support import ARTICLES
from typer.testing import CliRunner

from spinscope.cli.app import app
from spinscope.formats import read_st1, read_st2
from spinscope.taxonomy import FRAMES, GENRES

# written for these tests: one short news item per language (no corpus text)
SIX_LANGUAGES = {
    "en": "The city council approved the new budget on Monday, officials said. The mayor said "
    "taxes would not rise next year, according to a statement.",
    "fr": "Le conseil municipal a approuvé lundi le nouveau budget, ont indiqué les autorités. "
    "Le maire a déclaré que les impôts n'augmenteraient pas l'an prochain.",
    "de": "Der Stadtrat hat am Montag den neuen Haushalt beschlossen, teilte die Verwaltung mit. "
    "Der Bürgermeister sagte, die Steuern würden im nächsten Jahr nicht steigen.",
    "it": "Il consiglio comunale ha approvato lunedì il nuovo bilancio, hanno riferito i "
    "funzionari. Il sindaco ha detto che le tasse non aumenteranno il prossimo anno.",
    "pl": "Rada miasta przyjęła w poniedziałek nowy budżet, poinformowali urzędnicy. Burmistrz "
    "powiedział, że podatki nie wzrosną w przyszłym roku.",
    "ru": "Городской совет в понедельник утвердил новый бюджет, сообщили чиновники. Мэр "
    "заявил, что налоги в следующем году не вырастут.",
}


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [str(a) for a in args])


def write_articles(folder: Path) -> dict[str, str]:
    texts = {str(100 + i): text for i, (_, _, text) in enumerate(ARTICLES[:4])}
    folder.mkdir()
    for doc_id, text in texts.items():
        (folder / f"article{doc_id}.txt").write_text(text, encoding="utf-8")
    (folder / "README.md").write_text("not an article", encoding="utf-8")
    return texts


def test_predict_st1_writes_the_official_format(tmp_path) -> None:
    texts = write_articles(tmp_path / "articles")
    out = tmp_path / "st1.txt"
    result = invoke("predict", "--task", "st1", "--articles", tmp_path / "articles", "-o", out)
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[0] for line in lines] == sorted(texts)
    assert all(len(line.split("\t")) == 2 for line in lines)
    genres = read_st1(out)
    assert set(genres.values()) <= set(GENRES)
    assert "wrote 4 st1 rows for 4 articles" in result.stderr
    assert "article models (tfidf" in result.stderr


def test_predict_st1_and_st2_in_every_language(tmp_path) -> None:
    from spinscope.article import ArticleModels

    folder = tmp_path / "articles"
    folder.mkdir()
    ids = {lang: str(200 + i) for i, lang in enumerate(SIX_LANGUAGES)}
    for lang, text in SIX_LANGUAGES.items():
        (folder / f"article{ids[lang]}.txt").write_text(text, encoding="utf-8")
    models = ArticleModels(tagger=None).load()
    for task, read in (("st1", read_st1), ("st2", read_st2)):
        out = tmp_path / f"{task}.txt"
        result = invoke(
            "predict", "--task", task, "--articles", folder, "-o", out, "--detector", "baseline"
        )
        assert result.exit_code == 0, result.output
        rows = read(out)
        assert sorted(rows) == sorted(ids.values())
        # each article is decided with its own language's calibration
        for lang, text in SIX_LANGUAGES.items():
            (pred,) = models.predict([text], languages=[lang])
            expected = (
                pred.genre.label
                if task == "st1"
                else tuple(sorted(pred.selected_frames, key=FRAMES.index))
            )
            assert rows[ids[lang]] == expected, lang


def test_predict_st2_writes_the_official_format(tmp_path) -> None:
    texts = write_articles(tmp_path / "articles")
    out = tmp_path / "st2.txt"
    result = invoke(
        "predict",
        "--task",
        "st2",
        "--articles",
        tmp_path / "articles",
        "-o",
        out,
        "--detector",
        "baseline",
    )
    assert result.exit_code == 0, result.output
    frames = read_st2(out)
    assert list(frames) == sorted(texts)
    for names in frames.values():
        # official frame order, no duplicates
        assert list(names) == sorted(set(names), key=FRAMES.index)
    for line in out.read_text(encoding="utf-8").splitlines():
        assert line.count("\t") == 1


def test_train_article_forwards_its_options(tmp_path, monkeypatch) -> None:
    # the command checks that scikit-learn is installed before it imports the (faked) trainer
    pytest.importorskip("sklearn", reason="the train extra is not installed")
    calls: list[dict[str, object]] = []
    module = types.ModuleType("spinscope.article.train")

    def train_article_command(root, out, **kwargs):  # type: ignore[no-untyped-def]
        calls.append({"root": root, "out": out, **kwargs})

    module.train_article_command = train_article_command  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "spinscope.article.train", module)
    data = tmp_path / "data"
    data.mkdir()
    result = invoke(
        "train-article",
        "--data",
        data,
        "-o",
        tmp_path / "run",
        "--seed",
        "7",
        "--folds",
        "4",
        "--repeats",
        "2",
        "--install",
        "--no-tagger",
    )
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert call["root"] == data.resolve() and call["out"] == tmp_path / "run"
    assert (call["seed"], call["folds"], call["repeats"]) == (7, 4, 2)
    assert call["install"] is True and call["use_tagger"] is False


def test_train_article_without_scikit_learn_says_what_to_install(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("spinscope.cli.app._installed", lambda name: name != "sklearn")
    result = invoke("train-article", "--data", tmp_path)
    assert result.exit_code == 3
    assert "scikit-learn" in result.stderr and "spinscope[train]" in result.stderr
