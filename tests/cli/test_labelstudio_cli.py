"""``spinscope export --format label-studio`` and ``spinscope import label-studio``."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from spinscope.integrations.label_studio import label_config

ARTICLE = (
    "Mayor Unveils Plan\n"
    "\n"
    'The mayor called the protesters "thugs" and a total disgrace to the city 😡.\n'
    "Who really believes this plan will work? Build the wall now! Build the wall now!\n"
)


def as_export(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Label Studio's JSON export once each prediction was accepted as the annotation."""
    out = []
    for n, task in enumerate(copy.deepcopy(tasks), start=1):
        result = [{**r, "origin": "prediction"} for r in task["predictions"][0]["result"]]
        out.append(
            {
                "id": n,
                "data": task["data"],
                "annotations": [
                    {"id": 10 + n, "completed_by": 1, "result": result, "was_cancelled": False,
                     "ground_truth": False, "created_at": "2025-03-01T10:00:00.000000Z",
                     "updated_at": "2025-03-01T10:00:00.000000Z", "lead_time": 3.2, "task": n,
                     "project": 1, "parent_prediction": 20 + n}
                ],
                "predictions": [20 + n],
                "meta": {},
                "inner_id": n,
                "total_annotations": 1,
                "cancelled_annotations": 0,
                "project": 1,
            }
        )  # fmt: skip
    return out


@pytest.fixture
def folder(tmp_path: Path, write_file) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "articles"
    write_file(folder / "mayor.txt", ARTICLE)
    write_file(folder / "quiet.txt", "The library opens at nine on weekdays, the council said.\n")
    write_file(folder / "notes.md", "not an article\n")
    return folder


def export(invoke, *args):  # type: ignore[no-untyped-def]
    return invoke("export", "--format", "label-studio", "--detector", "baseline", *args)


