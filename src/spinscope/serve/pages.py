"""The web pages: a form at ``/``, the report at ``/a/{id}``, and the history.

Pages are drawn on the server, need no JavaScript of their own and load nothing from
elsewhere, so they work offline. A result is drawn by the HTML report's renderer
(:func:`~spinscope.render.html.render_html`) with a row of links above it: the same
highlights, explanations, filters and summary as ``spinscope analyze --format html``.

The form posts to ``/analyze``: a saved analysis redirects to its permalink (303), an unsaved
one is answered with the report itself; an error draws the form again with the message and
the input kept. Every article text and title goes through :func:`html.escape`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from typing import Annotated
from urllib.parse import quote_plus

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from spinscope.analysis import Analysis
from spinscope.errors import SpinscopeError
from spinscope.serve.api import MAX_OFFSET, article_request, service_of
from spinscope.serve.problems import Problem
from spinscope.serve.service import ArticleRequest, Service
from spinscope.serve.storage import SavedSummary

__all__ = ["PAGE_CSP", "router"]

router = APIRouter(include_in_schema=False)

#: The policy of the form and history pages: their own stylesheet, no script, forms to self.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

_HISTORY_PAGE = 20


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _layout(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_e(title)}</title>\n"
        '<link rel="stylesheet" href="/static/app.css">\n</head>\n<body>\n'
        '<a class="skip" href="#main">Skip to the content</a>\n'
        '<nav class="site-nav" aria-label="spinscope"><a href="/">New analysis</a>'
        '<a href="/history">History</a><a href="/docs">API</a></nav>\n'
        f'<main id="main">\n{body}\n'
        "<footer>spinscope marks persuasion techniques (SemEval-2023 taxonomy). A highlight is "
        "a prompt to look closer, not a verdict.</footer>\n</main>\n</body>\n</html>\n"
    )


def page_response(html: str, status: int = 200) -> HTMLResponse:
    """An app page, with its Content-Security-Policy."""
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": PAGE_CSP})


def report_response(analysis: Analysis, *, saved: bool = False) -> HTMLResponse:
    """The report page of ``analysis`` with the app's links, under the report's own policy."""
    from spinscope.render.html import render_html, report_csp

    links = [("New analysis", "/"), ("History", "/history")]
    if saved:
        links.append(("Permalink", f"/a/{analysis.id}"))
        links.append(("JSON", f"/v1/analyses/{analysis.id}"))
    html = render_html(analysis, nav=links)
    return HTMLResponse(
        html,
        headers={"Content-Security-Policy": f"{report_csp()}; frame-ancestors 'none'"},
    )


def _error_box(message: str) -> str:
    return (
        '<div class="error" role="alert" id="error"><strong>The article could not be '
        f"analysed.</strong>{_e(message)}</div>"
    )


def form_page(service: Service, req: ArticleRequest | None = None, error: str | None = None) -> str:
    """The form, filled with ``req`` and headed by ``error`` when drawn again after one."""
    text = req.text if req and req.text else ""
    url = req.url if req and req.url else ""
    title = req.title if req and req.title else ""
    threshold = "" if req is None or req.threshold is None else f"{req.threshold:g}"
    save = " checked" if req is None or req.save else ""
    key = ""
    if service.settings.api_key:
        key = (
            '<label for="api_key">API key</label>'
            '<p class="hint" id="api_key-hint">This server asks for its API key to analyse.</p>'
            '<input type="password" id="api_key" name="api_key" required '
            'autocomplete="current-password" aria-describedby="api_key-hint">'
        )
    cap = service.settings.max_chars
    body = (
        "<h1>Analyse an article</h1>\n"
        '<p class="lead">spinscope highlights the persuasion techniques in a news article and '
        "explains each one. Give the article in one of three ways.</p>\n"
        + (_error_box(error) if error else "")
        + '<form method="post" action="/analyze" enctype="multipart/form-data">\n'
        "<fieldset><legend>The article (one of these)</legend>\n"
        '<label for="text">Paste its text</label>'
        f'<p class="hint" id="text-hint">Up to {cap:,} characters.</p>'
        '<textarea id="text" name="text" rows="14" aria-describedby="text-hint">'
        f"{_e(text)}</textarea>\n"
        '<label for="url">Or give its web address</label>'
        f'<input type="url" id="url" name="url" placeholder="https://" value="{_e(url)}">\n'
        '<label for="file">Or upload a file</label>'
        '<p class="hint" id="file-hint">Plain text or a saved HTML page.</p>'
        '<input type="file" id="file" name="file" aria-describedby="file-hint" '
        'accept=".txt,.text,.html,.htm,text/plain,text/html">\n'
        "</fieldset>\n"
        "<fieldset><legend>Options</legend>\n"
        '<label for="title">Title (optional)</label>'
        f'<input type="text" id="title" name="title" value="{_e(title)}">\n'
        '<label for="threshold">Minimum confidence (optional, 0 to 1)</label>'
        '<p class="hint" id="threshold-hint">Higher shows fewer, surer highlights; empty uses '
        "the tuned default.</p>"
        '<input type="number" id="threshold" name="threshold" min="0" max="1" step="0.01" '
        f'value="{_e(threshold)}" aria-describedby="threshold-hint">\n'
        f'<p class="check"><input type="checkbox" id="save" name="save" value="true"{save}>'
        '<label class="inline" for="save">Save it to the history, with a permanent link'
        "</label></p>\n"
        f"{key}</fieldset>\n"
        '<button type="submit">Analyze</button>\n</form>\n'
    )
    return _layout("spinscope: analyse an article", body)


def _same_origin(request: Request) -> bool:
    """Whether a form post comes from this site's own pages (a cross-site one is refused).

    Browsers say where a request comes from in ``Sec-Fetch-Site``; older ones only send
    ``Origin``, which is ``null`` under this site's no-referrer policy. Clients that send
    neither (scripts, curl) are not browsers riding on a user's visit, and pass.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return True
    return origin.split("://", 1)[-1] == request.headers.get("host", "")


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def index(request: Request) -> HTMLResponse:
    """The form."""
    return page_response(form_page(service_of(request)))


