"""The documentation site: `mkdocs build --strict` passes, with the generated pages in it.

The build runs the hooks in docs/hooks/ (the CLI reference from the Typer app, the model card
included from MODEL_CARD.md, the techniques table, the public API table) and mkdocstrings over
the package's docstrings; any warning fails it. About 5 s on 2 cores.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}{result.stderr}"
    return out


def _page(site: Path, path: str) -> str:
    page = site / path
    assert page.is_file(), f"{path} is missing from the built site"
    return page.read_text(encoding="utf-8")


def test_home_and_guides(site: Path) -> None:
    assert "examples/city-council.txt" in _page(site, "index.html")
    for page in ("quickstart.html", "concepts.html", "serve.html", "batch.html", "compare.html"):
        _page(site, page)


def test_cli_reference_is_generated_from_the_app(site: Path) -> None:
    html = _page(site, "reference/cli.html")
    for command in ("analyze", "compare", "techniques", "batch", "serve"):
        assert f'id="{command}"' in html
        assert f"spinscope {command}" in html
    # options come from the commands themselves, with their help and defaults
    assert "--likely-only" in html
    assert "[default: terminal]" in html


def test_api_reference_from_docstrings(site: Path) -> None:
    html = _page(site, "reference/analyzer.html")
    assert 'id="spinscope.analyzer.Analyzer"' in html
    assert 'id="spinscope.analyzer.Analyzer.analyze"' in html
    # reST roles in docstrings become links, not literal ":class:" text
    assert ":class:" not in html
    assert 'href="analysis.html#spinscope.analysis.Analysis"' in html
    top = _page(site, "reference/spinscope.html")
    assert 'href="analyzer.html#spinscope.analyzer.Analyzer"' in top


def test_model_card_and_techniques_come_from_the_repository(site: Path) -> None:
    first_heading = (ROOT / "MODEL_CARD.md").read_text(encoding="utf-8").splitlines()[0]
    title = first_heading.lstrip("# ").split(":")[0]
    assert title in _page(site, "model-card.html")
    assert "Loaded_Language" in _page(site, "concepts.html")


def test_site_loads_nothing_from_other_sites(site: Path) -> None:
    external = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""")
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text, page
        assert not external.search(text), f"{page.relative_to(site)} loads an external resource"
    assert not (site / "hooks").exists()
