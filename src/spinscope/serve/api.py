"""The REST API, versioned under ``/v1``, and the health checks ``/healthz`` and ``/readyz``.

``POST /v1/analyze`` takes JSON (``{"text": ...}``, ``{"url": ...}`` or ``{"html": ...}``,
with optional ``title``, ``threshold``, ``language`` and ``save``) or a form with a ``file``
upload, and answers with the :class:`~spinscope.analysis.Analysis` JSON of ``spinscope analyze
--format json``; a saved analysis carries its permanent id as ``id`` (201, ``Location`` header).

``POST /v1/compare`` takes JSON (``{"articles": [{"text"|"url"|"html": ..., "title": ...,
"label": ...}, ...]}``, two to four articles, with optional ``threshold`` and ``language``) and
answers with the :class:`~spinscope.comparison.Comparison` JSON of ``spinscope compare --format
json``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import UploadFile

from spinscope.serve.problems import PROBLEM_JSON, Problem, validation_errors
from spinscope.serve.service import MAX_COMPARED, ArticleRequest, Service
from spinscope.serve.storage import GenreName

__all__ = [
    "MAX_OFFSET",
    "AnalyzeRequest",
    "CompareArticle",
    "CompareRequest",
    "health",
    "router",
]

#: The largest ``offset`` a listing takes (databases store 64-bit integers, not more).
MAX_OFFSET = 10**9

router = APIRouter(prefix="/v1")
health = APIRouter()


class AnalyzeRequest(BaseModel):
    """The JSON body of ``POST /v1/analyze``: exactly one of ``text``, ``url``, ``html``."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article's plain text.")
    url: str | None = Field(None, description="An http(s) address to fetch the article from.")
    html: str | None = Field(None, description="An HTML page; its main text is analysed.")
    title: str | None = Field(None, max_length=1000, description="The article's title.")
    threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="Minimum span score (0-1); default: the tuned one."
    )
    language: str | None = Field(
        None,
        max_length=20,
        description="The article's language, an ISO 639-1 code (en, fr, de, it, pl and ru are "
        "supported; others are accepted with a warning). Default: detected.",
    )
    save: bool = Field(False, description="Save the analysis; its id is then its permalink's.")


