"""Soak ``spinscope serve``: mixed traffic for minutes, then check every saved analysis.

Usage::

    python benchmarks/soak_serve.py --minutes 10 --clients 32 [--backend sqlite|postgresql|both]
                                    [--detector hybrid] [--seed 1] [--json OUT]

For each backend (SQLite, then PostgreSQL on a throwaway cluster from ``tests/pg_support.py``)
starts a real ``python -m spinscope serve`` on a free loopback port with a fresh database and
runs ``--clients`` client threads against it for ``--minutes``. Each client sends one request
at a time, back to back, drawing its kind at random (:data:`KINDS`): analyses of text, HTML
and uploads, with and without saving, the web form, listings, searches, reads and deletes of
saved analyses, the HTML pages, health checks, unknown ids, malformed and invalid requests,
oversized bodies (by ``Content-Length``, chunked without a length, and text over
``--max-chars``), slow clients (the body sent in pieces with pauses, the answer read slowly
through a small receive buffer) and clients that hang up mid-request. Every kind has an
expected status; any other answer, a timeout or a broken connection counts as an error.

Reports, per minute: requests, answers by status class, errors, p50/p99 latency of analyses
and of the other requests, and the server's RSS (sampled every 2 s from ``/proc``, the
minute's maximum); per kind: count, statuses, errors, p50/p99. Then reads back every saved
analysis (byte for byte against what the save returned), checks that deleted ones answer
404 and that the listing holds exactly the saved, undeleted ones, stops the server with
SIGTERM and checks that it stopped cleanly without a traceback in its log.

Targets (the verdict lines; the exit status is 1 if any fails): no unexpected status or
error, in particular no 5xx (this script induces no faults); RSS growth at most 10 % from
the second minute (after warm-up) to the last; every saved analysis identical on read-back;
a clean stop. ``--minutes 1 --clients 8`` is a smoke run (too short for the RSS target).

Texts: ``examples/city-council.txt`` and a few short articles written for this benchmark,
varied at random (towns, names, paragraph order and count, a marker sentence).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import select
import shutil
import signal
import socket
import string
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "serve")]

# this script's own folder is first on sys.path: the serve benchmark's process walk
from bench_serve import status_kib  # noqa: E402
from serve_support import Server, start_server  # noqa: E402

from pg_support import create_database, start_cluster  # noqa: E402

#: ``--max-chars`` of the server: a text above it is refused with 413 (body under the cap).
MAX_CHARS = 40_000
#: ``SPINSCOPE_MAX_BODY_BYTES`` of the server: bodies above it are refused with 413.
MAX_BODY = 256 * 1024
#: Seconds a client waits for an answer before counting a timeout (a hang).
TIMEOUT_S = 120.0
#: RSS target: growth from the second minute to the last, in per cent.
RSS_GROWTH_MAX = 10.0
#: Seconds between RSS samples.
RSS_EVERY_S = 2.0

# --------------------------------------------------------------------------- texts

#: Short articles written for this benchmark ({town}, {name}, {name2} are filled at random).
ARTICLES = [
    """Harbour Board Approves Dredging Plan for {town} Port

{town} — The harbour board voted on Monday to deepen the main shipping channel, a project
expected to cost 14 million and to take two years.

The plan allows ships with a draught of up to eleven metres to dock at the container quay.
Board chair {name} said the work would begin in the spring, after the fishing season.

Environmental groups asked the board to monitor silt levels near the oyster beds south of the
harbour. The board agreed to publish monthly measurements on its website.

Shipping companies welcomed the decision. A spokesperson for one of them said larger vessels
would reduce the number of calls and the fuel used per container.

The project still needs a permit from the regional water authority, which is expected to
decide in March.""",
    """Our Schools Deserve Better Than This Budget

Once again, the people who run {town} have decided that our children can wait. The budget
unveiled this week cuts library hours, freezes teacher hiring and quietly drops the promised
repairs to the leaking roof at Northside Elementary.

{name}, who chairs the finance committee, calls this "responsible stewardship." Responsible
for whom? Certainly not for the eight-year-olds who spend their winters in classrooms with
buckets on the floor.

Everyone knows where the money went: into a shiny new stadium that nobody asked for and that
will sit empty eleven months of the year. Meanwhile, parents are told to hold bake sales to
buy textbooks.

This is not a budget. It is a betrayal. Every family in this town should show up at the next
council meeting and demand that {name2} and the rest of the committee explain themselves.
Our kids cannot vote, so we must.""",
    """Town Declares War on Potholes Over, Renames Them "Features"

{town} — In a bold move hailed by officials as "the end of the pothole crisis," the town
council on Thursday voted unanimously to reclassify every pothole in {town} as a
"historic road feature."

"With a single stroke of the pen, we have eliminated all potholes," said deputy mayor
{name}, standing beside a crater on Mill Lane that residents have named Gerald. "Gerald is
now a heritage site. Please do not drive into him."

The council also announced guided tours of the town's most significant features, with
tickets at five pounds. Proceeds will go towards a study on whether filling holes with
asphalt is a proven technology.

Local mechanic {name2} said business had never been better. "I would like to thank the
council personally," he said, replacing his fourth axle of the week.""",
    """Wind Farm Opponents Warn of Ruin as Turbine Vote Nears

{town} — Opponents of the proposed wind farm on Carrow Ridge packed the community hall on
Wednesday, warning that the twelve turbines would destroy the valley and drive away every
tourist for good.

"If these monsters go up, this town is finished," said {name}, who leads the campaign
group Save Carrow Ridge. "They will take our views, our peace and our property values, and
give us nothing back."

Supporters of the project, including {name2} of the local energy cooperative, said the
turbines would supply power to nine thousand homes and pay the parish a yearly community
fund. They pointed to a study of similar farms that found no lasting fall in visitor numbers.

The planning committee will decide on the application next month. Both sides have promised
to fill the meeting.""",
]

