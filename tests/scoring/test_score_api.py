from __future__ import annotations

import spinscope.scoring as scoring


def test_public_api() -> None:
    assert set(scoring.__all__) == {
        "PRIMARY",
        "SCORERS",
        "score_flc",
        "score_si",
        "score_st1",
        "score_st2",
        "score_st3",
        "score_tc",
    }
    assert set(scoring.PRIMARY) == set(scoring.SCORERS) == {"si", "flc", "tc", "st1", "st2", "st3"}
    assert scoring.PRIMARY["st1"] == "macro_f1"
    assert scoring.PRIMARY["st3"] == "micro_f1"


def test_primary_key_is_returned_by_each_scorer() -> None:
    examples = {
        "si": ([("a", 0, 5)], [("a", 0, 5)]),
        "flc": ([("a", "LL", 0, 5)], [("a", "LL", 0, 5)]),
        "tc": ([("a", "LL", 0, 5)], [("a", "LL", 0, 5)]),
        "st1": ({"a": "satire"}, {"a": "satire"}),
        "st2": ({"a": ("Economic",)}, {"a": ("Economic",)}),
        "st3": ([("a", 1, ("Doubt",))], [("a", 1, ("Doubt",))]),
    }
    for task, (gold, pred) in examples.items():
        scores = scoring.SCORERS[task](gold, pred)
        assert scores[scoring.PRIMARY[task]] == 1.0, task
        assert all(isinstance(v, float) for v in scores.values()), task
