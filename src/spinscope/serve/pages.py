"""The web pages: a form at ``/``, the report at ``/a/{id}``, the history, and ``/compare``.

Pages are drawn on the server, need no JavaScript of their own and load nothing from
elsewhere, so they work offline. A result is drawn by the HTML report's renderer
(:func:`~spinscope.render.html.render_html`) with a row of links above it: the same
highlights, explanations, filters and summary as ``spinscope analyze --format html``.

The form posts to ``/analyze``: a saved analysis redirects to its permalink (303), an unsaved
one is answered with the report itself; an error draws the form again with the message and
the input kept. The comparison form at ``/compare`` takes two to four articles (texts or URLs)
and posts to itself; the answer is the comparison page
(:func:`~spinscope.render.compare.render_comparison_html`) with the same row of links. The
pages are templates (``serve_*.html.j2``, drawn by
:func:`spinscope.render.templates.render`) that escape every value: article texts, titles and
everything typed into the form are given to them as plain strings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from spinscope.analysis import Analysis
from spinscope.errors import SpinscopeError
from spinscope.render.templates import render
from spinscope.serve.api import MAX_OFFSET, article_request, service_of
from spinscope.serve.problems import Problem
from spinscope.serve.service import ArticleRequest, Service
from spinscope.serve.storage import SavedSummary
from spinscope.taxonomy import GENRES

if TYPE_CHECKING:
    from spinscope.comparison.model import Comparison

__all__ = ["PAGE_CSP", "router"]

router = APIRouter(include_in_schema=False)

#: The policy of the form and history pages: their own stylesheet, no script, forms to self.
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)

_HISTORY_PAGE = 20


def page_response(html: str, status: int = 200) -> HTMLResponse:
    """An app page, with its Content-Security-Policy."""
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": PAGE_CSP})


def report_response(analysis: Analysis, *, saved: bool = False) -> HTMLResponse:
    """The report page of ``analysis`` with the app's links, under the report's own policy."""
    from spinscope.render.html import render_html, report_csp

    links = [("New analysis", "/"), ("Compare", "/compare"), ("History", "/history")]
    if saved:
        links.append(("Permalink", f"/a/{analysis.id}"))
        links.append(("JSON", f"/v1/analyses/{analysis.id}"))
    html = render_html(analysis, nav=links)
    return HTMLResponse(
        html,
        headers={"Content-Security-Policy": f"{report_csp()}; frame-ancestors 'none'"},
    )


def form_page(service: Service, req: ArticleRequest | None = None, error: str | None = None) -> str:
    """The form, filled with ``req`` and headed by ``error`` when drawn again after one."""
    return render(
        "serve_form.html.j2",
        error=error,
        max_chars=service.settings.max_chars,
        text=req.text if req and req.text else "",
        url=req.url if req and req.url else "",
        title=req.title if req and req.title else "",
        threshold="" if req is None or req.threshold is None else f"{req.threshold:g}",
        save=req is None or req.save,
        ask_key=bool(service.settings.api_key),
    )


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
    return page_response(render("serve_not_found.html.j2", analysis_id=analysis_id), 404)


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


def _history_item(item: SavedSummary) -> dict[str, Any]:
    spans = item.spans
    meta = [_when(item.created_at), str(item.detector), f"{spans} span{'s' if spans != 1 else ''}"]
    if item.genre:
        meta.append(item.genre)
    return {
        "id": item.id,
        "title": item.title or "(untitled)",
        "delete_label": f"Delete {item.title or 'this analysis'}",
        "meta": " · ".join(meta),
        "preview": _preview(item.preview),
    }


def _history_url(q: str | None, genre: str | None, offset: int) -> str:
    """A history page's address, keeping the search and the genre chosen."""
    params: list[tuple[str, str | int]] = [("q", q or "")]
    if genre:
        params.append(("genre", genre))
    params.append(("offset", offset))
    return f"/history?{urlencode(params)}"


