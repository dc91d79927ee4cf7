"""The CLI on the real corpora: gold scored against itself is perfect, and predictions on the
official templates are accepted by the scorers. Skipped where there is no data root."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spinscope.corpora.datapath import find_data_root

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def root() -> Path:
    found = find_data_root()
    if found is None:
        pytest.skip("no corpus data root: set SPINSCOPE_DATA or put the data in ../shared/data")
    return found


def _labels(root: Path, task: str) -> Path:
    paths = {
        "si": root / "ptc" / "dev-task-si.labels",
        "flc": root / "ptc" / "dev-task-flc-tc.labels",
        "tc": root / "ptc" / "dev-task-flc-tc.labels",
        "st1": root / "semeval2023" / "en" / "train-labels-subtask-1.txt",
        "st2": root / "semeval2023" / "en" / "train-labels-subtask-2.txt",
        "st3": root / "semeval2023" / "en" / "train-labels-subtask-3.txt",
    }
    path = paths[task]
    if not path.is_file():
        pytest.skip(f"{path} is not in the data root")
    return path


@pytest.mark.parametrize("task", ["si", "flc", "tc", "st1", "st2", "st3"])
def test_gold_against_itself_is_perfect(invoke, root, task):
    gold = _labels(root, task)
    result = invoke(f"evaluate --json --task {task} --gold", gold, "--pred", gold)
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    for key in ("precision", "recall", "f1"):
        assert scores[key] == pytest.approx(1.0), key
    if task in ("st2", "st3"):
        assert scores["micro_f1"] == pytest.approx(1.0)
        assert scores["macro_f1"] == pytest.approx(1.0)
    if task == "st1":
        assert scores["macro_f1"] == pytest.approx(1.0)


@pytest.mark.slow
def test_tc_prediction_on_the_ptc_dev_template(invoke, root, tmp_path):
    gold = _labels(root, "tc")
    out = tmp_path / "tc.txt"
    articles = root / "ptc" / "dev-articles"
    result = invoke(
        "predict --task tc --taxonomy semeval2020 --detector baseline --articles",
        articles,
        "--template",
        gold,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(
        gold.read_text(encoding="utf-8").splitlines()
    )
    result = invoke("evaluate --json --task tc --gold", gold, "--pred", out)
    assert result.exit_code == 0, result.output
    assert 0.0 < json.loads(result.stdout)["f1"] < 1.0


@pytest.mark.slow
def test_st3_prediction_on_the_english_template(invoke, root, tmp_path):
    gold = _labels(root, "st3")
    english = root / "semeval2023" / "en"
    articles, template = english / "train-articles-subtask-3", english / "train-labels-subtask-3"
    out = tmp_path / "st3.txt"
    result = invoke(
        "predict --task st3 --detector baseline --articles",
        articles,
        "--template",
        template,
        "-o",
        out,
    )
    assert result.exit_code == 0, result.output
    result = invoke("evaluate --json --task st3 --gold", gold, "--pred", out)
    assert result.exit_code == 0, result.output
    assert 0.0 < json.loads(result.stdout)["micro_f1"] < 1.0
