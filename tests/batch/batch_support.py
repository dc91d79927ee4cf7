"""Corpora and table readers written for the batch tests (invented articles, never corpus text)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Invented articles, long enough to judge (40+ words), with words the baseline marks.
ARTICLES = [
    "Council Approves Bridge\n\nThe harbour council approved the bridge plan on Monday after a "
    "shameful campaign by its opponents, whom the mayor's allies call traitors to the town. "
    "\u201cThis is a disgraceful attack on our town by corrupt outsiders,\u201d said the mayor. "
    "Protesters gathered outside the hall, and the council called the gathering outrageous. "
    "The bridge will cost twelve million.\n",
    "The library will open at nine on weekdays from next month, the city said on Tuesday. "
    "Staff will run reading groups for children and a weekly class for adults who want to "
    "learn to use computers. The budget for the year was passed after a short debate, and "
    "the new hours were welcomed by most residents who spoke at the meeting.\n",
    "This is the worst disaster in the history of the region. Everyone knows the minister is "
    "a liar and a coward who has betrayed every family in the country. We must act now or "
    "lose everything forever. Who really believes his promises any more? Take back control! "
    "Take back control! The catastrophe he created will haunt our children for decades.\n",
    "Farmers in the valley reported a good harvest this autumn, with apples and pears up on "
    "last year. Prices at the market stayed steady, and the cooperative said it would hire "
    "twenty seasonal workers. A spokesperson said the weather had been kind and the new "
    "irrigation channels had helped the older orchards on the hills above the river.\n",
    "Opinion: the radical elites in the capital want to destroy our way of life. They call "
    "ordinary people bigots and idiots while they fly around the world in private jets. This "
    "shameful hypocrisy must end. Real patriots will stand up for the flag and for the "
    "nation, and they will never surrender to these corrupt and arrogant bureaucrats.\n",
    "The school board met on Thursday to discuss the new bus routes. Parents asked for a "
    "second stop near the park, and the board agreed to study the request. The transport "
    "office will publish the final timetable in August, and the routes will start with the "
    "new school year in September, the chair of the board said after the meeting.\n",
]

SOURCES = ["Daily Harbour", "Valley Post", "The Courier"]


def corpus(n: int) -> list[dict[str, Any]]:
    """``n`` records: id, text (an invented article, numbered), source, date, title."""
    rows = []
    for i in range(n):
        text = ARTICLES[i % len(ARTICLES)] + f"(Report number {i}.)\n"
        rows.append(
            {
                "id": f"doc-{i:04d}",
                "text": text,
                "source": SOURCES[i % len(SOURCES)],
                "date": f"2024-{1 + i % 6:02d}-{1 + i % 27:02d}",
                "title": f"Article {i}",
            }
        )
    return rows


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]], extra: Sequence[str] = ()) -> Path:
    """Write ``rows`` as JSON lines, then the raw ``extra`` lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
        for line in extra:
            handle.write(line + "\n")
    return path


def write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    """Write ``rows`` as CSV with a header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_parquet(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    """Write ``rows`` as a Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(list(rows)), path)
    return path


def read_table(out: Path, name: str) -> list[dict[str, Any]]:
    """A table of a finished run as rows (Parquet dataset or JSONL)."""
    folder = out / name
    if folder.is_dir():
        import pyarrow.parquet as pq

        return pq.read_table(folder).to_pylist()
    with open(out / f"{name}.jsonl", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]