TOWNS = ["Riverton", "Eastbrook", "Millford", "Harlow Bay", "Stonecross", "Ashby", "Kelling"]
NAMES = ["Dana Whitfield", "Priya Raman", "Tom Becker", "Ines Moreau", "Sam Okafor", "Lena Holm"]
SEARCH_WORDS = ["parking", "harbour", "council", "budget", "turbines", "pothole", "Main Street"]
THRESHOLDS = [None] * 6 + [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8]


def load_texts() -> list[str]:
    """The base articles: the example article and the ones above."""
    council = (ROOT / "examples" / "city-council.txt").read_text(encoding="utf-8")
    return [council.replace("Riverton", "{town}"), *ARTICLES]


def article(rng: random.Random, bases: list[str]) -> tuple[str, str]:
    """A random variation of a base article, and the marker it carries."""
    base = rng.choice(bases)
    name, name2 = rng.sample(NAMES, 2)
    text = base.replace("{town}", rng.choice(TOWNS)).replace("{name}", name)
    text = text.replace("{name2}", name2)
    head, *paras = text.split("\n\n")
    if rng.random() < 0.5:
        rng.shuffle(paras)
    paras = paras[: rng.randint(max(1, len(paras) - 3), len(paras))]
    marker = "soak" + "".join(rng.choices(string.ascii_lowercase + string.digits, k=10))
    paras.append(f"Reference {marker}.")
    return "\n\n".join([head, *paras]), marker


def as_html(text: str) -> str:
    head, *paras = text.split("\n\n")
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<!doctype html><html><head><title>{head}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{head}</h1>{body}</article></body></html>"
    )


def options(rng: random.Random) -> dict[str, Any]:
    """Random optional fields of an analysis: threshold, language, title."""
    out: dict[str, Any] = {}
    threshold = rng.choice(THRESHOLDS)
    if threshold is not None:
        out["threshold"] = threshold
    if rng.random() < 0.2:
        out["language"] = rng.choice(["en", "en", "es"])
    if rng.random() < 0.3:
        out["title"] = f"Soak title {rng.randint(1, 10**6)}"
    return out


# --------------------------------------------------------------------------- bookkeeping


@dataclass
class Saved:
    """A saved analysis as the save returned it, and what became of it."""

    raw: bytes
    state: str = "live"  # live | deleting | deleted | unknown
    readers: int = 0


class Ledger:
    """Every analysis the clients saved (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.saved: dict[str, Saved] = {}
        #: saves whose answer never came (timeout, reset): they may or may not exist
        self.uncertain = 0

    def add(self, analysis_id: str, raw: bytes) -> None:
        with self.lock:
            self.saved[analysis_id] = Saved(raw)

    def read(self, rng: random.Random) -> tuple[str, bytes] | None:
        """A live analysis to read (not deleted while read: release it after)."""
        with self.lock:
            live = [k for k, v in self.saved.items() if v.state == "live"]
            if not live:
                return None
            key = rng.choice(live)
            self.saved[key].readers += 1
            return key, self.saved[key].raw

    def release(self, analysis_id: str) -> None:
        with self.lock:
            self.saved[analysis_id].readers -= 1

    def to_delete(self, rng: random.Random) -> str | None:
        """A live analysis nobody reads now, marked as being deleted."""
        with self.lock:
            free = [k for k, v in self.saved.items() if v.state == "live" and not v.readers]
            if len(free) < 3:  # keep a few to read
                return None
            key = rng.choice(free)
            self.saved[key].state = "deleting"
            return key

    def settle(self, analysis_id: str, state: str) -> None:
        with self.lock:
            self.saved[analysis_id].state = state

    def deleted(self, rng: random.Random) -> str | None:
        with self.lock:
            gone = [k for k, v in self.saved.items() if v.state == "deleted"]
            return rng.choice(gone) if gone else None


@dataclass
class Record:
    """One request: when it started (s into the run), its kind, answer and latency."""

    start: float
    kind: str
    status: int | str  # an HTTP status, or timeout | reset | error | aborted
    latency: float
    ok: bool


@dataclass
class Run:
    """What one backend's run collected."""

    t0: float
    records: list[Record] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: (s into the run, VmRSS KiB, RssAnon KiB): the anonymous part is the heap
    rss: list[tuple[float, int, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, record: Record, problem: str | None) -> None:
        with self.lock:
            self.records.append(record)
            if problem is not None and len(self.problems) < 40:
                self.problems.append(problem)


# --------------------------------------------------------------------------- one client


def excerpt(data: bytes | str, n: int = 300) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n] + "..."


