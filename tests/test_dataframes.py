"""pandas tables: Analysis.spans_frame() and spinscope.read_batch(), on texts written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import spinscope
from spinscope.dataframes import SPAN_COLUMNS, BatchTables, read_batch
from spinscope.document import Document
from spinscope.errors import InputError, MissingDependencyError

pd = pytest.importorskip("pandas", reason="the pandas extra is not installed")
pa = pytest.importorskip("pyarrow", reason="the pandas extra is not installed")

# An invented article: a headline, a blank line, then three paragraphs; the second has two
# sentences and a quotation, so paragraph and sentence numbers differ from line numbers.
HARBOUR_NOTE = (
    "Ferry Fares Rise Again\n"
    "\n"
    "The ferry company raised fares on Monday. Critics called the decision a scandal.\n"
    "Commuters were angry. “It is a disgraceful betrayal of the islands,” said Mira Holm, "
    "who takes the ferry every day.\n"
    "The company said the rise was needed to pay for two new boats.\n"
)

NOTE_PHRASES = [
    ("scandal", "Loaded_Language", 0.8),
    ("disgraceful betrayal", "Loaded_Language", 0.7),
    ("new boats", "Causal_Oversimplification", 0.3),
]

EXPECTED_DTYPES = {
    "start": "int64",
    "end": "int64",
    "technique": "string",
    "category": "string",
    "score": "double",
    "tier": "string",
    "quoted": "bool",
    "speaker": "string",
    "text": "string",
    "paragraph": "int64",
    "sentence": "int64",
}


def _arrow_types(frame) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert all(isinstance(t, pd.ArrowDtype) for t in frame.dtypes), frame.dtypes
    return {name: str(t.pyarrow_dtype) for name, t in frame.dtypes.items()}


@pytest.fixture
def note_analysis(phrase_analyzer):  # type: ignore[no-untyped-def]
    analyzer = phrase_analyzer(NOTE_PHRASES)
    return analyzer.analyze(Document("ferry", HARBOUR_NOTE))


def test_spans_frame_columns_dtypes_and_values(note_analysis) -> None:
    frame = note_analysis.spans_frame()
    assert tuple(frame.columns) == SPAN_COLUMNS
    assert _arrow_types(frame) == EXPECTED_DTYPES
    assert len(frame) == len(note_analysis.spans) == 3
    assert list(frame["text"]) == ["scandal", "disgraceful betrayal", "new boats"]
    for row in frame.itertuples(index=False):
        assert HARBOUR_NOTE[row.start : row.end] == row.text
    assert list(frame["technique"]) == [
        "Loaded_Language",
        "Loaded_Language",
        "Causal_Oversimplification",
    ]
    assert list(frame["category"]) == [
        "Manipulative Wording",
        "Manipulative Wording",
        "Simplification",
    ]
    assert frame["score"].tolist() == pytest.approx([0.8, 0.7, 0.3])
    quoted = frame.set_index("text")["quoted"]
    assert bool(quoted["disgraceful betrayal"]) and not bool(quoted["scandal"])
    speakers = frame.set_index("text")["speaker"]
    assert speakers["disgraceful betrayal"] == "Mira Holm"
    assert pd.isna(speakers["scandal"])


def test_spans_frame_numbers_paragraphs_and_sentences(note_analysis) -> None:
    frame = note_analysis.spans_frame().set_index("text")
    # paragraphs are the non-empty lines: headline 1, then 2, 3, 4 (the blank line not counted)
    assert frame.loc["scandal", "paragraph"] == 2
    assert frame.loc["disgraceful betrayal", "paragraph"] == 3
    assert frame.loc["new boats", "paragraph"] == 4
    # sentences: headline 1; "The ferry…" 2; "Critics…" 3; "Commuters…" 4; the quotation 5
    assert frame.loc["scandal", "sentence"] == 3
    assert frame.loc["disgraceful betrayal", "sentence"] == 5
    assert frame.loc["new boats", "sentence"] == 6


def test_spans_frame_groups_like_any_frame(note_analysis) -> None:
    counts = note_analysis.spans_frame().groupby("category")["start"].count()
    assert counts.to_dict() == {"Manipulative Wording": 2, "Simplification": 1}


def test_spans_frame_without_spans_keeps_columns_and_dtypes(phrase_analyzer) -> None:
    analysis = phrase_analyzer([]).analyze(Document("calm", HARBOUR_NOTE))
    assert analysis.spans == ()
    frame = analysis.spans_frame()
    assert frame.empty and tuple(frame.columns) == SPAN_COLUMNS
    assert _arrow_types(frame) == EXPECTED_DTYPES


def test_spans_frame_names_the_extra_when_pandas_is_missing(
    note_analysis, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pandas" else real(name, *a)
    )
    with pytest.raises(MissingDependencyError, match=r"pip install 'spinscope\[pandas\]'"):
        note_analysis.spans_frame()


# ------------------------------------------------------------------------------- read_batch

#: Three invented articles for a small batch run: two charged, one calm.
BATCH_TEXTS = {
    "bridge.txt": (
        "Council Backs Bridge\n\nThe council backed the bridge on Monday after a shameful "
        "campaign by its opponents, whom the mayor's allies call traitors to the town. "
        "Everyone knows the opponents are corrupt liars who want to destroy our harbour. "
        "Protesters gathered outside the hall, and the council called them outrageous.\n"
    ),
    "library.txt": (
        "The library will open at nine on weekdays from next month, the city said on Tuesday. "
        "Staff will run reading groups for children and a weekly class for adults who want to "
        "learn to use computers. The budget was passed after a short debate.\n"
    ),
    "minister.txt": (
        "This is the worst disaster in the history of the region. Everyone knows the minister "
        "is a liar and a coward who has betrayed every family in the country. We must act now "
        "or lose everything forever. Take back control! Take back control!\n"
    ),
}


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished batch run (baseline detector, Parquet) over :data:`BATCH_TEXTS`."""
    pytest.importorskip("pyarrow.parquet", reason="the batch extra is not installed")
    from spinscope.batch import BatchOptions, run_batch

    root = tmp_path_factory.mktemp("batch")
    folder = root / "articles"
    folder.mkdir()
    for name, text in BATCH_TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = root / "out"
    summary = run_batch(
        [folder], out, BatchOptions(detector="baseline", chunk_size=2), progress=False
    )
    assert summary.complete
    return out


