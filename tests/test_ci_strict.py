"""SPINSCOPE_REQUIRE_ALL=1 turns skips into failures, except a missing corpus (strict_skips.py).

Each test runs a small suite in-process with pytester and the plugin loaded by ``-p``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from strict_skips import ENV

pytest_plugins = ["pytester"]

#: run(test module source, value of SPINSCOPE_REQUIRE_ALL or None to unset it)
Run = Callable[[str, str | None], pytest.RunResult]

MARKERS = """
[pytest]
markers =
    integration: needs the corpora under the data root
    privileged: needs a privilege a CI container may lack
"""


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Run:
    """Run the given test module, with SPINSCOPE_REQUIRE_ALL set to ``strict`` or unset."""
    pytester.makeini(MARKERS)
    pytester.makepyfile(test_other="def test_other():\n    pass\n")

    def go(source: str, strict: str | None) -> pytest.RunResult:
        if strict is None:
            monkeypatch.delenv(ENV, raising=False)
        else:
            monkeypatch.setenv(ENV, strict)
        pytester.makepyfile(test_it=source)
        return pytester.runpytest("-p", "strict_skips", "-ra")

    return go


EXTRA_SKIP = """
import pytest

def test_needs_an_extra():
    pytest.skip("the batch extra is not installed")

def test_runs():
    pass
"""


@pytest.mark.parametrize("value", [None, "", "0"])
def test_a_skip_passes_without_the_variable(run: Run, value: str | None) -> None:
    result = run(EXTRA_SKIP, value)
    result.assert_outcomes(passed=2, skipped=1)
    assert result.ret == 0


def test_a_skip_fails_under_the_variable(run: Run) -> None:
    result = run(EXTRA_SKIP, "1")
    result.assert_outcomes(passed=2, failed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*_ test_needs_an_extra _*",
            "skipped under SPINSCOPE_REQUIRE_ALL=1: the batch extra is not installed",
        ]
    )


def test_skips_in_fixtures_marks_and_teardown_fail(run: Run) -> None:
    source = """
import pytest

@pytest.fixture
def browser():
    pytest.skip("chromium is not installed")

@pytest.fixture
def late():
    yield
    pytest.skip("nothing to clean")

def test_fixture(browser):
    pass

@pytest.mark.skipif(True, reason="PostgreSQL is not available")
def test_skipif():
    pass

@pytest.mark.skipif(False, reason="never")
def test_not_skipped():
    pass

@pytest.mark.skip(reason="later")
def test_skip_mark():
    pass

def test_teardown(late):
    pass
"""
    result = run(source, "1")
    # a failed setup or teardown is an error, a failed call a failure: both fail the run
    result.assert_outcomes(passed=3, errors=4)
    result.stdout.fnmatch_lines(
        [
            "*_ ERROR at setup of test_fixture _*",
            "skipped under SPINSCOPE_REQUIRE_ALL=1: chromium is not installed",
            "*_ ERROR at setup of test_skipif _*",
            "skipped under SPINSCOPE_REQUIRE_ALL=1: PostgreSQL is not available",
            "*_ ERROR at setup of test_skip_mark _*",
            "skipped under SPINSCOPE_REQUIRE_ALL=1: later",
            "*_ ERROR at teardown of test_teardown _*",
            "skipped under SPINSCOPE_REQUIRE_ALL=1: nothing to clean",
        ]
    )
    assert result.ret == 1


def test_a_module_that_skips_at_import_is_a_collection_error(run: Run) -> None:
    source = """
import pytest

pytest.importorskip("spinscope_no_such_module", reason="the serve extra is not installed")

def test_serve():
    pass
"""
    relaxed = run(source, None)
    relaxed.assert_outcomes(passed=1, skipped=1)
    assert relaxed.ret == 0
    strict = run(source, "1")
    strict.assert_outcomes(errors=1)
    strict.stdout.fnmatch_lines(
        [
            "*_ ERROR collecting test_it.py _*",
            "skipped under SPINSCOPE_REQUIRE_ALL=1: the serve extra is not installed",
        ]
    )
    assert strict.ret != 0


CORPORA = """
import pytest

pytestmark = pytest.mark.integration

@pytest.fixture(scope="module")
def root():
    pytest.skip("no corpus data root: set SPINSCOPE_DATA or put the data in ../shared/data")

def test_one(root):
    pass

def test_two(root):
    pass

def test_partial():
    pytest.skip("data root /d lacks semeval2023/en")
"""


def test_a_missing_corpus_still_skips_under_the_variable(run: Run) -> None:
    result = run(CORPORA, "1")
    result.assert_outcomes(passed=1, skipped=3)
    assert result.ret == 0


def test_only_integration_tests_may_skip_for_the_corpora(run: Run) -> None:
    source = """
import pytest

@pytest.mark.integration
def test_marked_but_an_extra_is_missing():
    pytest.skip("the spacy extra is not installed")

def test_not_marked():
    pytest.skip("no corpus data root")
"""
    result = run(source, "1")
    result.assert_outcomes(passed=1, failed=2)


def test_xfail_is_untouched(run: Run) -> None:
    source = """
import pytest

@pytest.mark.xfail(reason="known")
def test_xfails():
    assert False

@pytest.mark.xfail(reason="known, fixed")
def test_xpasses():
    pass

def test_imperative_xfail():
    pytest.xfail("known")
"""
    result = run(source, "1")
    result.assert_outcomes(passed=1, xfailed=2, xpassed=1)
    assert result.ret == 0


def test_only_privileged_tests_may_skip_for_a_privilege(run: Run) -> None:
    source = """
import pytest

@pytest.mark.privileged
def test_mounts():
    pytest.skip("no privilege to mount a small tmpfs here: permission denied")

@pytest.mark.privileged
def test_marked_but_chromium_is_missing():
    pytest.skip("chromium is not installed")

def test_not_marked():
    pytest.skip("no privilege to mount a small tmpfs here")
"""
    result = run(source, "1")
    result.assert_outcomes(passed=1, skipped=1, failed=2)
    assert "chromium is not installed" in result.stdout.str()