def test_export_a_folder_writes_tasks_and_the_config(invoke, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "ls" / "tasks.json"
    result = export(invoke, folder, "-o", out)
    assert result.exit_code == 0, result.output
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert [t["data"]["spinscope_id"] for t in tasks] == ["mayor", "quiet"]
    assert tasks[0]["data"]["text"] == ARTICLE
    assert tasks[0]["data"]["title"] == "Mayor Unveils Plan"
    results = tasks[0]["predictions"][0]["result"]
    assert results and tasks[0]["predictions"][0]["model_version"].endswith(" baseline")
    for r in results:
        assert ARTICLE[r["value"]["start"] : r["value"]["end"]] == r["value"]["text"]
    config = tmp_path / "ls" / "tasks.label-config.xml"
    assert config.read_text(encoding="utf-8") == label_config()
    assert f"wrote 2 tasks ({len(results)} predicted spans)" in result.stderr
    assert str(config) in result.stderr


def test_likely_only_leaves_out_possible_spans(invoke, folder: Path, tmp_path: Path) -> None:
    # the shipped model (the default detector) marks possible spans; the baseline has none
    article = folder / "mayor.txt"
    every, likely = tmp_path / "every.json", tmp_path / "likely.json"
    assert invoke("export", "-f", "label-studio", article, "-o", every).exit_code == 0
    result = invoke("export", "-f", "label-studio", article, "-o", likely, "--likely-only")
    assert result.exit_code == 0, result.output
    analysis = json.loads(invoke("analyze", article, "-f", "json").stdout)

    def spans(path: Path) -> list[tuple[int, int, str]]:
        task = json.loads(path.read_text(encoding="utf-8"))[0]
        return [
            (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
            for r in task["predictions"][0]["result"]
        ]

    def tiers(*kept: str) -> list[tuple[int, int, str]]:
        return [(s["start"], s["end"], s["technique"]) for s in analysis["spans"]
                if s["tier"] in kept]  # fmt: skip

    if not tiers("possible"):
        pytest.skip("the installed model marks no possible span in this article")
    assert spans(every) == tiers("likely", "possible")
    assert spans(likely) == tiers("likely")


def test_threshold_is_passed_to_the_detector(invoke, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    assert export(invoke, folder / "mayor.txt", "-o", out, "--threshold", "0.35").exit_code == 0
    task = json.loads(out.read_text(encoding="utf-8"))[0]
    scores = [r["score"] for r in task["predictions"][0]["result"]]
    assert scores and all(s >= 0.35 for s in scores)


def test_utf16_offsets(invoke, folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    assert export(invoke, folder / "mayor.txt", "-o", out, "--offsets", "utf-16").exit_code == 0
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    units = ARTICLE.encode("utf-16-le")
    after = [r for r in task["predictions"][0]["result"] if r["value"]["start"] > 80]
    assert after, "no span after the emoji"
    for r in task["predictions"][0]["result"]:
        start, end = r["value"]["start"], r["value"]["end"]
        assert units[2 * start : 2 * end].decode("utf-16-le") == r["value"]["text"]


def test_a_failing_input_is_reported_and_the_others_written(
    invoke, folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "tasks.json"
    result = export(invoke, tmp_path / "missing.txt", folder / "mayor.txt", "-o", out)
    assert result.exit_code == 2
    assert "missing.txt" in result.stderr
    assert [t["data"]["spinscope_id"] for t in json.loads(out.read_text())] == ["mayor"]


def test_export_needs_a_format_inputs_and_an_output(invoke, folder: Path, tmp_path: Path) -> None:
    assert invoke("export", folder, "-o", tmp_path / "t.json").exit_code == 2
    assert invoke("export", "--format", "csv", folder, "-o", tmp_path / "t.json").exit_code == 2
    assert invoke("export", "--format", "label-studio", folder).exit_code == 2
    result = export(invoke, "-o", tmp_path / "t.json")
    assert result.exit_code == 2 and "give at least one article" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = export(invoke, empty, "-o", tmp_path / "t.json")
    assert result.exit_code == 2 and "without .txt articles" in result.stderr


def test_round_trip_through_the_cli(invoke, folder: Path, tmp_path: Path) -> None:
    tasks_path = tmp_path / "tasks.json"
    assert export(invoke, folder, "-o", tasks_path).exit_code == 0
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    export_path = tmp_path / "export.json"
    export_path.write_text(json.dumps(as_export(tasks)), encoding="utf-8")
    result = invoke("import", "label-studio", export_path, "-o", tmp_path / "ann")
    assert result.exit_code == 0, result.output
    spans = sum(len(t["predictions"][0]["result"]) for t in tasks)
    assert f"wrote 2 articles ({spans} spans)" in result.stderr
    with open(tmp_path / "ann" / "articles" / "mayor.txt", encoding="utf-8", newline="") as f:
        assert f.read() == ARTICLE
    rows = (tmp_path / "ann" / "labels" / "mayor.tsv").read_text(encoding="utf-8").splitlines()
    expected = sorted(
        (r["value"]["start"], r["value"]["end"], r["value"]["labels"][0])
        for r in tasks[0]["predictions"][0]["result"]
    )
    got = sorted((int(s), int(e), t) for _, t, s, e in (row.split("\t") for row in rows))
    assert got == expected


def test_import_reports_skipped_tasks_and_unknown_labels(invoke, tmp_path: Path) -> None:
    text = "Traitors! The shameful plan."
    value = {"start": 0, "end": 8, "text": "Traitors", "labels": ["Propaganda"]}
    result_item = {"id": "a", "from_name": "technique", "to_name": "text", "type": "labels",
                   "value": value}  # fmt: skip
    tasks = [
        {"id": 4, "data": {"text": text}, "annotations": []},
        {"id": 5, "data": {"text": text},
         "annotations": [{"id": 1, "result": [result_item], "was_cancelled": False}]},
    ]  # fmt: skip
    export_path = tmp_path / "export.json"
    export_path.write_text(json.dumps(tasks), encoding="utf-8")
    result = invoke("import", "label-studio", export_path, "-o", tmp_path / "ann")
    assert result.exit_code == 2
    assert "'Propaganda' in Label Studio task 5" in result.stderr
    assert "--drop-unknown" in result.stderr and "Traceback" not in result.output
    result = invoke("import", "label-studio", export_path, "-o", tmp_path / "ann", "--drop-unknown")
    assert result.exit_code == 0, result.output
    assert "skipped task 4: no annotations" in result.stderr
    assert "dropped 1 spans whose label is not a technique: Propaganda (1)" in result.stderr
    assert (tmp_path / "ann" / "labels" / "5.tsv").read_text(encoding="utf-8") == ""


def test_import_of_a_missing_file(invoke, tmp_path: Path) -> None:
    result = invoke("import", "label-studio", tmp_path / "nope.json", "-o", tmp_path / "ann")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_import_lists_label_studio(invoke) -> None:
    result = invoke("import", "--help")
    assert result.exit_code == 0 and "label-studio" in result.stdout
