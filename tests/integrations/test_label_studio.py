"""The Label Studio round trip: tasks with predictions out, a JSON export back in as a folder.

Label Studio's JSON export is faked as documented: each task keeps its ``data`` and gets
``annotations`` whose ``result`` is the prediction's, plus the fields Label Studio adds.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from spinscope.analysis import Analysis
from spinscope.analyzer import Analyzer
from spinscope.corpora.annotations import read_annotations
from spinscope.document import Document
from spinscope.errors import InputError, UnknownTechniqueError
from spinscope.integrations.label_studio import (
    FROM_NAME,
    TO_NAME,
    analyses_to_tasks,
    analysis_task,
    code_points_to_utf16,
    config_path,
    import_label_studio,
    label_config,
    read_export,
    tasks_to_documents,
    utf16_to_code_points,
    write_tasks,
)
from spinscope.taxonomy import CATEGORIES, TECHNIQUES, category_of

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"

# Emoji (one with a skin tone and a zero-width joiner), mathematical letters outside the BMP,
# CRLF line ends, and spans before, across and after the astral characters.
ASTRAL_TEXT = (
    "Harbour news 🚢\r\n"
    "The shameful campaign 😡 of traitors 👨🏻‍🚒 went on.\r\n"
    "The 𝔟𝔯𝔦𝔡𝔤𝔢 is a catastrophe!\r\n"
)
ASTRAL_PHRASES = [
    ("shameful campaign", "Loaded_Language", 0.8),
    ("shameful", "Name_Calling-Labeling", 0.5),
    ("traitors 👨🏻‍🚒 went", "Name_Calling-Labeling", 0.9),
    ("𝔟𝔯𝔦𝔡𝔤𝔢", "Loaded_Language", 0.6),
    ("catastrophe", "Appeal_to_Fear-Prejudice", 0.3),
]


def ls_export(tasks: list[dict[str, Any]], *, first_id: int = 1) -> list[dict[str, Any]]:
    """What Label Studio exports after each prediction was accepted as the annotation."""
    out = []
    for n, task in enumerate(copy.deepcopy(tasks), start=first_id):
        result = [{**r, "origin": "prediction"} for r in task["predictions"][0]["result"]]
        stamp = f"2025-03-0{n % 9 + 1}T10:00:00.000000Z"
        out.append(
            {
                "id": n,
                "annotations": [
                    {
                        "id": 100 + n,
                        "completed_by": 1,
                        "result": result,
                        "was_cancelled": False,
                        "ground_truth": False,
                        "created_at": stamp,
                        "updated_at": stamp,
                        "draft_created_at": None,
                        "lead_time": 12.5,
                        "prediction": {},
                        "result_count": 0,
                        "unique_id": f"u-{n}",
                        "import_id": None,
                        "last_action": None,
                        "task": n,
                        "project": 1,
                        "updated_by": 1,
                        "parent_prediction": 200 + n,
                        "parent_annotation": None,
                        "last_created_by": None,
                    }
                ],
                "drafts": [],
                "predictions": [200 + n],
                "data": task["data"],
                "meta": {},
                "created_at": stamp,
                "updated_at": stamp,
                "inner_id": n,
                "total_annotations": 1,
                "cancelled_annotations": 0,
                "total_predictions": 1,
                "comment_count": 0,
                "unresolved_comment_count": 0,
                "last_comment_updated_at": None,
                "project": 1,
                "updated_by": 1,
                "comment_authors": [],
            }
        )
    return out


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text[start:end]`` as JavaScript slices it (UTF-16 code units)."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def read_exact(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def label_rows(path: Path) -> Counter[tuple[int, int, str]]:
    rows = Counter()
    for line in read_exact(path).splitlines():
        _, tech, start, end = line.split("\t")
        rows[(int(start), int(end), tech)] += 1
    return rows


def span_rows(analysis: Analysis) -> Counter[tuple[int, int, str]]:
    return Counter((s.start, s.end, s.technique) for s in analysis.spans)


@pytest.fixture
def astral(phrase_analyzer) -> Analysis:  # type: ignore[no-untyped-def]
    analysis = phrase_analyzer(ASTRAL_PHRASES).analyze(Document("astral", ASTRAL_TEXT))
    assert analysis.text == ASTRAL_TEXT and len(analysis.spans) == len(ASTRAL_PHRASES)
    return analysis


# ------------------------------------------------------------------------------- config


def test_label_config_has_the_23_techniques_by_category() -> None:
    root = ET.fromstring(label_config())
    assert root.tag == "View"
    (labels,) = root.findall("Labels")
    assert labels.get("name") == FROM_NAME == "technique"
    assert labels.get("toName") == TO_NAME == "text"
    (text,) = root.findall("Text")
    assert text.attrib == {"name": "text", "value": "$text"}
    groups = labels.findall("View")
    assert [g.find("Header").get("value") for g in groups] == list(CATEGORIES)  # type: ignore[union-attr]
    values = []
    for category, group in zip(CATEGORIES, groups, strict=True):
        colours = set()
        for label in group.findall("Label"):
            assert category_of(label.get("value", "")) == category
            assert label.get("hint")
            colours.add(label.get("background"))
            values.append(label.get("value"))
        assert len(colours) == 1
    assert values == list(TECHNIQUES)
    # Label Studio's config parser finds every Label below the Labels tag, nested or not
    assert [e.get("value") for e in labels.iter("Label")] == list(TECHNIQUES)


def test_config_path_is_beside_the_tasks(tmp_path: Path) -> None:
    assert config_path(tmp_path / "tasks.json") == tmp_path / "tasks.label-config.xml"
    assert config_path(tmp_path / "batch") == tmp_path / "batch.label-config.xml"


# ------------------------------------------------------------------------------- offsets


def test_utf16_offsets_count_surrogate_pairs() -> None:
    text = "a😀b👨🏻‍🚒c"
    assert [code_points_to_utf16(text, i) for i in range(len(text) + 1)] == [
        0, 1, 3, 4, 6, 8, 9, 11, 12,
    ]  # fmt: skip
    for i in range(len(text) + 1):
        assert utf16_to_code_points(text, code_points_to_utf16(text, i)) == i
    with pytest.raises(ValueError, match="inside the character"):
        utf16_to_code_points(text, 2)
    with pytest.raises(ValueError, match="outside"):
        utf16_to_code_points(text, 13)
    with pytest.raises(ValueError, match="outside"):
        code_points_to_utf16(text, 9)


@given(st.text(max_size=40), st.data())
def test_utf16_offsets_match_javascript_string_indices(text: str, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(text)))
    js = code_points_to_utf16(text, i)
    assert js == len(text[:i].encode("utf-16-le")) // 2
    assert utf16_to_code_points(text, js) == i


# ------------------------------------------------------------------------------- export


def test_task_holds_the_text_and_the_spans_as_one_prediction(astral: Analysis) -> None:
    task = analysis_task(astral)
    assert task["data"] == {"text": ASTRAL_TEXT, "spinscope_id": "astral", "title": astral.title}
    (prediction,) = task["predictions"]
    assert prediction["model_version"].startswith("spinscope ")
    assert prediction["model_version"].endswith(" phrases")
    scores = [s.score for s in astral.spans]
    assert prediction["score"] == pytest.approx(sum(scores) / len(scores), abs=1e-4)
    results = prediction["result"]
    assert len({r["id"] for r in results}) == len(results)
    for span, r in zip(astral.spans, results, strict=True):
        assert r["from_name"] == "technique" and r["to_name"] == "text"
        assert r["type"] == "labels" and r["score"] == pytest.approx(span.score)
        value = r["value"]
        assert (value["start"], value["end"]) == (span.start, span.end)
        assert value["labels"] == [span.technique]
        assert value["text"] == ASTRAL_TEXT[value["start"] : value["end"]] == span.text
    json.dumps(task)  # plain JSON


def test_utf16_export_counts_javascript_string_units(astral: Analysis) -> None:
    results = analysis_task(astral, offsets="utf-16")["predictions"][0]["result"]
    moved = 0
    for span, r in zip(astral.spans, results, strict=True):
        value = r["value"]
        assert utf16_slice(ASTRAL_TEXT, value["start"], value["end"]) == value["text"] == span.text
        moved += value["start"] != span.start
    assert moved == len(results)  # every span follows the ship emoji


def test_likely_only_leaves_out_the_possible_spans(astral: Analysis) -> None:
    weak = replace(
        astral,
        spans=tuple(replace(s, tier="possible") if s.score < 0.55 else s for s in astral.spans),
    )
    everything = analysis_task(weak)["predictions"][0]["result"]
    likely = analysis_task(weak, likely_only=True)["predictions"][0]["result"]
    assert len(everything) == 5
    assert [r["score"] for r in likely] == [0.8, 0.9, 0.6]


def test_a_prediction_without_spans_has_no_score(phrase_analyzer) -> None:  # type: ignore[no-untyped-def]
    task = analysis_task(phrase_analyzer([]).analyze("Nothing to see here at all."))
    assert task["predictions"][0]["result"] == [] and "score" not in task["predictions"][0]


def test_task_ids_can_name_files_and_never_repeat(phrase_analyzer) -> None:  # type: ignore[no-untyped-def]
    analyze = phrase_analyzer([]).analyze
    analyses = [
        analyze(Document(doc_id, "Some plain words for a test."))
        for doc_id in ("article", "article", "my report (1)", "..hidden", "über")
    ]
    ids = [t["data"]["spinscope_id"] for t in analyses_to_tasks(analyses)]
    assert ids == ["article", "article-2", "my-report-1-", "hidden", "ber"]


def test_write_tasks_writes_json_and_the_config(astral: Analysis, tmp_path: Path) -> None:
    tasks_path, config = write_tasks(tmp_path / "out" / "tasks.json", analyses_to_tasks([astral]))
    assert config == tmp_path / "out" / "tasks.label-config.xml"
    assert json.loads(tasks_path.read_text(encoding="utf-8"))[0]["data"]["text"] == ASTRAL_TEXT
    assert "😡" in tasks_path.read_text(encoding="utf-8")  # not escaped
    assert config.read_text(encoding="utf-8") == label_config()


# ------------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("offsets", ["code-points", "utf-16"])
def test_emoji_and_crlf_round_trip(astral: Analysis, tmp_path: Path, offsets: Any) -> None:
    tasks = analyses_to_tasks([astral], offsets=offsets)
    export = tmp_path / "export.json"
    export.write_text(json.dumps(ls_export(tasks)), encoding="utf-8")
    summary = import_label_studio(export, tmp_path / "ann", offsets=offsets)
    assert (summary.articles, summary.spans, summary.skipped) == (1, 5, ())
    assert read_exact(tmp_path / "ann" / "articles" / "astral.txt") == ASTRAL_TEXT
    assert label_rows(tmp_path / "ann" / "labels" / "astral.tsv") == span_rows(astral)


def test_read_annotations_keeps_crlf(astral: Analysis, tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text(json.dumps(ls_export(analyses_to_tasks([astral]))), encoding="utf-8")
    import_label_studio(export, tmp_path / "ann")
    (doc,) = read_annotations(tmp_path / "ann")
    assert doc.text == ASTRAL_TEXT


def test_importing_with_the_wrong_offset_unit_says_which_to_use(
    astral: Analysis, tmp_path: Path
) -> None:
    export = tmp_path / "export.json"
    export.write_text(json.dumps(ls_export(analyses_to_tasks([astral], offsets="utf-16"))))
    with pytest.raises(InputError, match="--offsets utf-16") as err:
        import_label_studio(export, tmp_path / "ann")
    assert "task 1" in str(err.value)
    assert not (tmp_path / "ann").exists()


@pytest.fixture(scope="module")
def example_analysis() -> Analysis:
    found = sorted(EXAMPLES.glob("*.txt")) if EXAMPLES.is_dir() else []
    if not found:
        pytest.skip(
            f"no example article in {EXAMPLES}: the shared data beside the checkout "
            "(with the corpora's data root) is not redistributed"
        )
    from spinscope.ingest import read_file
    from spinscope.tagger.model import default_model_dir

    installed = (default_model_dir() / "model.onnx").is_file()
    analyzer = Analyzer(None if installed else "baseline", article_models=False).load()
    return analyzer.analyze(read_file(found[0]))


@pytest.mark.integration
@pytest.mark.parametrize("offsets", ["code-points", "utf-16"])
def test_the_example_article_round_trips_losslessly(
    example_analysis: Analysis, tmp_path: Path, offsets: Any
) -> None:
    tasks = analyses_to_tasks([example_analysis], offsets=offsets)
    assert tasks[0]["predictions"][0]["result"], "nothing to round-trip"
    export = tmp_path / "export.json"
    export.write_text(json.dumps(ls_export(tasks), ensure_ascii=False), encoding="utf-8")
    summary = import_label_studio(export, tmp_path / "ann", offsets=offsets)
    doc_id = tasks[0]["data"]["spinscope_id"]
    assert summary.articles == 1 and summary.spans == len(example_analysis.spans)
    assert read_exact(tmp_path / "ann" / "articles" / f"{doc_id}.txt") == example_analysis.text
    assert label_rows(tmp_path / "ann" / "labels" / f"{doc_id}.tsv") == span_rows(example_analysis)
    (doc,) = read_annotations(tmp_path / "ann")  # what spinscope train reads
    assert doc.text == example_analysis.text
    assert Counter((s.start, s.end, s.label) for s in doc.layers["techniques"]) == span_rows(
        example_analysis
    )


# ------------------------------------------------------------------------------- import


def labels(start: int, end: int, *names: str, text: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {"start": start, "end": end, "labels": list(names)}
    if text is not None:
        value["text"] = text
    return {"id": f"r{start}-{end}", "from_name": "technique", "to_name": "text", "type": "labels",
            "value": value, "origin": "manual"}  # fmt: skip


def annotation(
    result: list[dict[str, Any]], *, id: int, when: str, cancelled: bool = False, **extra: Any
) -> dict[str, Any]:
    return {"id": id, "completed_by": extra.pop("by", 1), "result": result,
            "was_cancelled": cancelled, "ground_truth": extra.pop("ground_truth", False),
            "created_at": when, "updated_at": when, **extra}  # fmt: skip


TEXT = "Traitors! The shameful, shameful plan of the traitors."


def task(task_id: int, annotations: list[dict[str, Any]], **data: Any) -> dict[str, Any]:
    return {"id": task_id, "data": {"text": TEXT, **data}, "annotations": annotations}


def spans_of(doc: Document) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in doc.layers["techniques"]]


def test_the_latest_annotation_not_cancelled_is_imported() -> None:
    older = annotation([labels(0, 8, "Name_Calling-Labeling")], id=1, when="2025-01-01T10:00:00Z")
    newer = annotation([labels(14, 22, "Loaded_Language")], id=2, when="2025-01-02T10:00:00Z")
    cancelled = annotation([], id=3, when="2025-01-03T10:00:00Z", cancelled=True)
    tasks = [task(7, [newer, cancelled, older])]
    (doc,), _ = tasks_to_documents(tasks)
    assert spans_of(doc) == [(14, 22, "Loaded_Language")]
    (doc,), _ = tasks_to_documents(tasks, annotation="first")
    assert spans_of(doc) == [(0, 8, "Name_Calling-Labeling")]


def test_ground_truth_and_annotator_choose_the_annotation() -> None:
    gold = annotation([labels(0, 8, "Doubt")], id=1, when="2025-01-01T10:00:00Z",
                      ground_truth=True, by=5)  # fmt: skip
    other = annotation([labels(14, 22, "Loaded_Language")], id=2, when="2025-01-02T10:00:00Z",
                       by={"id": 9, "email": "ann@example.org"})  # fmt: skip
    tasks = [task(1, [gold, other])]
    assert spans_of(tasks_to_documents(tasks, annotation="ground-truth")[0][0]) == [(0, 8, "Doubt")]
    assert spans_of(tasks_to_documents(tasks, annotator="5")[0][0]) == [(0, 8, "Doubt")]
    assert spans_of(tasks_to_documents(tasks, annotator="ann@example.org")[0][0]) == [
        (14, 22, "Loaded_Language")
    ]
    docs, summary = tasks_to_documents([task(2, [other])], annotation="ground-truth")
    assert docs == [] and summary.skipped[0].reason == "no annotation is marked ground truth"


def test_tasks_without_an_annotation_are_skipped_and_reported() -> None:
    tasks = [
        task(1, []),
        {"id": 2, "data": {"text": TEXT}},
        task(3, [annotation([], id=1, when="2025-01-01T10:00:00Z", cancelled=True)]),
        task(4, [annotation([], id=2, when="2025-01-01T10:00:00Z")]),
    ]
    docs, summary = tasks_to_documents(tasks)
    assert [d.id for d in docs] == ["4"] and spans_of(docs[0]) == []  # a negative example
    assert [(s.task, s.reason) for s in summary.skipped] == [
        ("1", "no annotations"),
        ("2", "no annotations"),
        ("3", "every annotation was cancelled (skipped)"),
    ]


def test_overlaps_duplicates_and_several_labels_are_kept() -> None:
    result = [
        labels(14, 22, "Loaded_Language", text="shameful"),
        labels(14, 22, "Loaded_Language", text="shameful"),
        labels(14, 37, "Repetition", "Loaded_Language"),
        labels(0, 8, "Name_Calling-Labeling"),
    ]
    (doc,), summary = tasks_to_documents([task(1, [annotation(result, id=1, when="x")])])
    assert sorted(spans_of(doc)) == [
        (0, 8, "Name_Calling-Labeling"),
        (14, 22, "Loaded_Language"),
        (14, 22, "Loaded_Language"),
        (14, 37, "Loaded_Language"),
        (14, 37, "Repetition"),
    ]
    assert summary.spans == 5


def test_other_result_types_are_ignored() -> None:
    result = [
        labels(0, 8, "Doubt"),
        {"id": "c", "from_name": "genre", "to_name": "text", "type": "choices",
         "value": {"choices": ["opinion"]}},
        {"from_id": "r0-8", "to_id": "r0-8", "type": "relation", "direction": "right"},
        {"id": "t", "from_name": "note", "to_name": "text", "type": "textarea",
         "value": {"text": ["a note"]}},
    ]  # fmt: skip
    (doc,), summary = tasks_to_documents([task(1, [annotation(result, id=1, when="x")])])
    assert spans_of(doc) == [(0, 8, "Doubt")] and summary.ignored_results == 3


def test_ids_come_from_spinscope_id_else_the_task_id() -> None:
    result = [labels(0, 8, "Doubt")]
    docs, _ = tasks_to_documents(
        [
            task(1, [annotation(result, id=1, when="x")], spinscope_id="harbour-7"),
            task(2, [annotation(result, id=2, when="x")]),
        ]
    )
    assert [d.id for d in docs] == ["harbour-7", "2"]
    with pytest.raises(InputError, match="tasks 1 and 2 both name article 'a'"):
        tasks_to_documents(
            [
                task(1, [annotation(result, id=1, when="x")], spinscope_id="a"),
                task(2, [annotation(result, id=2, when="x")], spinscope_id="a"),
            ]
        )
    with pytest.raises(InputError, match="cannot name a file"):
        tasks_to_documents([task(1, [annotation(result, id=1, when="x")], spinscope_id="a/b")])


def test_an_unknown_label_names_the_task_and_the_label() -> None:
    result = [labels(0, 8, "Propaganda"), labels(14, 22, "Loaded_Language")]
    tasks = [task(12, [annotation(result, id=1, when="x")])]
    with pytest.raises(UnknownTechniqueError, match="'Propaganda' in Label Studio task 12"):
        tasks_to_documents(tasks)
    (doc,), summary = tasks_to_documents(tasks, drop_unknown=True)
    assert spans_of(doc) == [(14, 22, "Loaded_Language")]
    assert summary.dropped == {"Propaganda": 1}


def test_spans_outside_the_text_are_refused() -> None:
    tasks = [task(3, [annotation([labels(40, 400, "Doubt")], id=1, when="x")])]
    with pytest.raises(InputError, match=r"task 3: the 'Doubt' span \[40, 400\) does not fit"):
        tasks_to_documents(tasks)


def test_a_utf16_offset_inside_an_emoji_is_refused() -> None:
    text = "A 😀 shameful thing"
    result = [labels(3, 12, "Loaded_Language")]
    tasks = [{"id": 1, "data": {"text": text}, "annotations": [annotation(result, id=1, when="x")]}]
    with pytest.raises(InputError, match="does not fit"):
        tasks_to_documents(tasks, offsets="utf-16")


def test_label_studio_text_with_collapsed_spaces_is_accepted() -> None:
    # Label Studio writes newlines as "\n" and collapses spaces in a result's text
    text = "One  line\nand  another"
    result = [labels(0, 22, "Doubt", text="One line\\nand another")]
    tasks = [{"id": 1, "data": {"text": text}, "annotations": [annotation(result, id=1, when="x")]}]
    (doc,), _ = tasks_to_documents(tasks)
    assert spans_of(doc) == [(0, 22, "Doubt")]


def test_read_export_refuses_what_is_not_a_json_export(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="is not JSON"):
        read_export(bad)
    bad.write_text(json.dumps([{"text": "x", "label": []}]), encoding="utf-8")
    with pytest.raises(InputError, match="not JSON-MIN or CSV"):
        read_export(bad)
    with pytest.raises(InputError, match="does not exist"):
        read_export(tmp_path / "missing.json")


def test_nothing_to_import_writes_nothing(tmp_path: Path) -> None:
    export = tmp_path / "export.json"
    export.write_text(json.dumps([task(1, []), task(2, [])]), encoding="utf-8")
    with pytest.raises(InputError, match="no task has an annotation to import"):
        import_label_studio(export, tmp_path / "ann")
    assert not (tmp_path / "ann").exists()