@router.post("/analyze", response_class=HTMLResponse)
async def analyze_form(request: Request) -> Response:
    """Analyse what the form sent: redirect to the permalink, or draw the report."""
    service = service_of(request)
    req: ArticleRequest | None = None
    try:
        if not _same_origin(request):
            raise Problem(403, "this form can only be sent from this site's own page.")
        req, api_key = await article_request(request, service.settings.max_body_bytes)
        service.check_key(api_key)
        analysis = await service.analyze(req)
    except (Problem, SpinscopeError, StarletteHTTPException) as err:
        if isinstance(err, StarletteHTTPException):  # a body the form parser cannot read
            failed = Problem(err.status_code, f"the form could not be read ({err.detail}).")
        else:
            failed = err if isinstance(err, Problem) else Problem.from_error(err)
        shown = req or failed.draft
        return page_response(form_page(service, shown, failed.detail), failed.status)
    if req.save:
        return RedirectResponse(f"/a/{analysis.id}", status_code=303)
    return report_response(analysis)


def _not_found(analysis_id: str) -> HTMLResponse:
    body = (
        "<h1>No such analysis</h1>"
        f"<p>No saved analysis has the id <code>{_e(analysis_id)}</code>. It may have been "
        'deleted. See the <a href="/history">history</a>, or '
        '<a href="/">analyse an article</a>.</p>'
    )
    return page_response(_layout("spinscope: not found", body), 404)


