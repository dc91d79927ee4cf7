from __future__ import annotations

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
        "Document",
        "Explanation",
        "Span",
        "SpinscopeError",
        "__version__",
        "analyze",
        "explain",
        "load",
    }
    for name in spinscope.__all__:
        assert hasattr(spinscope, name), name


def test_explain_from_the_top_level() -> None:
    assert spinscope.explain("Loaded_Language").title == "Loaded language"


def test_supported_languages_from_the_top_level() -> None:
    assert spinscope.SUPPORTED_LANGUAGES == ("en", "fr", "de", "it", "pl", "ru")
