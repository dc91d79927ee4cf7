from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope import formats
from spinscope.errors import InputError, LabelFormatError, UnknownTechniqueError
from spinscope.formats import (
    read_flc,
    read_si,
    read_st1,
    read_st2,
    read_st3,
    read_tc_template,
    read_template,
    write_flc,
    write_si,
    write_st1,
    write_st2,
    write_st3,
)
from spinscope.taxonomy import FRAMES, GENRES, TECHNIQUES, TECHNIQUES_2020


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def raw(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


# ----------------------------------------------------------------------------- reading


def test_read_si_skips_blank_lines_and_tolerates_crlf_and_bom(tmp_path: Path) -> None:
    path = write(tmp_path / "a.labels", "\ufeff1\t0\t5\r\n\n   \n1\t7\t9\n2\t3\t3")
    assert read_si(path) == [("1", 0, 5), ("1", 7, 9), ("2", 3, 3)]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("1\t0", "expected 3 tab-separated fields"),
        ("1\t0\t5\t9", "got 4"),
        ("1\tzero\t5", "start offset 'zero' is not an integer"),
        ("1\t0\t5.0", "end offset '5.0' is not an integer"),
        ("1\t 0\t5", "is not an integer"),
        ("1\t6\t5", "start offset 6 is after end offset 5"),
        ("1\t-1\t5", "start offset -1 is negative"),
        ("\t0\t5", "article id is empty"),
    ],
)
def test_malformed_si_line_names_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = write(tmp_path / "x.labels", f"1\t0\t1\n\n{line}\n")
    with pytest.raises(LabelFormatError) as info:
        read_si(path)
    assert info.value.line_no == 3
    assert info.value.path == path
    assert str(info.value).startswith(f"[E002] {path}:3: ")
    assert problem in str(info.value)


def test_read_flc_and_taxonomies(tmp_path: Path) -> None:
    both = write(tmp_path / "both.labels", "1\tDoubt\t0\t4\n1\tName_Calling,Labeling\t5\t9\n")
    assert read_flc(both) == [("1", "Doubt", 0, 4), ("1", "Name_Calling,Labeling", 5, 9)]
    assert read_flc(both, taxonomy="semeval2020")[1][1] == "Name_Calling,Labeling"
    with pytest.raises(UnknownTechniqueError):
        read_flc(both, taxonomy="semeval2023")
    weird = write(tmp_path / "weird.labels", "1\tMade_Up\t0\t4\n")
    assert read_flc(weird, taxonomy=None) == [("1", "Made_Up", 0, 4)]


def test_unknown_technique_lists_valid_names_and_place(tmp_path: Path) -> None:
    path = write(tmp_path / "t.labels", "1\tDoubt\t0\t4\n1\tLoaded_Languag\t0\t4\n")
    with pytest.raises(UnknownTechniqueError) as info:
        read_flc(path, taxonomy="semeval2023")
    message = str(info.value)
    assert "'Loaded_Languag'" in message and f"{path}:2" in message
    assert all(name in message for name in TECHNIQUES)
    assert info.value.name == "Loaded_Languag"
    with pytest.raises(UnknownTechniqueError) as info:
        read_flc(path)  # "auto" lists the names of both taxonomies
    assert all(name in str(info.value) for name in (*TECHNIQUES, *TECHNIQUES_2020))


def test_2023_name_rejected_by_2020_taxonomy(tmp_path: Path) -> None:
    path = write(tmp_path / "t.labels", "1\tName_Calling-Labeling\t0\t4\n")
    with pytest.raises(UnknownTechniqueError, match="Name_Calling,Labeling"):
        read_flc(path, taxonomy="semeval2020")


def test_bad_taxonomy_argument(tmp_path: Path) -> None:
    path = write(tmp_path / "t.labels", "1\tDoubt\t0\t4\n")
    with pytest.raises(InputError, match="semeval2023"):
        read_flc(path, taxonomy="semeval2019")  # type: ignore[arg-type]


