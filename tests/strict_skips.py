"""Under ``SPINSCOPE_REQUIRE_ALL=1`` a skip is a failure: CI sets it (``.ci/run``).

CI installs every extra, chromium and a C compiler, so a test that skips there has lost
something it should have run with, and a green CI would hide it. On a developer's machine,
without the variable, tests skip as usual and say what to install.

Two skips are allowed. The corpora: they may not be redistributed, so a fresh clone has none;
a test marked ``integration`` whose skip reason names the data root (``"no corpus data root:
..."``; the example article shared beside it, likewise) still skips. And a privilege the
machine withholds: a test marked ``privileged`` whose skip reason says "privilege" (mounting
a small tmpfs to fill a real disk; a container may forbid it, and the same fault is also
tested without privileges). Anything else fails with
"skipped under SPINSCOPE_REQUIRE_ALL=1: REASON", including a module that skips at import
(``pytest.importorskip`` at module level), which becomes a collection error. Expected failures
(``xfail``) are left alone.

``tests/conftest.py`` loads this plugin; elsewhere (pytester runs) pass ``-p strict_skips``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Generator

import pytest

#: The environment variable that turns skips into failures when it is ``1``.
ENV = "SPINSCOPE_REQUIRE_ALL"

#: A skip reason that says the corpora are absent: it names the data root.
CORPORA_REASON = re.compile(r"\bdata root\b", re.IGNORECASE)
#: A skip reason that says the machine withholds a privilege (a test marked ``privileged``).
PRIVILEGE_REASON = re.compile(r"\bprivilege", re.IGNORECASE)
#: The allowed skips: a test with the marker whose reason matches.
ALLOWED = {"integration": CORPORA_REASON, "privileged": PRIVILEGE_REASON}


def strict() -> bool:
    """Whether skips fail in this run."""
    return os.environ.get(ENV, "") == "1"


def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    # a skip's longrepr is (path, line, "Skipped: REASON")
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def _fail(report: pytest.TestReport | pytest.CollectReport, reason: str) -> None:
    report.outcome = "failed"
    report.longrepr = f"skipped under {ENV}=1: {reason}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Fail a skipped setup, call or teardown, unless it is an allowed skip (:data:`ALLOWED`)."""
    report = yield
    # an xfail is reported as skipped too, with wasxfail set
    if report.skipped and not hasattr(report, "wasxfail") and strict():
        reason = _reason(report)
        allowed = any(
            item.get_closest_marker(marker) is not None and pattern.search(reason)
            for marker, pattern in ALLOWED.items()
        )
        if not allowed:
            _fail(report, reason)
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Fail a module (or folder) that skips while it is collected: no corpora skip does."""
    report = yield
    if report.skipped and strict():
        _fail(report, _reason(report))
    return report