@router.api_route("/history", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def history(
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    genre: Annotated[str | None, Query(max_length=32)] = None,
) -> HTMLResponse:
    """The saved analyses, newest first, with a search box and a genre filter.

    An empty ``genre`` (the filter's "All genres") keeps every analysis; an unknown one is
    refused (422), as the API refuses it.
    """
    service = service_of(request)
    genre = genre or None
    if genre is not None and genre not in GENRES:
        raise Problem(422, f"genre: unknown genre {genre!r}; use one of {', '.join(GENRES)}.")
    page = await run_in_threadpool(
        lambda: service.storage.list(limit=_HISTORY_PAGE, offset=offset, q=q, genre=genre)
    )
    pager = []
    if offset > 0:
        pager.append(("Newer", _history_url(q, genre, max(0, offset - _HISTORY_PAGE))))
    if offset + _HISTORY_PAGE < page.total:
        pager.append(("Older", _history_url(q, genre, offset + _HISTORY_PAGE)))
    html = render(
        "serve_history.html.j2",
        query=q or "",
        genre=genre or "",
        genres=GENRES,
        total=page.total,
        items=[_history_item(it) for it in page.items],
        ask_key=bool(service.settings.api_key),
        pager=pager,
    )
    return page_response(html)


@router.post("/a/{analysis_id}/delete", response_class=HTMLResponse)
async def delete_form(request: Request, analysis_id: str) -> Response:
    """Delete a saved analysis from the history page."""
    service = service_of(request)
    if not _same_origin(request):
        return page_response(render("serve_refused.html.j2"), 403)
    form = await request.form(max_files=0, max_fields=5)
    key = form.get("api_key")
    try:
        service.check_key(key if isinstance(key, str) else None)
    except Problem as problem:
        html = render("serve_not_deleted.html.j2", error=problem.detail)
        return page_response(html, problem.status)
    if not await run_in_threadpool(service.storage.delete, analysis_id):
        return _not_found(analysis_id)
    return RedirectResponse("/history", status_code=303)


#: The article slots of the comparison form: field suffix and label.
_SLOTS = (("a", "A"), ("b", "B"), ("c", "C"), ("d", "D"))

#: The style of the row of links above a comparison (as above a report, see report.html.j2).
_NAV_STYLE = (
    "<style>.site-nav{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;padding:.5rem 1rem;"
    "background:#1d2733;font:14px/1.4 system-ui,sans-serif}.site-nav a{color:#fff;"
    "text-decoration:underline}.site-nav a:focus{outline:3px solid #ffbf47;outline-offset:2px}"
    "@media print{.site-nav{display:none}}</style>\n"
)


def compare_form_page(
    service: Service,
    fields: Mapping[str, str] | None = None,
    error: str | None = None,
) -> str:
    """The comparison form, filled with what was typed and headed by ``error`` after one."""
    typed = fields or {}
    slots = [
        {
            "key": key,
            "label": label,
            "required": k < 2,
            "text": typed.get(f"text_{key}", ""),
            "url": typed.get(f"url_{key}", ""),
            "title": typed.get(f"title_{key}", ""),
        }
        for k, (key, label) in enumerate(_SLOTS)
    ]
    return render(
        "serve_compare.html.j2",
        error=error,
        max_chars=service.settings.max_chars,
        slots=slots,
        threshold=typed.get("threshold", ""),
        ask_key=bool(service.settings.api_key),
    )


def _with_nav(html: str, links: Sequence[tuple[str, str]]) -> str:
    """A standalone page with the server's row of links at the top of its body."""
    # safe: fixed labels and paths, escaped all the same
    nav = Markup('<nav class="site-nav" aria-label="spinscope">{}</nav>').format(
        Markup("").join(Markup('<a href="{}">{}</a>').format(h, t) for t, h in links)
    )
    head, sep, rest = html.partition("</head>")
    if not sep:
        return html
    at = rest.find(">", rest.find("<body")) + 1
    return f"{head}{_NAV_STYLE}{sep}{rest[:at]}\n{nav}{rest[at:]}"


def comparison_response(comparison: Comparison) -> HTMLResponse:
    """The comparison page with the app's links, under the page's own policy."""
    from spinscope.render.compare import comparison_csp, render_comparison_html

    links = [("New analysis", "/"), ("Compare", "/compare"), ("History", "/history")]
    html = _with_nav(render_comparison_html(comparison), links)
    return HTMLResponse(
        html, headers={"Content-Security-Policy": f"{comparison_csp()}; frame-ancestors 'none'"}
    )


@router.api_route("/compare", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def compare_page(request: Request) -> HTMLResponse:
    """The comparison form."""
    return page_response(compare_form_page(service_of(request)))


def _compare_requests(
    fields: Mapping[str, str],
) -> tuple[list[ArticleRequest], list[str], float | None]:
    """The filled slots of the comparison form as requests, their labels, and the threshold."""
    articles: list[ArticleRequest] = []
    labels: list[str] = []
    for key, label in _SLOTS:
        text = fields.get(f"text_{key}", "")
        url = fields.get(f"url_{key}", "").strip()
        if not text.strip() and not url:
            continue
        articles.append(
            ArticleRequest(
                text=text if text.strip() else None,
                url=url or None,
                title=fields.get(f"title_{key}", "").strip() or None,
            )
        )
        labels.append(label)
    if len(articles) < 2:
        raise Problem(
            422,
            f"fill at least two of the articles (got {len(articles)}): paste a text or give a "
            "web address for each.",
        )
    raw = fields.get("threshold", "").strip()
    threshold = None
    if raw:
        try:
            threshold = float(raw)
        except ValueError:
            raise Problem(
                422, f"threshold: {raw!r} is not a number; give one above 0, at most 1."
            ) from None
    return articles, labels, threshold


@router.post("/compare", response_class=HTMLResponse)
async def compare_form(request: Request) -> Response:
    """Compare what the form sent, and draw the comparison (or the form again, with the error)."""
    service = service_of(request)
    fields: dict[str, str] = {}
    try:
        if not _same_origin(request):
            raise Problem(403, "this form can only be sent from this site's own page.")
        async with request.form(
            max_files=0, max_fields=20, max_part_size=service.settings.max_body_bytes
        ) as form:
            fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        service.check_key(fields.pop("api_key", None))
        articles, labels, threshold = _compare_requests(fields)
        comparison = await service.compare(articles, labels=labels, threshold=threshold)
    except (Problem, SpinscopeError, StarletteHTTPException) as err:
        if isinstance(err, StarletteHTTPException):  # a body the form parser cannot read
            failed = Problem(err.status_code, f"the form could not be read ({err.detail}).")
        else:
            failed = err if isinstance(err, Problem) else Problem.from_error(err)
        return page_response(compare_form_page(service, fields, failed.detail), failed.status)
    return comparison_response(comparison)


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