def test_read_tc_template_accepts_question_marks(tmp_path: Path) -> None:
    path = write(tmp_path / "dev-task-TC-template.out", "1\t?\t0\t4\n1\tDoubt\t5\t9\n")
    assert read_tc_template(path) == [("1", "?", 0, 4), ("1", "Doubt", 5, 9)]
    bad = write(tmp_path / "bad.out", "1\t!\t0\t4\n")
    with pytest.raises(UnknownTechniqueError):
        read_tc_template(bad)


def test_read_st3_columns_and_commas(tmp_path: Path) -> None:
    path = write(
        tmp_path / "st3.txt",
        "1\t1\t\n1\t2\n1\t3\tDoubt,Slogans\n"
        "2\t1\tName_Calling,Labeling,Whataboutism,Straw_Men,Red_Herring,Doubt\n",
    )
    assert read_st3(path) == [
        ("1", 1, ()),
        ("1", 2, ()),
        ("1", 3, ("Doubt", "Slogans")),
        ("2", 1, ("Name_Calling,Labeling", "Whataboutism,Straw_Men,Red_Herring", "Doubt")),
    ]
    # With the 2023 taxonomy the commas only separate, so the 2020 names break apart.
    with pytest.raises(UnknownTechniqueError, match=f"{path}:4"):
        read_st3(path, taxonomy="semeval2023")
    assert read_st3(path, taxonomy=None)[3][2][:2] == ("Name_Calling", "Labeling")


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("1\t1\tDoubt\n1\t1\tSlogans\n", 2, "already given at line 1"),
        ("1\t0\tDoubt\n", 1, "paragraph number 0 is less than 1"),
        ("1\tx\tDoubt\n", 1, "not an integer"),
        ("1\t1\tDoubt,,Slogans\n", 1, "technique name is empty"),
        ("1\t1\tDoubt\textra\n", 1, "expected 2 or 3"),
    ],
)
def test_malformed_st3(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = write(tmp_path / "st3.txt", text)
    with pytest.raises(LabelFormatError, match=problem) as info:
        read_st3(path)
    assert info.value.line_no == line


def test_read_template_keeps_tabs_and_cr(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt.template", "7\t1\tTitle\r\n7\t3\tA\ttabbed line\n")
    assert read_template(path) == [("7", 1, "Title\r"), ("7", 3, "A\ttabbed line")]


def test_st1_and_st2(tmp_path: Path) -> None:
    st1 = write(tmp_path / "st1.txt", "1\topinion\n2\tsatire\n")
    assert read_st1(st1) == {"1": "opinion", "2": "satire"}
    st2 = write(tmp_path / "st2.txt", "1\tPolitical,Morality\n2\t\n3\n")
    assert read_st2(st2) == {"1": ("Political", "Morality"), "2": (), "3": ()}


@pytest.mark.parametrize(
    ("reader", "text", "problem"),
    [
        (read_st1, "1\topinion\n2\tnews\n", "unknown genre 'news'; valid genres are: opinion"),
        (read_st1, "1\topinion\n1\tsatire\n", "already labelled at line 1"),
        (read_st1, "1\n", "expected 2"),
        (read_st2, "1\tPolitical\n2\tPolitics\n", "unknown frame 'Politics'; valid frames"),
        (read_st2, "1\tPolitical\n1\tMorality\n", "already labelled at line 1"),
    ],
)
def test_malformed_st1_st2(tmp_path: Path, reader: object, text: str, problem: str) -> None:
    path = write(tmp_path / "st.txt", text)
    with pytest.raises(LabelFormatError, match=problem) as info:
        reader(path)  # type: ignore[operator]
    assert str(path) in str(info.value)
    assert info.value.line_no == text.count("\n")


# ----------------------------------------------------------------------------- folders


def test_folder_reads_label_files_sorted_and_skips_templates(tmp_path: Path) -> None:
    folder = tmp_path / "labels"
    write(folder / "b.labels", "2\t0\t1\n")
    write(folder / "a.txt", "1\t0\t1\n")
    write(folder / "c.txt.template", "not\ta\tlabel\tfile\n")
    write(folder / "d.json", "{}\n")
    write(folder / ".hidden.labels.tmp", "garbage\n")
    write(folder / ".e.labels", "garbage\n")
    (folder / "sub.labels").mkdir()
    assert read_si(folder) == [("1", 0, 1), ("2", 0, 1)]
    assert formats.label_files(folder) == [folder / "a.txt", folder / "b.labels"]


def test_folder_error_names_the_file_and_its_own_line(tmp_path: Path) -> None:
    folder = tmp_path / "labels"
    write(folder / "a.labels", "1\t0\t1\n1\t0\t2\n")
    write(folder / "b.labels", "2\t0\tx\n")
    with pytest.raises(LabelFormatError) as info:
        read_si(folder)
    assert info.value.path == folder / "b.labels" and info.value.line_no == 1


def test_template_folder_reads_only_templates(tmp_path: Path) -> None:
    folder = tmp_path / "st3"
    write(folder / "article1-labels-subtask-3.txt", "1\t1\tDoubt\n")
    write(folder / "article1-labels-subtask-3.txt.template", "1\t1\tHello")
    write(folder / "article2-labels-subtask-3.txt.template", "2\t1\tWorld\n")
    assert read_template(folder) == [("1", 1, "Hello"), ("2", 1, "World")]
    assert read_st3(folder) == [("1", 1, ("Doubt",))]


def test_empty_or_missing_paths(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\.labels or \.txt"):
        read_si(tmp_path)
    with pytest.raises(InputError, match="does not exist"):
        read_si(tmp_path / "missing.labels")


def test_label_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "x.labels"
    path.write_bytes(b"caf\xe9\t0\t1\n")
    with pytest.raises(InputError, match="utf-8") as info:
        read_si(path)
    assert str(path) in str(info.value)


# ----------------------------------------------------------------------------- writing


def test_writers_round_trip_with_exact_bytes(tmp_path: Path) -> None:
    si = tmp_path / "out" / "deep" / "si.labels"
    write_si(si, [("1", 0, 5), ("2", 3, 3)])
    assert raw(si) == "1\t0\t5\n2\t3\t3\n"
    assert read_si(si) == [("1", 0, 5), ("2", 3, 3)]

    flc = tmp_path / "flc.labels"
    rows = [("1", "Doubt", 0, 4), ("1", "Name_Calling,Labeling", 5, 9)]
    write_flc(flc, rows)
    assert raw(flc) == "1\tDoubt\t0\t4\n1\tName_Calling,Labeling\t5\t9\n"
    assert read_flc(flc) == rows

    st3 = tmp_path / "st3.txt"
    st3_rows = [("1", 1, ()), ("1", 3, ("Doubt", "Slogans"))]
    write_st3(st3, st3_rows)
    assert raw(st3) == "1\t1\t\n1\t3\tDoubt,Slogans\n"
    assert read_st3(st3) == st3_rows

    st1 = tmp_path / "st1.txt"
    write_st1(st1, {"1": "opinion", "2": "reporting"})
    assert raw(st1) == "1\topinion\n2\treporting\n"
    assert read_st1(st1) == {"1": "opinion", "2": "reporting"}

    st2 = tmp_path / "st2.txt"
    write_st2(st2, {"1": ("Political", "Morality"), "2": ()})
    assert raw(st2) == "1\tPolitical,Morality\n2\t\n"
    assert read_st2(st2) == {"1": ("Political", "Morality"), "2": ()}

    empty = tmp_path / "empty.labels"
    write_si(empty, [])
    assert raw(empty) == "" and read_si(empty) == []


def test_atomic_write_leaves_no_temp_file_and_replaces(tmp_path: Path) -> None:
    path = tmp_path / "si.labels"
    write_si(path, [("1", 0, 1)])
    write_si(path, [("2", 0, 2)])
    assert os.listdir(tmp_path) == ["si.labels"]
    assert raw(path) == "2\t0\t2\n"
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask  # as a plain open() would create it


def test_failed_write_keeps_old_file_and_removes_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "si.labels"
    write_si(path, [("1", 0, 1)])

    def broken_replace(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(formats.os, "replace", broken_replace)
    with pytest.raises(InputError, match="No space left"):
        write_si(path, [("2", 0, 2)])
    assert os.listdir(tmp_path) == ["si.labels"]
    assert raw(path) == "1\t0\t1\n"


@pytest.mark.parametrize(
    ("writer", "rows", "problem"),
    [
        (write_si, [("1", 0, 1), ("a\tb", 0, 1)], "contains a tab"),
        (write_si, [("1", 2, 1)], "start 2 is after end 1"),
        (write_si, [("1", -1, 1)], "non-negative int"),
        (write_si, [("1", True, 1)], "non-negative int"),
        (write_si, [("", 0, 1)], "non-empty string"),
        (write_flc, [("1", "Doubt\n", 0, 1)], "newline"),
        (write_st3, [("1", 0, ())], "paragraph must be an int >= 1"),
        (write_st3, [("1", 1, "Doubt")], "sequence of names"),
    ],
)
def test_invalid_rows_are_not_written(
    tmp_path: Path, writer: object, rows: list[object], problem: str
) -> None:
    path = tmp_path / "out.labels"
    with pytest.raises(LabelFormatError, match=problem):
        writer(path, rows)  # type: ignore[operator]
    assert not path.exists() and os.listdir(tmp_path) == []


def test_writers_check_names(tmp_path: Path) -> None:
    with pytest.raises(UnknownTechniqueError, match="row 1"):
        write_flc(tmp_path / "a", [("1", "Bogus", 0, 1)])
    with pytest.raises(UnknownTechniqueError):
        write_st3(tmp_path / "b", [("1", 1, ("Name_Calling,Labeling",))], "semeval2023")
    with pytest.raises(LabelFormatError, match="contains a comma"):
        write_st3(tmp_path / "c", [("1", 1, ("A,B",))], None)
    with pytest.raises(LabelFormatError, match="unknown genre"):
        write_st1(tmp_path / "d", {"1": "news"})
    with pytest.raises(LabelFormatError, match="unknown frame"):
        write_st2(tmp_path / "e", {"1": ("Politics",)})
    assert os.listdir(tmp_path) == []


# ----------------------------------------------------------------------------- properties

ids = st.text(alphabet="0123456789abcdef", min_size=1, max_size=12)
offsets = st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)).map(sorted)
all_names = st.sampled_from((*TECHNIQUES, *TECHNIQUES_2020))


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(st.tuples(ids, all_names, offsets), max_size=20))
def test_flc_round_trip(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, list[int]]]
) -> None:
    flat = [(i, t, s, e) for i, t, (s, e) in rows]
    path = tmp_path_factory.mktemp("flc") / "x.labels"
    write_flc(path, flat)
    assert read_flc(path) == flat