class Client:
    """One client: one request at a time, over its own keep-alive connection."""

    def __init__(self, server: Server, run: Run, ledger: Ledger, seed: int) -> None:
        self.url = server.url
        self.host, port = server.url.removeprefix("http://").split(":")
        self.port = int(port)
        self.run = run
        self.ledger = ledger
        self.rng = random.Random(seed)
        self.bases = load_texts()
        self.http = httpx.Client(base_url=server.url, timeout=TIMEOUT_S)

    # ------------------------------------------------------------------ recording

    def record(
        self, kind: str, t: float, status: int | str, ok: bool, what: str, detail: str = ""
    ) -> None:
        now = time.perf_counter()
        problem = None
        if not ok:
            problem = f"{kind}: {what} -> {status} {detail}".rstrip()
        self.run.add(Record(t - self.run.t0, kind, status, now - t, ok), problem)

    def call(
        self,
        kind: str,
        method: str,
        path: str,
        expect: Iterable[int],
        check: Callable[[httpx.Response], str | None] | None = None,
        **kwargs: Any,
    ) -> httpx.Response | None:
        """Send one request with httpx; record it; the response, or ``None`` on failure.

        ``check`` looks at an answer with an expected status: a message when it is wrong.
        """
        t = time.perf_counter()
        what = f"{method} {path}"
        try:
            r = self.http.request(method, path, **kwargs)
        except httpx.TimeoutException as err:
            self.record(kind, t, "timeout", False, what, repr(err))
            return None
        except httpx.TransportError as err:
            self.record(kind, t, "error", False, what, repr(err))
            return None
        ok = r.status_code in expect
        detail = "" if ok else excerpt(r.content)
        if ok and check is not None:
            wrong = check(r)
            if wrong:
                ok, detail = False, wrong
        self.record(kind, t, r.status_code, ok, what, detail)
        return r if ok else None

    def raw(
        self,
        kind: str,
        what: str,
        head: bytes,
        parts: Iterable[tuple[bytes, float]] = (),
        *,
        expect: Iterable[int | str],
        rcvbuf: int | None = None,
        read_pause: float = 0.0,
        hang_up: bool = False,
        stop_when_answered: bool = False,
        timeout: float = TIMEOUT_S,
    ) -> tuple[int | str, bytes]:
        """One request over a raw socket: ``head``, then each part after its pause.

        ``hang_up``: close without reading the answer. ``stop_when_answered``: stop sending as
        soon as the server answers (as a client must when the server refuses a body).
        ``rcvbuf`` and ``read_pause`` make a slow reader. Returns the status and body.
        """
        t = time.perf_counter()
        sock = socket.socket()
        status: int | str = "error"
        body = b""
        detail = ""
        try:
            if rcvbuf:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
            sock.settimeout(timeout)
            sock.connect((self.host, self.port))
            sock.sendall(head)
            try:
                for data, pause in parts:
                    if stop_when_answered and select.select([sock], [], [], 0)[0]:
                        break
                    if pause:
                        time.sleep(pause)
                    sock.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                detail = "the server closed while the body was sent; "
            if hang_up:
                status = "aborted"
            else:
                received = bytearray()
                while True:
                    try:
                        chunk = sock.recv(1024 if read_pause else 65536)
                    except ConnectionResetError:
                        # a server closing with part of the body unread resets the
                        # connection: what it answered before still counts
                        detail += "reset after the answer; "
                        if not received:
                            raise
                        break
                    if not chunk:
                        break
                    received += chunk
                    if read_pause:
                        time.sleep(read_pause)
                status, body = parse_response(bytes(received))
        except TimeoutError:
            status = "timeout"
        except ConnectionResetError:
            status = "reset"
        except OSError as err:
            status, detail = "error", detail + repr(err)
        finally:
            sock.close()
        ok = status in set(expect)
        if not ok:
            detail += excerpt(body)
        self.record(kind, t, status, ok, what, detail)
        return status, body

    def head(self, method: str, path: str, ctype: str | None, length: int | None) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if ctype:
            lines.append(f"Content-Type: {ctype}")
        if length is None:
            lines.append("Transfer-Encoding: chunked")
        else:
            lines.append(f"Content-Length: {length}")
        lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    # ------------------------------------------------------------------ saves

    def saved_answer(self, r: httpx.Response) -> str | None:
        """Record a 201; a message when it is not a proper saved analysis."""
        try:
            analysis_id = r.json()["id"]
        except (ValueError, KeyError, TypeError):
            return "the 201 is not an analysis"
        if r.headers.get("location") != f"/v1/analyses/{analysis_id}":
            return f"Location {r.headers.get('location')!r} for id {analysis_id!r}"
        self.ledger.add(analysis_id, r.content)
        return None

    def analysis_answer(self, r: httpx.Response) -> str | None:
        if r.status_code == 201:
            return self.saved_answer(r)
        try:
            data = r.json()
        except ValueError:
            return "the 200 is not JSON"
        return None if isinstance(data.get("spans"), list) else "the 200 has no spans"

    def uncertain_save(self, r: httpx.Response | None, save: bool) -> None:
        if r is None and save:
            with self.ledger.lock:
                self.ledger.uncertain += 1

    # ------------------------------------------------------------------ request kinds

    def analyze(self, save: bool) -> None:
        text, _ = article(self.rng, self.bases)
        body = {"text": text, **options(self.rng), "save": save}
        kind = "analyze_save" if save else "analyze"
        r = self.call(
            kind,
            "POST",
            "/v1/analyze",
            [201 if save else 200],
            self.analysis_answer,
            json=body,
        )
        self.uncertain_save(r, save)

    def analyze_html(self) -> None:
        text, _ = article(self.rng, self.bases)
        save = self.rng.random() < 0.5
        r = self.call(
            "analyze_html",
            "POST",
            "/v1/analyze",
            [201 if save else 200],
            self.analysis_answer,
            json={"html": as_html(text), "save": save},
        )
        self.uncertain_save(r, save)

    def upload(self) -> None:
        text, _ = article(self.rng, self.bases)
        save = self.rng.random() < 0.5
        if self.rng.random() < 0.5:
            file = ("article.txt", text.encode("utf-8"), "text/plain")
        else:
            file = ("article.html", as_html(text).encode("utf-8"), "text/html")
        r = self.call(
            "upload",
            "POST",
            "/v1/analyze",
            [201 if save else 200],
            self.analysis_answer,
            files={"file": file},
            data={"save": "true" if save else "false"},
        )
        self.uncertain_save(r, save)

    def form(self) -> None:
        """The web form: saved (303 to the permalink, then read back) or drawn directly."""
        text, _ = article(self.rng, self.bases)
        save = self.rng.random() < 0.5
        data = {"text": text, "title": "Form soak"}
        if save:
            data["save"] = "true"
        r = self.call(
            "form",
            "POST",
            "/analyze",
            [303 if save else 200],
            lambda r: None if save or b"<html" in r.content[:500].lower() else "not a page",
            data=data,
            headers={"Sec-Fetch-Site": "same-origin"},
        )
        self.uncertain_save(r, save)
        if r is not None and save:
            location = r.headers.get("location", "")
            analysis_id = location.removeprefix("/a/")
            got = self.call("form_readback", "GET", f"/v1/analyses/{analysis_id}", [200])
            if got is not None:
                self.ledger.add(analysis_id, got.content)

    def listing(self) -> None:
        params = {"limit": self.rng.randint(1, 100), "offset": self.rng.choice([0, 0, 0, 10, 50])}
        self.call("list", "GET", "/v1/analyses", [200], check_page, params=params)

    def search(self) -> None:
        params: dict[str, Any] = {"q": self.rng.choice(SEARCH_WORDS)}
        if self.rng.random() < 0.5:
            params["genre"] = self.rng.choice(["opinion", "reporting", "satire"])
        self.call("search", "GET", "/v1/analyses", [200], check_page, params=params)

    def get_saved(self) -> None:
        picked = self.ledger.read(self.rng)
        if picked is None:
            return self.listing()
        analysis_id, raw = picked
        try:
            self.call(
                "get_saved",
                "GET",
                f"/v1/analyses/{analysis_id}",
                [200],
                lambda r: None if r.content == raw else "differs from what the save returned",
            )
        finally:
            self.ledger.release(analysis_id)

    def report_page(self) -> None:
        picked = self.ledger.read(self.rng)
        if picked is None:
            return self.pages()
        analysis_id, _ = picked
        try:
            self.call(
                "report_page",
                "GET",
                f"/a/{analysis_id}",
                [200],
                lambda r: None if b"<html" in r.content[:500].lower() else "not a page",
            )
        finally:
            self.ledger.release(analysis_id)

    def delete(self) -> None:
        analysis_id = self.ledger.to_delete(self.rng)
        if analysis_id is None:
            return self.listing()
        r = self.call("delete", "DELETE", f"/v1/analyses/{analysis_id}", [204])
        self.ledger.settle(analysis_id, "deleted" if r is not None else "unknown")

    def pages(self) -> None:
        path, params = self.rng.choice(
            [
                ("/", {}),
                ("/history", {}),
                ("/history", {"q": self.rng.choice(SEARCH_WORDS)}),
                ("/history", {"offset": 20, "genre": "opinion"}),
                ("/compare", {}),
            ]
        )
        self.call("pages", "GET", path, [200], params=params)

    def health(self) -> None:
        path, status = self.rng.choice(
            [
                ("/healthz", 200),
                ("/readyz", 200),
                ("/v1/techniques", 200),
                ("/v1/schema/analysis", 200),
                ("/static/app.css", 200),
                ("/favicon.ico", 204),
            ]
        )
        self.call("health", "GET", path, [status])

    def not_found(self) -> None:
        unknown = "".join(self.rng.choices(string.ascii_letters + string.digits, k=12))
        gone = self.ledger.deleted(self.rng) or unknown
        method, path = self.rng.choice(
            [
                ("GET", f"/v1/analyses/{unknown}"),
                ("DELETE", f"/v1/analyses/{unknown}"),
                ("GET", f"/v1/analyses/{gone}"),
                ("GET", f"/a/{gone}"),
                ("GET", "/v1/analyses/%21not-an-id%21"),
                ("GET", "/no/such/page"),
            ]
        )
        self.call("not_found", method, path, [404])

    def invalid(self) -> None:
        """Malformed or invalid requests: 422, 415 for a wrong type, 403 for a foreign form."""
        text, _ = article(self.rng, self.bases)
        json_ct = {"Content-Type": "application/json"}
        plain = {"content": text.encode(), "headers": {"Content-Type": "text/plain"}}
        foreign = {"data": {"text": text}, "headers": {"Sec-Fetch-Site": "cross-site"}}
        bodies: list[dict[str, Any]] = [
            {"content": b'{"text": "unterminated', "headers": json_ct},
            {"content": b"\xff\xfe\x00garbage", "headers": json_ct},
            {"content": b"[1, 2]", "headers": json_ct},
            {"json": {"text": 5}},
            {"json": {"text": text, "colour": "red"}},
            {"json": {"text": "   \n "}},
            {"json": {}},
            {"json": {"text": text, "threshold": 2}},
            {"json": {"text": text, "url": "http://10.0.0.5/"}},
            {"json": {"text": text, "language": "english!!"}},
            {"json": {"text": text, "save": "maybe"}},
            {"json": {"url": "http://10.0.0.5/article"}},
        ]
        cases: list[tuple[str, str, int, dict[str, Any]]] = [
            *(("POST", "/v1/analyze", 422, body) for body in bodies),
            ("POST", "/v1/analyze", 415, plain),
            ("POST", "/analyze", 403, foreign),
            ("GET", "/v1/analyses", 422, {"params": {"limit": 0}}),
            ("GET", "/v1/analyses", 422, {"params": {"limit": 500}}),
            ("GET", "/v1/analyses", 422, {"params": {"offset": -1}}),
            ("GET", "/v1/analyses", 422, {"params": {"genre": "poetry"}}),
            ("GET", "/history", 422, {"params": {"genre": "poetry"}}),
        ]
        method, path, status, kwargs = self.rng.choice(cases)
        self.call("invalid", method, path, [status], **kwargs)

    def oversized(self) -> None:
        """Bodies over the cap, by Content-Length or chunked; text over --max-chars."""
        how = self.rng.choice(["length", "chunked", "chars"])
        if how == "chars":
            text = ("The council voted again. " * (MAX_CHARS // 20))[: MAX_CHARS + 500]
            self.call("oversized", "POST", "/v1/analyze", [413], json={"text": text, "save": True})
            return
        piece = b'{"text": "' + b"x" * (32 * 1024)
        if how == "length":
            # the server must answer from the header alone: send only the start of the body
            head = self.head("POST", "/v1/analyze", "application/json", 4 * MAX_BODY)
            parts = [(piece, 0.0)]
            what = f"POST /v1/analyze with Content-Length {4 * MAX_BODY} (only 32 KiB sent)"
        else:
            head = self.head("POST", "/v1/analyze", "application/json", None)
            n = MAX_BODY // len(piece) + 3
            parts = [(f"{len(piece):x}\r\n".encode() + piece + b"\r\n", 0.0)] * n
            parts.append((b"0\r\n\r\n", 0.0))
            what = f"POST /v1/analyze chunked, {n * len(piece):,} bytes"
        self.raw(
            "oversized",
            what,
            head,
            parts,
            expect=[413],
            stop_when_answered=True,
            timeout=30,
        )

    def slow(self) -> None:
        """A slow client: the request in pieces with pauses, the answer read slowly."""
        if self.rng.random() < 0.7:
            text, _ = article(self.rng, self.bases)
            save = self.rng.random() < 0.5
            body = json.dumps({"text": text, "save": save}).encode()
            head = self.head("POST", "/v1/analyze", "application/json", len(body))
            n = 8
            step = len(body) // n + 1
            parts = [
                (body[i : i + step], self.rng.uniform(0.2, 0.4)) for i in range(0, len(body), step)
            ]
            status, answer = self.raw(
                "slow",
                f"POST /v1/analyze slowly in {n} pieces",
                head,
                parts,
                expect=[201 if save else 200],
                rcvbuf=4096,
                read_pause=0.02,
            )
            if status == 201:
                analysis_id = json.loads(answer)["id"]
                self.ledger.add(analysis_id, answer)
            elif save:
                with self.ledger.lock:
                    self.ledger.uncertain += 1
        else:
            request = (
                f"GET /v1/analyses?limit=50 HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                "Connection: close\r\n\r\n"
            ).encode()
            step = len(request) // 6 + 1
            parts = [(request[i : i + step], 0.2) for i in range(step, len(request), step)]
            self.raw(
                "slow",
                "GET /v1/analyses, the request line in pieces",
                request[:step],
                parts,
                expect=[200],
                rcvbuf=4096,
                read_pause=0.02,
            )

    def abort(self) -> None:
        """A client that hangs up: mid-body, or while its analysis waits in the queue."""
        text, _ = article(self.rng, self.bases)
        body = json.dumps({"text": text, "save": False}).encode()
        head = self.head("POST", "/v1/analyze", "application/json", len(body))
        if self.rng.random() < 0.5:
            parts, what = [(body[: len(body) // 2], 0.05)], "POST /v1/analyze, hung up mid-body"
        else:
            parts, what = [(body, 0.0), (b"", 0.1)], "POST /v1/analyze, hung up before the answer"
        self.raw("abort", what, head, parts, expect=["aborted"], hang_up=True)

    # ------------------------------------------------------------------ the loop

    def loop(self, deadline: float) -> None:
        kinds = list(KINDS)
        weights = [KINDS[k] for k in kinds]
        try:
            while time.perf_counter() < deadline:
                kind = self.rng.choices(kinds, weights)[0]
                getattr(self, KIND_METHOD.get(kind, kind))(*KIND_ARGS.get(kind, ()))
        finally:
            self.http.close()


def check_page(r: httpx.Response) -> str | None:
    try:
        page = r.json()
        ok = isinstance(page["items"], list) and isinstance(page["total"], int)
    except (ValueError, KeyError, TypeError):
        ok = False
    return None if ok else "not a listing"


def parse_response(data: bytes) -> tuple[int | str, bytes]:
    """The status and body of a raw HTTP/1.1 response (chunked or not)."""
    head, sep, body = data.partition(b"\r\n\r\n")
    m = re.match(rb"HTTP/1\.[01] (\d{3})", head)
    if not sep or m is None:
        return ("reset" if not data else "error"), data
    if re.search(rb"(?im)^transfer-encoding:\s*chunked", head):
        out = bytearray()
        rest = body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            out += rest[:size]
            rest = rest[size + 2 :]
        body = bytes(out)
    return int(m.group(1)), body


#: Request kinds and their weights (per ~100 requests); every kind happens every minute.
KINDS = {
    "analyze": 14,
    "analyze_save": 12,
    "analyze_html": 3,
    "upload": 3,
    "form": 2,
    "list": 9,
    "search": 8,
    "get_saved": 10,
    "report_page": 4,
    "delete": 4,
    "pages": 4,
    "health": 5,
    "not_found": 4,
    "invalid": 8,
    "oversized": 4,
    "slow": 3,
    "abort": 2,
}
KIND_METHOD = {"analyze_save": "analyze", "list": "listing"}
KIND_ARGS: dict[str, tuple[Any, ...]] = {"analyze": (False,), "analyze_save": (True,)}
#: Kinds whose latency is an analysis's; slow and abort are the clients' own pace.
ANALYSIS_KINDS = {"analyze", "analyze_save", "analyze_html", "upload", "form"}
PACED_KINDS = {"slow", "abort"}

# --------------------------------------------------------------------------- the server


def rss_kib(pid: int) -> tuple[int, int]:
    """VmRSS and RssAnon summed over the server's processes, in KiB."""
    total, anon = status_kib(pid, "VmRSS", "RssAnon")
    return total, anon


def sample_rss(pid: int, run: Run, deadline: float) -> None:
    while True:
        now = time.perf_counter()
        if now >= deadline:
            return
        with run.lock:
            run.rss.append((now - run.t0, *rss_kib(pid)))
        time.sleep(min(RSS_EVERY_S, max(0.0, deadline - now)))


# --------------------------------------------------------------------------- checks


def read_back(server: Server, ledger: Ledger) -> dict[str, Any]:
    """Every saved analysis read back: live ones identical, deleted ones 404, the listing."""
    out: dict[str, Any] = {"live": 0, "identical": 0, "differ": [], "deleted": 0}
    out.update({"deleted_404": 0, "deleted_still_there": [], "missing": [], "unknown": 0})
    live_ids: set[str] = set()
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for analysis_id, saved in ledger.saved.items():
            r = http.get(f"/v1/analyses/{analysis_id}")
            if saved.state == "unknown":  # a delete whose answer was wrong: either is fine
                out["unknown"] += 1
                if r.status_code == 200:
                    live_ids.add(analysis_id)
                continue
            if saved.state == "deleted":
                out["deleted"] += 1
                if r.status_code == 404:
                    out["deleted_404"] += 1
                else:
                    out["deleted_still_there"].append(f"{analysis_id}: {r.status_code}")
                continue
            out["live"] += 1
            live_ids.add(analysis_id)
            if r.status_code != 200:
                out["missing"].append(f"{analysis_id}: {r.status_code} {excerpt(r.content)}")
            elif r.content == saved.raw:
                out["identical"] += 1
            else:
                out["differ"].append(analysis_id)
        listed: set[str] = set()
        total = None
        offset = 0
        while True:
            page = http.get("/v1/analyses", params={"limit": 100, "offset": offset}).json()
            total = page["total"] if total is None else total
            listed.update(item["id"] for item in page["items"])
            offset += 100
            if not page["items"] or offset >= page["total"]:
                break
    out["listing_total"] = total
    out["listed_not_saved"] = sorted(listed - live_ids)[:10]
    out["saved_not_listed"] = sorted(live_ids - listed)[:10]
    out["expected_total"] = len(live_ids)
    out["ok"] = (
        out["identical"] == out["live"]
        and out["deleted_404"] == out["deleted"]
        and total == len(live_ids)
        and listed == live_ids
        and ledger.uncertain == 0
    )
    out["uncertain_saves"] = ledger.uncertain
    return out


def stop_server(server: Server, log_copy: Path | None) -> dict[str, Any]:
    """SIGTERM; the exit status, and what the log says beyond its start line."""
    alive = False
    try:
        alive = httpx.get(f"{server.url}/healthz", timeout=10).status_code == 200
    except httpx.TransportError:
        pass
    t = time.perf_counter()
    code = server.stop()
    took = time.perf_counter() - t
    log = server.output()
    if log_copy is not None:
        log_copy.parent.mkdir(parents=True, exist_ok=True)
        log_copy.write_text(log, encoding="utf-8")
    # the last line of each traceback: what was raised
    raised = Counter(
        m.group(1).strip()[:200]
        for m in re.finditer(
            r"^Traceback \(most recent call last\):\n(?:[ \t].*\n)*(.+)$", log, re.M
        )
    )
    first = re.search(r"^Traceback \(most recent call last\):\n(?:[ \t].*\n)*.+$", log, re.M)
    lines = [ln for ln in log.splitlines() if ln.strip() and not ln.startswith("spinscope serve:")]
    return {
        "alive_at_end": alive,
        "exit": code,
        "stop_s": round(took, 1),
        "traceback": "Traceback" in log,
        "log_lines": len(lines),
        "first_traceback": first.group(0).splitlines() if first else [],
        "exceptions": dict(raised.most_common()),
        "log_copy": str(log_copy) if log_copy else None,
        "log_excerpt": lines[:60],
        "clean": alive and code in (0, -signal.SIGTERM) and "Traceback" not in log,
    }


# --------------------------------------------------------------------------- figures


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def status_class(status: int | str) -> str:
    """2xx ... 5xx; hup for a client's own hang-up; conn for a timeout or broken connection."""
    if isinstance(status, int):
        return f"{status // 100}xx"
    return "hup" if status == "aborted" else "conn"


def summarize(run: Run, minutes: int, backend: str) -> dict[str, Any]:
    per_minute = []
    by_minute: dict[int, list[Record]] = defaultdict(list)
    for r in run.records:
        by_minute[min(minutes - 1, int(r.start // 60))].append(r)
    rss_by_minute: dict[int, int] = defaultdict(int)
    anon_by_minute: dict[int, int] = defaultdict(int)
    for t, kib, anon in run.rss:
        m = min(minutes - 1, int(t // 60))
        rss_by_minute[m] = max(rss_by_minute[m], kib)
        anon_by_minute[m] = max(anon_by_minute[m], anon)
    for m in range(minutes):
        rs = by_minute[m]
        classes = Counter(status_class(r.status) for r in rs)
        analysis = [r.latency for r in rs if r.kind in ANALYSIS_KINDS]
        other = [r.latency for r in rs if r.kind not in ANALYSIS_KINDS | PACED_KINDS]
        per_minute.append(
            {
                "minute": m + 1,
                "requests": len(rs),
                "by_class": dict(classes),
                "errors": sum(not r.ok for r in rs),
                "kinds_seen": len({r.kind for r in rs} & set(KINDS)),
                "by_kind": dict(Counter(r.kind for r in rs)),
                "analysis_p50_s": pct(analysis, 50),
                "analysis_p99_s": pct(analysis, 99),
                "other_p50_ms": pct(other, 50) * 1000,
                "other_p99_ms": pct(other, 99) * 1000,
                "all_p50_ms": pct([r.latency for r in rs], 50) * 1000,
                "all_p99_ms": pct([r.latency for r in rs], 99) * 1000,
                "rss_mib": rss_by_minute.get(m, 0) / 1024,
                "anon_mib": anon_by_minute.get(m, 0) / 1024,
            }
        )
    kinds = {}
    for kind in KINDS | {"form_readback": 0}:
        rs = [r for r in run.records if r.kind == kind]
        if not rs:
            continue
        lat = [r.latency for r in rs]
        kinds[kind] = {
            "requests": len(rs),
            "statuses": dict(sorted(Counter(str(r.status) for r in rs).items())),
            "errors": sum(not r.ok for r in rs),
            "p50_ms": pct(lat, 50) * 1000,
            "p99_ms": pct(lat, 99) * 1000,
        }
    growth = None
    if minutes >= 3 and per_minute[1]["rss_mib"]:
        growth = 100 * (per_minute[-1]["rss_mib"] / per_minute[1]["rss_mib"] - 1)
    # a leak keeps growing; warm-up levels off: the second half's growth tells them apart
    late = None
    half = minutes // 2
    if minutes >= 4 and per_minute[half]["rss_mib"]:
        late = 100 * (per_minute[-1]["rss_mib"] / per_minute[half]["rss_mib"] - 1)
    statuses = Counter(r.status for r in run.records)
    return {
        "backend": backend,
        "minutes": per_minute,
        "kinds": kinds,
        "requests": len(run.records),
        "statuses": {str(k): v for k, v in sorted(statuses.items(), key=lambda kv: str(kv[0]))},
        "errors": sum(not r.ok for r in run.records),
        "server_errors": sum(isinstance(r.status, int) and r.status >= 500 for r in run.records),
        "rss_growth_pct": growth,
        "rss_growth_second_half_pct": late,
        "rss_samples": [(round(t, 1), kib, anon) for t, kib, anon in run.rss],
        "problems": run.problems,
    }


def fmt(value: float, spec: str = ".0f") -> str:
    return "n/a" if value != value else format(value, spec)


def print_tables(s: dict[str, Any]) -> None:
    print(f"\n== {s['backend']}: per minute")
    print(
        f"{'min':>3} {'reqs':>6} {'req/s':>6} {'2xx':>5} {'3xx':>4} {'4xx':>5} {'5xx':>4} "
        f"{'hup':>4} {'conn':>4} {'err':>4} {'kinds':>5} {'ana p50':>8} {'ana p99':>8} "
        f"{'oth p50':>8} {'oth p99':>8} {'all p50':>8} {'all p99':>8} {'RSS MiB':>8} {'anon':>5}"
    )
    print(f"{'':>61} {'(s)':>8} {'(s)':>8} {'(ms)':>8} {'(ms)':>8} {'(ms)':>8} {'(ms)':>8}")
    for m in s["minutes"]:
        c = m["by_class"]
        print(
            f"{m['minute']:>3} {m['requests']:>6} {m['requests'] / 60:>6.1f} "
            f"{c.get('2xx', 0):>5} {c.get('3xx', 0):>4} {c.get('4xx', 0):>5} "
            f"{c.get('5xx', 0):>4} {c.get('hup', 0):>4} {c.get('conn', 0):>4} {m['errors']:>4} "
            f"{m['kinds_seen']:>2}/{len(KINDS):<2} "
            f"{fmt(m['analysis_p50_s'], '.2f'):>8} {fmt(m['analysis_p99_s'], '.2f'):>8} "
            f"{fmt(m['other_p50_ms']):>8} {fmt(m['other_p99_ms']):>8} "
            f"{fmt(m['all_p50_ms']):>8} {fmt(m['all_p99_ms']):>8} "
            f"{m['rss_mib']:>8.0f} {m['anon_mib']:>5.0f}"
        )
    print(f"\n== {s['backend']}: requests per minute by kind")
    print(f"{'kind':<14} " + " ".join(f"{m['minute']:>5}" for m in s["minutes"]))
    for kind in s["kinds"]:
        counts = " ".join(f"{m['by_kind'].get(kind, 0):>5}" for m in s["minutes"])
        print(f"{kind:<14} {counts}")
    print(f"\n== {s['backend']}: per kind")
    print(f"{'kind':<14} {'reqs':>6} {'err':>4} {'p50 ms':>8} {'p99 ms':>8}  statuses")
    for kind, k in s["kinds"].items():
        statuses = " ".join(f"{st}:{n}" for st, n in k["statuses"].items())
        print(
            f"{kind:<14} {k['requests']:>6} {k['errors']:>4} {fmt(k['p50_ms']):>8} "
            f"{fmt(k['p99_ms']):>8}  {statuses}"
        )


def verdicts(s: dict[str, Any]) -> list[tuple[str, bool | None, str]]:
    rb = s["read_back"]
    stop = s["stop"]
    growth = s["rss_growth_pct"]
    late = s["rss_growth_second_half_pct"]
    first_rss = s["minutes"][1]["rss_mib"] if len(s["minutes"]) > 1 else 0.0
    last_rss = s["minutes"][-1]["rss_mib"]
    return [
        ("no 5xx", s["server_errors"] == 0, f"{s['server_errors']} 5xx answers"),
        (
            "no unexpected status or error",
            s["errors"] == 0,
            f"{s['errors']} of {s['requests']} requests",
        ),
        (
            f"RSS growth <= {RSS_GROWTH_MAX:g} % after warm-up",
            None if growth is None else growth <= RSS_GROWTH_MAX,
            "n/a: needs 3 minutes or more"
            if growth is None
            else f"{growth:+.1f} % (minute 2: {first_rss:.0f} MiB, last: {last_rss:.0f} MiB)"
            + (
                ""
                if late is None
                else f"; from minute {len(s['minutes']) // 2 + 1} to the last: {late:+.1f} %"
            ),
        ),
        (
            "every saved analysis identical on read-back",
            rb["ok"],
            f"{rb['identical']}/{rb['live']} identical, {rb['deleted_404']}/{rb['deleted']} "
            f"deleted give 404, listing total {rb['listing_total']} "
            f"(expected {rb['expected_total']})",
        ),
        (
            "clean stop",
            stop["clean"],
            f"exit {stop['exit']} in {stop['stop_s']} s, answering at the end: "
            f"{stop['alive_at_end']}, tracebacks in the log: "
            + (
                ", ".join(f"{n} x {e.rsplit('.', 1)[-1]}" for e, n in stop["exceptions"].items())
                or ("yes" if stop["traceback"] else "none")
            ),
        ),
    ]


def print_report(s: dict[str, Any]) -> None:
    print_tables(s)
    rb = s["read_back"]
    print(f"\n== {s['backend']}: read-back")
    print(
        f"saved {rb['live'] + rb['deleted'] + rb['unknown']}, deleted {rb['deleted']}, "
        f"live {rb['live']}; identical {rb['identical']}; differ {len(rb['differ'])}; "
        f"missing {len(rb['missing'])}; deleted but still there "
        f"{len(rb['deleted_still_there'])}; listing total {rb['listing_total']}; "
        f"uncertain saves {rb['uncertain_saves']}"
    )
    lists = ("differ", "missing", "deleted_still_there", "listed_not_saved", "saved_not_listed")
    for what in lists:
        if rb[what]:
            print(f"  {what}: {rb[what][:10]}")
    stop = s["stop"]
    print(f"\n== {s['backend']}: server log ({stop['log_lines']} lines besides the start line)")
    if stop["log_copy"]:
        print(f"  (copied to {stop['log_copy']})")
    for exc, n in stop["exceptions"].items():
        print(f"  {n} x traceback ending in: {exc}")
    if stop["first_traceback"]:
        print("  the first traceback, its last 30 lines:")
    for line in stop["first_traceback"][-30:] or stop["log_excerpt"][:40]:
        print(f"  | {line}")
    if s["problems"]:
        print(f"\n== {s['backend']}: unexpected answers (first {len(s['problems'])})")
        for p in s["problems"]:
            print(f"  {p}")
    print(f"\n== {s['backend']}: verdicts")
    for name, ok, detail in s["verdicts"]:
        mark = "n/a " if ok is None else ("PASS" if ok else "FAIL")
        print(f"  {mark}  {name}: {detail}")


# --------------------------------------------------------------------------- a run


def soak(args: argparse.Namespace, backend: str) -> dict[str, Any]:
    """One backend: start its database and server, run the clients, check, stop."""
    print(f"\n#### {backend}: {args.minutes} min x {args.clients} clients", flush=True)
    cluster = None
    folder = Path(tempfile.mkdtemp(prefix=f"soak-{backend}-"))
    try:
        if backend == "postgresql":
            cluster = start_cluster()
            database = create_database(cluster.url())
        else:
            database = f"sqlite:///{folder / 'soak.db'}"
        extra = ["--max-chars", str(MAX_CHARS)]
        if args.detector:
            extra += ["--detector", args.detector]
        server = start_server(
            folder,
            *extra,
            database=database,
            env={"SPINSCOPE_MAX_BODY_BYTES": str(MAX_BODY)},
            ready_timeout=300,
        )
        ready = httpx.get(f"{server.url}/readyz", timeout=10).json()
        print(
            f"server pid {server.process.pid} at {server.url}, detector "
            f"{ready['detector'].get('name')}, database {database.split('@')[-1]}",
            flush=True,
        )
        try:
            run = Run(t0=time.perf_counter())
            deadline = run.t0 + args.minutes * 60
            ledger = Ledger()
            clients = [
                Client(server, run, ledger, seed=args.seed * 1000 + i) for i in range(args.clients)
            ]
            threads = [
                threading.Thread(target=c.loop, args=(deadline,), daemon=True) for c in clients
            ]
            sampler = threading.Thread(
                target=sample_rss, args=(server.process.pid, run, deadline), daemon=True
            )
            sampler.start()
            for th in threads:
                th.start()
            while any(th.is_alive() for th in threads) and time.perf_counter() < deadline:
                time.sleep(min(60.0, max(0.1, deadline - time.perf_counter())))
                done = int((time.perf_counter() - run.t0) // 60)
                with run.lock:
                    n, bad = len(run.records), sum(not r.ok for r in run.records)
                print(f"  minute {done}: {n} requests, {bad} errors", flush=True)
            for th in threads:
                th.join(timeout=TIMEOUT_S + 30)
            hung = sum(th.is_alive() for th in threads)
            if hung:
                run.problems.append(f"{hung} clients still waiting {TIMEOUT_S + 30:.0f} s late")
            summary = summarize(run, args.minutes, backend)
            summary["hung_clients"] = hung
            summary["read_back"] = read_back(server, ledger)
        finally:
            log_copy = args.log_dir / f"server-{backend}.log" if args.log_dir else None
            summary_stop = stop_server(server, log_copy)
        summary["stop"] = summary_stop
        summary["verdicts"] = verdicts(summary)
        if hung:
            summary["verdicts"].append(("no hung client", False, f"{hung} clients"))
        print_report(summary)
        return summary
    finally:
        if cluster is not None:
            cluster.remove()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--detector", default=None, help="default: the server's (hybrid)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--log-dir",
        type=Path,
        default=None,
        help="copy each server's log here (default: the --json file's folder)",
    )
    args = parser.parse_args()
    if not 1 <= args.minutes <= 60 or not 1 <= args.clients <= 256:
        parser.error("--minutes 1-60 and --clients 1-256")

    if args.log_dir is None and args.json is not None:
        args.log_dir = args.json.parent
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(
        f"soak_serve: {args.minutes} min x {args.clients} clients per backend "
        f"({', '.join(backends)}); detector {args.detector or 'default'}; seed {args.seed}; "
        f"--max-chars {MAX_CHARS}, body cap {MAX_BODY} bytes"
    )
    summaries = []
    for backend in backends:
        try:
            summaries.append(soak(args, backend))
        except Exception as err:  # a backend that cannot start: report it, go on
            print(f"\n#### {backend}: FAILED to run: {err!r}", flush=True)
            summaries.append({"backend": backend, "failed": repr(err), "verdicts": []})

    print("\n#### totals")
    print(f"{'backend':<11} {'requests':>9} {'errors':>7} {'5xx':>4} {'RSS growth':>11}  verdict")
    failed = False
    for s in summaries:
        if "failed" in s:
            failed = True
            print(f"{s['backend']:<11} {'-':>9} {'-':>7} {'-':>4} {'-':>11}  FAIL (did not run)")
            continue
        bad = [name for name, ok, _ in s["verdicts"] if ok is False]
        failed |= bool(bad)
        growth = s["rss_growth_pct"]
        print(
            f"{s['backend']:<11} {s['requests']:>9} {s['errors']:>7} {s['server_errors']:>4} "
            f"{'n/a' if growth is None else f'{growth:+.1f} %':>11}  "
            f"{'FAIL: ' + ', '.join(bad) if bad else 'PASS'}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"args": {k: str(v) for k, v in vars(args).items()}, "backends": summaries}
        args.json.write_text(json.dumps(payload, indent=1, default=str), encoding="utf-8")
    print(f"\noverall: {'FAIL' if failed else 'PASS'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