def test_read_batch_reads_both_tables(batch_run: Path) -> None:
    from spinscope.batch.tables import documents_schema, spans_schema

    tables = spinscope.read_batch(batch_run)
    assert isinstance(tables, BatchTables)
    documents, spans = tables
    assert list(documents.columns) == documents_schema().names
    assert list(spans.columns) == spans_schema().names
    assert len(documents) == 3 and set(documents["status"]) == {"ok"}
    assert documents["seq"].tolist() == [0, 1, 2]
    assert all(isinstance(t, pd.ArrowDtype) for t in documents.dtypes)
    assert all(isinstance(t, pd.ArrowDtype) for t in spans.dtypes)
    assert str(documents["n_spans"].dtype.pyarrow_dtype) == "int64"
    assert str(spans["score"].dtype.pyarrow_dtype) == "double"
    assert pa.types.is_list(documents["techniques"].dtype.pyarrow_dtype)
    assert len(spans) == documents["n_spans"].sum() + documents["n_possible_spans"].sum()
    # each span's words are where it says in its document's text
    texts = dict(zip(documents["id"], documents["text"], strict=True))
    for row in spans.itertuples(index=False):
        assert texts[row.doc_id][row.start : row.end] == row.text
    assert set(spans["doc_id"]) <= set(documents["id"])
    per_doc = spans[spans["tier"] == "likely"].groupby("doc_id").size()
    calm = documents.loc[documents["n_spans"] == documents["n_spans"].min(), "id"].iloc[0]
    assert per_doc.get(calm, 0) == documents["n_spans"].min()


def test_read_batch_without_text(batch_run: Path) -> None:
    documents, spans = read_batch(batch_run, text=False)
    assert "text" not in documents.columns and len(documents) == 3
    assert "text" in spans.columns


def test_read_batch_reads_jsonl_runs_alike(batch_run: Path, tmp_path: Path) -> None:
    from spinscope.batch import BatchOptions, run_batch

    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in BATCH_TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "jsonl"
    options = BatchOptions(detector="baseline", chunk_size=2, fmt="jsonl")
    run_batch([folder], out, options, progress=False)
    from_jsonl = read_batch(out)
    from_parquet = read_batch(batch_run)
    for mine, theirs in zip(from_jsonl, from_parquet, strict=True):
        assert list(mine.dtypes) == list(theirs.dtypes)
        columns = [c for c in mine.columns if c != "input"]
        pd.testing.assert_frame_equal(mine[columns], theirs[columns])


def test_read_batch_warns_on_an_unfinished_run(batch_run: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(batch_run, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["complete"] = False
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.warns(UserWarning, match="not complete"):
        documents, _ = read_batch(copy)
    assert len(documents) == 3


@pytest.mark.parametrize("kind", ["missing", "empty", "file"])
def test_read_batch_refuses_what_is_not_a_batch_folder(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "somewhere"
    if kind == "empty":
        target.mkdir()
    elif kind == "file":
        target.write_text("not a folder", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        spinscope.read_batch(target)
    message = str(caught.value)
    assert str(target) in message
    assert "spinscope batch INPUT -o FOLDER" in message