@settings(max_examples=50, deadline=None)
@given(
    rows=st.dictionaries(
        st.tuples(ids, st.integers(1, 500)),
        st.lists(all_names, max_size=5).map(tuple),
        max_size=20,
    ),
    genres=st.dictionaries(ids, st.sampled_from(GENRES), max_size=10),
    frames=st.dictionaries(ids, st.lists(st.sampled_from(FRAMES), max_size=4).map(tuple)),
)
def test_st_round_trips(
    tmp_path_factory: pytest.TempPathFactory,
    rows: dict[tuple[str, int], tuple[str, ...]],
    genres: dict[str, str],
    frames: dict[str, tuple[str, ...]],
) -> None:
    folder = tmp_path_factory.mktemp("st")
    flat = [(i, n, t) for (i, n), t in rows.items()]
    write_st3(folder / "st3.txt", flat)
    assert read_st3(folder / "st3.txt") == flat
    write_st1(folder / "st1.txt", genres)
    assert read_st1(folder / "st1.txt") == genres
    write_st2(folder / "st2.txt", frames)
    assert read_st2(folder / "st2.txt") == frames


def test_write_text_atomic_replaces_whole_files_and_names_the_path(tmp_path) -> None:
    from spinscope.formats import write_text_atomic

    target = tmp_path / "sub" / "report.html"
    write_text_atomic(target, "first\r\nline")
    assert target.read_bytes() == b"first\r\nline"  # line ends kept as given
    write_text_atomic(target, "second")
    assert target.read_text(encoding="utf-8") == "second"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]  # no temporary left
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="cannot write"):
        write_text_atomic(blocker / "inside.txt", "y")
