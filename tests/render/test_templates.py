"""The one templating path: every HTML surface escapes what it is given, strictly."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import jinja2
import pytest
from render_support import HOSTILE_DOC, HOSTILE_PHRASES

from spinscope.render.html import render_html
from spinscope.render.templates import environment, render

#: What must never reach a page as markup.
SCRIPT = "<script>window.__pwned = 1</script>"
ESCAPED = "&lt;script&gt;window.__pwned = 1&lt;/script&gt;"


def test_every_template_parses() -> None:
    env = environment()
    names = env.list_templates()
    assert "report.html.j2" in names and "dashboard.html.j2" in names
    assert any(name.startswith("serve_") for name in names)
    for name in names:
        env.get_template(name)  # raises TemplateSyntaxError on a broken one


def test_the_environment_autoescapes_and_is_strict() -> None:
    env = environment()
    assert environment() is env  # built once
    template = env.from_string("<p title='{{ value }}'>{{ value }}</p>")
    assert template.render(value="<b>'&\"") == (
        "<p title='&lt;b&gt;&#39;&amp;&#34;'>&lt;b&gt;&#39;&amp;&#34;</p>"
    )
    with pytest.raises(jinja2.UndefinedError):
        render("serve_not_found.html.j2")  # analysis_id is missing
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


def test_the_script_json_filter_cannot_close_its_element() -> None:
    out = environment().from_string("{{ data|script_json }}").render(data={"x": "</script>&"})
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(out) == {"x": "</script>&"}


def test_report_escapes_title_speaker_and_technique_text(phrase_analyzer) -> None:
    analysis = phrase_analyzer(HOSTILE_PHRASES).analyze(HOSTILE_DOC)
    analysis = dataclasses.replace(
        analysis,
        title=SCRIPT,
        spans=tuple(dataclasses.replace(s, quoted=True, speaker=SCRIPT) for s in analysis.spans),
        quotations=tuple(dataclasses.replace(q, speaker=SCRIPT) for q in analysis.quotations),
    )
    assert any(s.text.startswith("<script>") for s in analysis.spans)  # a technique's text
    page = render_html(analysis)
    assert SCRIPT not in page
    assert f"<title>spinscope report: {ESCAPED}</title>" in page
    assert f"said by {ESCAPED}" in page  # the speaker, in the span list
    assert f'<span class="quote">{ESCAPED}</span>' in page  # the technique's text
    # exactly the page's own two scripts
    assert page.count("<script") == 2


def test_server_pages_escape_what_was_typed(tmp_path: Path) -> None:
    pytest.importorskip("fastapi", reason="the serve extra is not installed")
    from fastapi.testclient import TestClient

    from spinscope.serve import Settings, create_app

    app = create_app(Settings(database=f"sqlite:///{tmp_path / 'app.db'}", detector="baseline"))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        for _ in range(600):
            if client.get("/readyz").status_code == 200:
                break
            time.sleep(0.05)
        text = "The shameful traitors ruined everything, the council said on Monday. " * 3
        r = client.post("/analyze", data={"text": text, "title": SCRIPT, "save": "true"})
        assert r.status_code == 200 and SCRIPT not in r.text
        history = client.get("/history", params={"q": SCRIPT}).text
        assert SCRIPT not in history
        assert f'value="{ESCAPED}"' in history  # the search box
        assert f"“{ESCAPED}”" in history  # what was searched for
        history = client.get("/history").text
        assert f">{ESCAPED}</a>" in history and f'aria-label="Delete {ESCAPED}"' in history
        # a form drawn again after an error keeps what was typed, escaped
        r = client.post("/analyze", data={"text": "   ", "title": SCRIPT, "url": SCRIPT})
        assert r.status_code == 422 and SCRIPT not in r.text
        assert f'id="title" name="title" value="{ESCAPED}"' in r.text
        r = client.get("/a/" + SCRIPT.replace("/", ""))
        assert r.status_code == 404 and "<script>" not in r.text


def test_dashboard_escapes_source_names(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow", reason="the batch extra is not installed")
    pytest.importorskip("altair", reason="the report needs the batch extra (altair)")
    pytest.importorskip("vl_convert", reason="the report needs the batch extra (vl-convert)")
    from spinscope.batch import BatchOptions, run_batch
    from spinscope.batch.report import write_report

    article = (
        "This is the worst disaster in the history of the region. Everyone knows the minister "
        "is a liar and a coward who has betrayed every family in the country. We must act now "
        "or lose everything forever. Take back control! The catastrophe will haunt us.\n"
    )
    rows = [
        {"id": f"d{i}", "text": article, "source": SCRIPT, "title": SCRIPT, "date": "2024-01-02"}
        for i in range(2)
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    run_batch([source], tmp_path / "run", BatchOptions(detector="baseline"), progress=False)
    page = write_report(tmp_path / "run", tmp_path / "report.html", top=2).html.read_text("utf-8")
    assert SCRIPT not in page
    assert f"<td>{ESCAPED}</td>" in page  # the source column of the most charged articles
    assert f">{ESCAPED}</a>" in page  # the article's title, linking to its report
