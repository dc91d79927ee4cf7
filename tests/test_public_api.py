from __future__ import annotations

import pytest

import spinscope


def test_public_names() -> None:
    assert set(spinscope.__all__) == {
        "ANALYSIS_SCHEMA_VERSION",
        "CATEGORIES",
        "SCHEMA_VERSION",
        "SUPPORTED_LANGUAGES",
        "TECHNIQUES",
        "TECHNIQUES_2020",
        "Analysis",
        "Analyzer",
        "Comparison",
        "Document",
        "Explanation",
        "Span",
        "SpinscopeError",
        "__version__",
        "analyze",
        "compare",
        "compare_sources",
        "explain",
        "load",
        "read_batch",
    }
    for name in spinscope.__all__:
        assert hasattr(spinscope, name), name


def test_explain_from_the_top_level() -> None:
    assert spinscope.explain("Loaded_Language").title == "Loaded language"


def test_supported_languages_from_the_top_level() -> None:
    assert spinscope.SUPPORTED_LANGUAGES == ("en", "fr", "de", "it", "pl", "ru")


def test_importing_spinscope_leaves_the_comparison_out() -> None:
    import subprocess
    import sys

    code = (
        "import sys, spinscope\n"
        "assert 'spinscope.comparison' not in sys.modules and 'numpy' not in sys.modules\n"
        "assert 'spinscope.dataframes' not in sys.modules and 'pandas' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_compare_from_the_top_level() -> None:
    import spinscope.comparison
    from compare_support import STORY_A, STORY_B, STORY_THRESHOLD, HashingEncoder, story_analyzer

    result = spinscope.compare(
        [STORY_A, STORY_B],
        encoder=HashingEncoder(),
        analyzer=story_analyzer(),
        threshold=STORY_THRESHOLD,
    )
    assert isinstance(result, spinscope.Comparison)
    assert spinscope.Comparison is spinscope.comparison.Comparison
    assert [a.label for a in result.articles] == ["A", "B"]
    assert callable(spinscope.compare) and callable(spinscope.compare_sources)
    with pytest.raises(AttributeError, match="no attribute"):
        spinscope.not_a_name  # noqa: B018
