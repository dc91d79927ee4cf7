"""``spinscope evaluate`` on hand-made gold and prediction files with hand-computed scores."""

from __future__ import annotations

import json

import pytest

# task -> (gold file, prediction file, expected figures)
CASES = {
    # article 1: pred [5, 15) half-overlaps gold [0, 10): C = 5/10 both ways. Article 2's gold
    # span is missed. P = 0.5/1, R = (0.5 + 0)/2, F1 = 2 * 0.5 * 0.25 / 0.75.
    "si": (
        "1\t0\t10\n2\t0\t4\n",
        "1\t5\t15\n",
        {"precision": 0.5, "recall": 0.25, "f1": 1 / 3, "n_pred": 1, "n_gold": 2},
    ),
    # the Loaded_Language span matches exactly, the second span has the wrong technique
    "flc": (
        "1\tLoaded_Language\t0\t10\n1\tDoubt\t20\t30\n",
        "1\tLoaded_Language\t0\t10\n1\tName_Calling-Labeling\t20\t30\n",
        {"precision": 0.5, "recall": 0.5, "f1": 0.5, "f1/Loaded_Language": 1.0, "f1/Doubt": 0.0},
    ),
    # two of three gold labels right (the 2020 class names hold commas)
    "tc": (
        "1\tLoaded_Language\t0\t10\n1\tDoubt\t20\t30\n2\tBandwagon,Reductio_ad_hitlerum\t5\t9\n",
        "1\tLoaded_Language\t0\t10\n1\tDoubt\t20\t30\n2\tSlogans\t5\t9\n",
        {"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3},
    ),
    # opinion F1 = 2*2/(2+3) = 0.8, reporting 0, satire 1: macro 0.6. Macro precision
    # (2/3 + 0 + 1)/3, macro recall (1 + 0 + 1)/3, accuracy 3/4.
    "st1": (
        "a\topinion\nb\treporting\nc\tsatire\nd\topinion\n",
        "a\topinion\nb\topinion\nc\tsatire\nd\topinion\n",
        {
            "macro_f1": 0.6,
            "f1": 0.6,
            "precision": 5 / 9,
            "recall": 2 / 3,
            "accuracy": 0.75,
        },
    ),
    # tp 2, fp 1, fn 1: micro 2/3. Macro over 14 frames: Morality 0, the 13 others 1.
    "st2": (
        "a\tEconomic,Morality\nb\tPolitical\n",
        "a\tEconomic\nb\tPolitical,Morality\n",
        {"micro_f1": 2 / 3, "macro_f1": 13 / 14, "precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3},
    ),
    # paragraph a/2 is missing from the predictions: an empty prediction. tp 1, fp 1, fn 0;
    # macro over 23 techniques: Loaded_Language 0, the 22 others 1.
    "st3": (
        "a\t1\tDoubt\na\t2\t\n",
        "a\t1\tDoubt,Loaded_Language\n",
        {"micro_f1": 2 / 3, "macro_f1": 22 / 23, "precision": 0.5, "recall": 1.0, "f1": 2 / 3},
    ),
}


@pytest.fixture
def files(tmp_path, write_file):
    def make(task):
        gold, pred, _ = CASES[task]
        return (
            write_file(tmp_path / "gold" / f"{task}.labels", gold),
            write_file(tmp_path / "pred" / f"{task}.txt", pred),
        )

    return make


@pytest.mark.parametrize("task", list(CASES))
def test_json_scores_match_hand_computed(invoke, files, task):
    gold, pred = files(task)
    result = invoke(f"evaluate --json --task {task} --gold", gold, "--pred", pred)
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    for key in ("precision", "recall", "f1"):
        assert key in scores
    for key, value in CASES[task][2].items():
        assert scores[key] == pytest.approx(value), key
    if task in ("st2", "st3"):
        assert {"micro_f1", "macro_f1"} <= scores.keys()


@pytest.mark.parametrize("task", list(CASES))
def test_gold_against_itself_is_perfect(invoke, files, task):
    gold, _ = files(task)
    result = invoke(f"evaluate --json --task {task} --gold", gold, "--pred", gold)
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    assert scores["f1"] == pytest.approx(1.0)
    assert scores["precision"] == pytest.approx(1.0)
    assert scores["recall"] == pytest.approx(1.0)


def test_folders_are_read_whole(invoke, tmp_path, write_file):
    write_file(tmp_path / "gold" / "article1.labels", "1\t0\t10\n")
    write_file(tmp_path / "gold" / "article2.labels", "2\t0\t4\n")
    write_file(tmp_path / "gold" / "article2.template", "ignored\n")
    pred = write_file(tmp_path / "pred.txt", "1\t0\t10\n2\t0\t4\n")
    result = invoke("evaluate --json --task si --gold", tmp_path / "gold", "--pred", pred)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["f1"] == 1.0


def test_table_shows_headline_and_per_technique_rows(invoke, files):
    gold, pred = files("flc")
    result = invoke("evaluate --task flc --gold", gold, "--pred", pred)
    assert result.exit_code == 0, result.output
    assert "f1 (primary)" in result.stdout
    assert "0.5000" in result.stdout
    for technique in ("Loaded_Language", "Doubt", "Name_Calling-Labeling"):
        assert technique in result.stdout


def test_malformed_line_names_file_and_line(invoke, tmp_path, write_file):
    gold = write_file(tmp_path / "gold.labels", "1\t0\t10\n1\tabc\t12\n")
    result = invoke("evaluate --task si --gold", gold, "--pred", gold)
    assert result.exit_code == 2
    assert result.stderr.startswith("error:")
    assert f"{gold}:2:" in result.stderr
    assert "Traceback" not in result.output


def test_unknown_technique_lists_the_valid_ones(invoke, tmp_path, write_file):
    gold = write_file(tmp_path / "gold.labels", "1\tLoaded_Language\t0\t10\n")
    pred = write_file(tmp_path / "pred.txt", "1\tSpin_Doctoring\t0\t10\n")
    result = invoke("evaluate --task flc --gold", gold, "--pred", pred)
    assert result.exit_code == 2
    assert "Spin_Doctoring" in result.stderr
    assert "valid names are" in result.stderr and "Loaded_Language" in result.stderr
    assert f"{pred}:1" in result.stderr


def test_missing_gold_path_exits_2_naming_it(invoke, tmp_path, write_file):
    pred = write_file(tmp_path / "pred.txt", "1\t0\t10\n")
    missing = tmp_path / "nowhere" / "gold.labels"
    result = invoke("evaluate --task si --gold", missing, "--pred", pred)
    assert result.exit_code == 2
    assert str(missing) in result.stderr


def test_tc_prediction_for_a_span_gold_lacks(invoke, tmp_path, write_file):
    gold = write_file(tmp_path / "gold.labels", "1\tDoubt\t0\t10\n")
    pred = write_file(tmp_path / "pred.txt", "1\tDoubt\t0\t10\n1\tDoubt\t3\t4\n")
    result = invoke("evaluate --task tc --gold", gold, "--pred", pred)
    assert result.exit_code == 2
    assert "not a gold span" in result.stderr


def test_predict_then_evaluate_round_trip(invoke, articles, tmp_path):
    out = tmp_path / "flc.txt"
    result = invoke("predict --task flc --detector baseline --articles", articles, "-o", out)
    assert result.exit_code == 0, result.output
    result = invoke("evaluate --json --task flc --gold", out, "--pred", out)
    assert json.loads(result.stdout)["f1"] == 1.0