@router.api_route("/a/{analysis_id}", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def permalink(request: Request, analysis_id: str) -> HTMLResponse:
    """A saved analysis, drawn as the HTML report."""
    data = await run_in_threadpool(service_of(request).storage.get, analysis_id)
    if data is None:
        return _not_found(analysis_id)
    return report_response(Analysis.from_dict(data), saved=True)


def _when(created_at: datetime) -> str:
    """A saved analysis's time as ``2026-11-29 10:12 UTC``."""
    return created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _preview(text: str, limit: int = 200) -> str:
    """The article's opening, cut at a word and marked as cut when it goes on."""
    words = " ".join(text.split())
    if len(words) < limit:
        return words
    return words[:limit].rsplit(" ", 1)[0] + " …"


def _history_item(item: SavedSummary, delete: str) -> str:
    title = item.title or "(untitled)"
    spans = item.spans
    meta = f"{_when(item.created_at)} · {item.detector} · "
    meta += f"{spans} span{'s' if spans != 1 else ''}"
    return (
        f'<li><div class="what"><a class="title" href="/a/{_e(item.id)}">{_e(title)}</a>'
        f'<div class="meta">{_e(meta)}</div>'
        f'<div class="preview">{_e(_preview(item.preview))}</div></div>{delete}</li>'
    )


@router.api_route("/history", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def history(
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> HTMLResponse:
    """The saved analyses, newest first, with a search box."""
    service = service_of(request)
    page = await run_in_threadpool(
        lambda: service.storage.list(limit=_HISTORY_PAGE, offset=offset, q=q)
    )
    key = (
        '<label class="inline" for="key-{id}">API key</label>'
        '<input type="password" id="key-{id}" name="api_key" required>'
        if service.settings.api_key
        else ""
    )
    items = []
    for it in page.items:
        label = _e(f"Delete {it.title or 'this analysis'}")
        delete = (
            f'<form method="post" action="/a/{_e(it.id)}/delete">'
            f"{key.replace('{id}', _e(it.id))}"
            f'<button type="submit" class="secondary" aria-label="{label}">Delete</button></form>'
        )
        items.append(_history_item(it, delete))
    query = _e(q or "")
    found = f"{page.total} saved analys{'i' if page.total == 1 else 'e'}s"
    if q:
        found += f" matching “{query}”"
    pager = []
    in_url = _e(quote_plus(q or ""))
    if offset > 0:
        prev = max(0, offset - _HISTORY_PAGE)
        pager.append(f'<a href="/history?q={in_url}&amp;offset={prev}">Newer</a>')
    if offset + _HISTORY_PAGE < page.total:
        older = offset + _HISTORY_PAGE
        pager.append(f'<a href="/history?q={in_url}&amp;offset={older}">Older</a>')
    body = (
        "<h1>Saved analyses</h1>\n"
        '<form class="search" method="get" action="/history" role="search"><div>'
        '<label for="q">Search titles and texts</label>'
        f'<input type="search" id="q" name="q" value="{query}"></div>'
        '<button type="submit">Search</button></form>\n'
        f'<p id="found">{found}.</p>\n'
        + (f'<ul class="history">{"".join(items)}</ul>' if items else "")
        + (f'<nav class="pager" aria-label="Pages">{"".join(pager)}</nav>' if pager else "")
    )
    return page_response(_layout("spinscope: saved analyses", body))


@router.post("/a/{analysis_id}/delete", response_class=HTMLResponse)
async def delete_form(request: Request, analysis_id: str) -> Response:
    """Delete a saved analysis from the history page."""
    service = service_of(request)
    if not _same_origin(request):
        body = "<h1>Refused</h1><p>Deleting is only possible from this site's own pages.</p>"
        return page_response(_layout("spinscope: refused", body), 403)
    form = await request.form(max_files=0, max_fields=5)
    key = form.get("api_key")
    try:
        service.check_key(key if isinstance(key, str) else None)
    except Problem as problem:
        body = f'<h1>Not deleted</h1>{_error_box(problem.detail)}<p><a href="/history">Back</a></p>'
        return page_response(_layout("spinscope: not deleted", body), problem.status)
    if not await run_in_threadpool(service.storage.delete, analysis_id):
        return _not_found(analysis_id)
    return RedirectResponse("/history", status_code=303)


@router.get("/favicon.ico")
async def favicon() -> Response:
    """No icon (browsers ask for one; an empty answer keeps their consoles quiet)."""
    return Response(status_code=204, headers={"Cache-Control": "max-age=86400"})


@router.get("/static/app.css")
async def stylesheet() -> Response:
    """The pages' stylesheet."""
    from importlib import resources

    css = (
        resources.files("spinscope")
        .joinpath("resources")
        .joinpath("web")
        .joinpath("app.css")
        .read_text(encoding="utf-8")
    )
    return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})
