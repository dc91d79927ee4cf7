"""Tiny hand-written corpora in tmp_path, laid out like the real data root.

The real corpora may not be copied (licences), so the unit tests build their own. Texts are
written byte-exactly (``newline=""``) so BOMs and CRs are where the test puts them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spinscope.corpora.datapath import find_data_root

# PTC train article "1" starts with a BOM: offsets count it as character 0.
PTC_TEXTS = {
    ("train", "1"): "\ufeffBad title\n\nThey are evil liars.\nFine.\n",
    ("train", "2"): "Nothing here.\n",
    ("dev", "3"): "Dev title\n\nA total disaster, a disgrace.\n",
}
# (split, id) -> (SI rows, TC rows) as (start, end) / (technique, start, end).
PTC_LABELS = {
    ("train", "1"): ([(21, 31)], [("Loaded_Language", 21, 25), ("Name_Calling,Labeling", 21, 31)]),
    ("train", "2"): ([], []),
    ("dev", "3"): ([(13, 27)], [("Exaggeration,Minimisation", 13, 27)]),
}

# SemEval-2023 "en": article "10" has a blank line 2 and a CRLF line; "11" has no labels.
SE_TEXTS = {
    "10": "A title\n\nThey are evil liars.\r\nA second one.\n",
    "11": "Only a title",
}
SE_SPANS = {"10": [("Loaded_Language", 18, 22), ("Name_Calling-Labeling", 18, 28)], "11": []}
SE_ST3 = {
    "10": [(1, ()), (3, ("Loaded_Language", "Name_Calling-Labeling")), (4, ())],
    "11": [(1, ())],
}
SE_GENRES = {"10": "opinion"}
SE_FRAMES = {"10": ("Political", "Morality")}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def build_ptc(root: Path) -> None:
    for (split, doc_id), text in PTC_TEXTS.items():
        base = root / "ptc"
        write(base / f"{split}-articles" / f"article{doc_id}.txt", text)
        si, tc = PTC_LABELS[(split, doc_id)]
        write(
            base / f"{split}-labels-task-si" / f"article{doc_id}.task-si.labels",
            "".join(f"{doc_id}\t{s}\t{e}\n" for s, e in si),
        )
        write(
            base / f"{split}-labels-task-flc-tc" / f"article{doc_id}.task-flc-tc.labels",
            "".join(f"{doc_id}\t{t}\t{s}\t{e}\n" for t, s, e in tc),
        )


def build_semeval2023(root: Path, lang: str = "en") -> None:
    base = root / "semeval2023" / lang
    st3_lines = []
    for doc_id, text in SE_TEXTS.items():
        write(base / "train-articles-subtask-3" / f"article{doc_id}.txt", text)
        write(
            base / "train-labels-subtask-3-spans" / f"article{doc_id}-labels-subtask-3.txt",
            "".join(f"{doc_id}\t{t}\t{s}\t{e}\n" for t, s, e in SE_SPANS[doc_id]),
        )
        lines = text.split("\n")
        template = "".join(f"{doc_id}\t{n}\t{lines[n - 1]}\n" for n, _ in SE_ST3[doc_id])
        write(
            base / "train-labels-subtask-3" / f"article{doc_id}-labels-subtask-3.txt.template",
            template,
        )
        rows = [f"{doc_id}\t{n}\t{','.join(t)}\n" for n, t in SE_ST3[doc_id]]
        write(
            base / "train-labels-subtask-3" / f"article{doc_id}-labels-subtask-3.txt", "".join(rows)
        )
        st3_lines.extend(rows)
    write(base / "train-labels-subtask-3.txt", "".join(st3_lines))
    write(base / "train-labels-subtask-1.txt", "".join(f"{i}\t{g}\n" for i, g in SE_GENRES.items()))
    write(
        base / "train-labels-subtask-2.txt",
        "".join(f"{i}\t{','.join(f)}\n" for i, f in SE_FRAMES.items()),
    )


@pytest.fixture
def fake_root(tmp_path: Path) -> Path:
    """A data root with a tiny PTC (train, dev) and a tiny SemEval-2023 English."""
    root = tmp_path / "data"
    build_ptc(root)
    build_semeval2023(root)
    return root


@pytest.fixture(scope="session")
def real_root() -> Path:
    """The real data root; skips the test where there is none."""
    root = find_data_root()
    if root is None:
        pytest.skip("no corpus data root: pass SPINSCOPE_DATA or put the data in ../shared/data")
    if not (root / "ptc").is_dir() or not (root / "semeval2023" / "en").is_dir():
        pytest.skip(f"data root {root} lacks ptc/ or semeval2023/en/")
    return root
