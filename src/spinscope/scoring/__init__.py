"""Official scorers of the SemEval tasks, as pure functions on in-memory rows.

Each scorer returns a flat ``dict[str, float]``; :data:`PRIMARY` names the key of its primary
metric and :data:`SCORERS` finds a scorer by task name:

==========  ==================================================  ===========
task        what                                                primary
==========  ==================================================  ===========
``si``      SemEval-2020 T11 span identification                ``f1``
``flc``     spans with techniques (NLP4IF-2019 FLC formula)     ``f1``
``tc``      SemEval-2020 T11 technique classification           ``f1``
``st1``     SemEval-2023 T3 subtask 1, genre                    ``macro_f1``
``st2``     SemEval-2023 T3 subtask 2, framing                  ``micro_f1``
``st3``     SemEval-2023 T3 subtask 3, paragraph techniques     ``micro_f1``
==========  ==================================================  ===========
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spinscope.scoring.semeval2023 import score_st1, score_st2, score_st3
from spinscope.scoring.spans import score_flc, score_si
from spinscope.scoring.tc import score_tc

__all__ = [
    "PRIMARY",
    "SCORERS",
    "score_flc",
    "score_si",
    "score_st1",
    "score_st2",
    "score_st3",
    "score_tc",
]

#: Task name -> key of the primary metric in what its scorer returns.
PRIMARY: dict[str, str] = {
    "si": "f1",
    "flc": "f1",
    "tc": "f1",
    "st1": "macro_f1",
    "st2": "micro_f1",
    "st3": "micro_f1",
}

#: Task name -> scorer, called as ``scorer(gold, pred)``.
SCORERS: dict[str, Callable[[Any, Any], dict[str, float]]] = {
    "si": score_si,
    "flc": score_flc,
    "tc": score_tc,
    "st1": score_st1,
    "st2": score_st2,
    "st3": score_st3,
}