class CompareArticle(BaseModel):
    """One article of ``POST /v1/compare``: exactly one of ``text``, ``url``, ``html``."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article's plain text.")
    url: str | None = Field(None, description="An http(s) address to fetch the article from.")
    html: str | None = Field(None, description="An HTML page; its main text is compared.")
    title: str | None = Field(None, max_length=1000, description="The article's title.")
    label: str | None = Field(
        None,
        max_length=40,
        description="What to call the article in the comparison (default: A, B, C, D by "
        "position); each article's own.",
    )


class CompareRequest(BaseModel):
    """The JSON body of ``POST /v1/compare``: two to four articles about one story."""

    model_config = ConfigDict(extra="forbid")

    articles: list[CompareArticle] = Field(
        ..., min_length=2, max_length=MAX_COMPARED, description="The articles, two to four."
    )
    threshold: float | None = Field(
        None,
        gt=0.0,
        le=1.0,
        description="Cosine similarity from which two sentences count as telling the same "
        "thing; default: the tuned one.",
    )
    language: str | None = Field(
        None,
        max_length=20,
        description="The articles' language, an ISO 639-1 code. Default: detected for each.",
    )


_PROBLEM = {"content": {PROBLEM_JSON: {"schema": {"type": "object"}}}}

_ANALYZE_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": AnalyzeRequest.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "text": {"type": "string"},
                        "url": {"type": "string"},
                        "html": {"type": "string"},
                        "title": {"type": "string"},
                        "threshold": {"type": "number"},
                        "language": {"type": "string"},
                        "save": {"type": "boolean"},
                    },
                }
            },
        },
    },
}

_ANALYSIS = {
    "description": "The analysis (schema: GET /v1/schema/analysis).",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


def service_of(request: Request) -> Service:
    """The :class:`Service` of the app handling ``request``."""
    service: Service = request.app.state.service
    return service


def _json_response(raw: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(raw, status_code=status, media_type="application/json", headers=headers)


async def article_request(request: Request, max_bytes: int) -> tuple[ArticleRequest, str | None]:
    """Parse a JSON or form body into an :class:`ArticleRequest` (and a form's ``api_key``)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "application/json" or ctype.endswith("+json"):
        body = await request.body()
        try:
            parsed = AnalyzeRequest.model_validate_json(body)
        except ValidationError as err:
            detail, errors = validation_errors(err.errors(include_url=False))
            raise Problem(422, detail, extra={"errors": errors}) from None
        return ArticleRequest(**parsed.model_dump()), None
    if ctype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        fields: dict[str, Any] = {}
        file: bytes | None = None
        filename: str | None = None
        async with request.form(max_files=1, max_fields=20, max_part_size=max_bytes) as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    if key != "file":
                        raise Problem(
                            422, f"unexpected upload {key!r}: send the article as 'file'."
                        )
                    if value.filename or value.size:
                        file, filename = await value.read(), value.filename
                elif value != "":
                    fields[key] = value
        api_key = fields.pop("api_key", None)
        fields.setdefault("save", "false")
        try:
            parsed = AnalyzeRequest.model_validate(fields)
        except ValidationError as err:
            detail, errors = validation_errors(err.errors(include_url=False))
            problem = Problem(422, detail, extra={"errors": errors})
            # what was typed, so that a form can be drawn again with it
            typed = {k: str(fields[k]) for k in ("text", "url", "title") if k in fields}
            problem.draft = ArticleRequest(
                text=typed.get("text"),
                url=typed.get("url"),
                title=typed.get("title"),
                save=fields.get("save") == "true",
            )
            raise problem from None
        return ArticleRequest(**parsed.model_dump(), file=file, filename=filename), api_key
    raise Problem(
        415,
        f"unsupported Content-Type {ctype or '(none)'!r}: send application/json or a "
        "multipart/form-data upload.",
    )


@router.post(
    "/analyze",
    summary="Analyse an article",
    openapi_extra=_ANALYZE_DOC,
    responses={
        200: _ANALYSIS,
        201: {"description": "Saved: the analysis, whose id is its permalink's."},
        401: _PROBLEM,
        413: _PROBLEM,
        415: _PROBLEM,
        422: _PROBLEM,
        503: _PROBLEM,
    },
)
async def analyze(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Response:
    """Analyse one article given as text, a URL, HTML, or an uploaded file."""
    service = service_of(request)
    service.check_key_header(authorization)
    req, _ = await article_request(request, service.settings.max_body_bytes)
    analysis = await service.analyze(req)
    if req.save:
        return _json_response(analysis.to_json(), 201, {"Location": f"/v1/analyses/{analysis.id}"})
    return _json_response(analysis.to_json())


_COMPARISON = {
    "description": "The comparison (schema: GET /v1/schema/comparison).",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


async def compare_request(request: Request) -> CompareRequest:
    """Parse the JSON body of ``POST /v1/compare`` (415 for another type, 422 when invalid)."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not (ctype == "application/json" or ctype.endswith("+json")):
        raise Problem(
            415, f"unsupported Content-Type {ctype or '(none)'!r}: send application/json."
        )
    body = await request.body()
    try:
        return CompareRequest.model_validate_json(body)
    except ValidationError as err:
        detail, errors = validation_errors(err.errors(include_url=False))
        raise Problem(422, detail, extra={"errors": errors}) from None


@router.post(
    "/compare",
    summary="Compare two to four articles about one story",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": CompareRequest.model_json_schema()}},
        }
    },
    responses={
        200: _COMPARISON,
        401: _PROBLEM,
        413: _PROBLEM,
        415: _PROBLEM,
        422: _PROBLEM,
        503: _PROBLEM,
    },
)
async def compare(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> Response:
    """What the articles share, what each adds, and how each words it (``spinscope compare``).

    An article that cannot be fetched or read is listed in ``failures`` (with an
    ``input_failed`` warning) while the others are compared, as long as two remain.
    """
    service = service_of(request)
    service.check_key_header(authorization)
    body = await compare_request(request)
    comparison = await service.compare(
        [ArticleRequest(text=a.text, url=a.url, html=a.html, title=a.title) for a in body.articles],
        labels=[a.label for a in body.articles],
        threshold=body.threshold,
        language=body.language,
    )
    return _json_response(comparison.to_json())


@router.get("/analyses", summary="List saved analyses, newest first", responses={422: _PROBLEM})
async def list_analyses(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    q: Annotated[str | None, Query(max_length=200, description="Search titles and texts")] = None,
    genre: Annotated[
        GenreName | None,
        Query(description="Only analyses of this genre (those without a genre never match)"),
    ] = None,
) -> JSONResponse:
    """A page of saved analyses (id, title, date, detector, span count, genre, a preview)."""
    from starlette.concurrency import run_in_threadpool

    storage = service_of(request).storage
    page = await run_in_threadpool(
        lambda: storage.list(limit=limit, offset=offset, q=q, genre=genre)
    )
    return JSONResponse(page.to_dict())


def _unknown(analysis_id: str) -> Problem:
    return Problem(404, f"no saved analysis has the id {analysis_id!r}.")


@router.get(
    "/analyses/{analysis_id}",
    summary="A saved analysis",
    responses={200: _ANALYSIS, 404: _PROBLEM},
)
async def get_analysis(request: Request, analysis_id: str) -> Response:
    """The saved analysis, exactly as ``POST /v1/analyze`` returned it."""
    from starlette.concurrency import run_in_threadpool

    raw = await run_in_threadpool(service_of(request).storage.get_json, analysis_id)
    if raw is None:
        raise _unknown(analysis_id)
    return _json_response(raw)


@router.delete(
    "/analyses/{analysis_id}",
    summary="Delete a saved analysis",
    status_code=204,
    responses={401: _PROBLEM, 404: _PROBLEM},
)
async def delete_analysis(
    request: Request, analysis_id: str, authorization: Annotated[str | None, Header()] = None
) -> Response:
    """Delete a saved analysis (its permalink stops working)."""
    from starlette.concurrency import run_in_threadpool

    service = service_of(request)
    service.check_key_header(authorization)
    if not await run_in_threadpool(service.storage.delete, analysis_id):
        raise _unknown(analysis_id)
    return Response(status_code=204)


@lru_cache(maxsize=1)
def techniques_json() -> str:
    """The taxonomy with its explanations, as ``spinscope techniques --json`` prints it."""
    from spinscope.explanations import catalogue

    return json.dumps(catalogue(), ensure_ascii=False)


@router.get("/techniques", summary="The 23 techniques, their categories and explanations")
async def techniques() -> Response:
    """The taxonomy and the explanation of every technique and signal."""
    return _json_response(techniques_json())


@router.get("/schema/analysis", summary="The JSON Schema of an analysis")
async def analysis_schema() -> Response:
    """``analysis.schema.json``: the layout of every analysis this API returns."""
    raw = (
        resources.files("spinscope")
        .joinpath("resources")
        .joinpath("analysis.schema.json")
        .read_text(encoding="utf-8")
    )
    return Response(raw, media_type="application/schema+json")


@router.get("/schema/comparison", summary="The JSON Schema of a comparison")
async def comparison_schema() -> Response:
    """``comparison.schema.json``: the layout of every comparison this API returns."""
    raw = (
        resources.files("spinscope")
        .joinpath("resources")
        .joinpath("comparison.schema.json")
        .read_text(encoding="utf-8")
    )
    return Response(raw, media_type="application/schema+json")


@health.get("/healthz", summary="Liveness: the process answers")
@health.head("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    """Always ``{"status": "ok"}`` while the process runs (even while an analysis runs)."""
    return {"status": "ok"}


@health.get("/readyz", summary="Readiness: the model is loaded", responses={503: _PROBLEM})
@health.head("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    """200 once the model is loaded; 503 while it loads or when it failed."""
    service = service_of(request)
    ready, why = service.readiness()
    if not ready:
        raise Problem(503, why)
    info = service.pool.info
    return JSONResponse({"status": "ready", "detector": info.to_dict()})
