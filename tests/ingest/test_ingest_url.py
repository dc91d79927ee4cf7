"""URL fetching against a server on 127.0.0.1 only (allow_private=True); nothing leaves the host."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from spinscope.errors import InputError
from spinscope.ingest import read_source
from spinscope.ingest.url import check_address, fetch, is_url, read_url

PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Harbour Council Approves Bridge "
    "Plan</title><meta name='author' content='Ada Lindqvist'></head><body><article>"
    "<h1>Harbour Council Approves Bridge Plan</h1><p>The harbour council of Velmora approved "
    "the new bridge plan on Monday after a shameful campaign by its opponents, whom the "
    "mayor's allies call traitors to the town.</p><p>Local radio praised the “peaceful” crowd, "
    "but the council called the gathering outrageous and promised a second vote.</p>"
    "</article></body></html>"
).encode()


class Handler(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def send(self, status: int, ctype: str, body: bytes, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up on purpose (size cap, refused type): what the test checks

    def do_GET(self) -> None:
        Handler.requests.append(self.path)
        if self.path == "/article.html":
            self.send(200, "text/html; charset=utf-8", PAGE)
        elif self.path == "/plain.txt":
            self.send(
                200,
                "text/plain; charset=utf-8",
                "The bridge plan passed. Café owners cheered.".encode(),
            )
        elif self.path == "/latin.txt":
            self.send(200, "text/plain; charset=iso-8859-1", "Le café a fermé.".encode("latin-1"))
        elif self.path == "/blank.txt":
            self.send(200, "text/plain", b"   \n ")
        elif self.path == "/report.pdf":
            self.send(200, "application/pdf", b"%PDF-1.4 not really")
        elif self.path == "/big.html":
            self.send(200, "text/html", b"<html><body>" + b"a" * 5000 + b"</body></html>")
        elif self.path == "/big-unsized.html":
            self.send(
                200, "text/html", b"<html><body>" + b"a" * 5000 + b"</body></html>", length=False
            )
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/article.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(301)
            self.send_header("Location", "/loop")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/slow":
            time.sleep(1.5)
            self.send(200, "text/html", PAGE)
        else:
            self.send(404, "text/html", b"<html><body>Not here</body></html>")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def one_line(err: pytest.ExceptionInfo[InputError]) -> str:
    message = str(err.value)
    assert "\n" not in message
    return message


def test_is_url() -> None:
    assert is_url("https://example.org/a") and is_url("HTTP://x")
    assert not is_url("article.txt") and not is_url("-") and not is_url("ftp://x")


def test_fetch_html_page(server: str) -> None:
    doc = read_url(f"{server}/article.html", allow_private=True)
    assert "approved the new bridge plan" in doc.text
    assert doc.metadata["format"] == "html"
    assert doc.metadata["url"] == f"{server}/article.html"
    assert doc.metadata["author"] == "Ada Lindqvist"
    assert "Harbour Council" in doc.metadata["title"]


def test_fetch_plain_text_and_charset(server: str) -> None:
    assert read_url(f"{server}/plain.txt", allow_private=True).text.endswith("Café owners cheered.")
    assert read_url(f"{server}/latin.txt", allow_private=True).text == "Le café a fermé."


def test_read_source_dispatches_urls(server: str) -> None:
    doc = read_source(f"{server}/article.html", allow_private=True)
    assert doc.metadata["format"] == "html"


def test_redirect_is_followed(server: str) -> None:
    page = fetch(f"{server}/redirect", allow_private=True)
    assert page.final_url == f"{server}/article.html"
    assert page.is_html


def test_redirect_loop(server: str) -> None:
    with pytest.raises(InputError) as err:
        fetch(f"{server}/loop", allow_private=True)
    assert "redirects" in one_line(err)


def test_404(server: str) -> None:
    with pytest.raises(InputError) as err:
        read_url(f"{server}/missing", allow_private=True)
    assert "HTTP 404" in one_line(err)


def test_not_html(server: str) -> None:
    with pytest.raises(InputError) as err:
        read_url(f"{server}/report.pdf", allow_private=True)
    assert "not an HTML page" in one_line(err) and "application/pdf" in str(err.value)


def test_blank_body(server: str) -> None:
    with pytest.raises(InputError) as err:
        read_url(f"{server}/blank.txt", allow_private=True)
    assert "whitespace" in one_line(err)


@pytest.mark.parametrize("path", ["/big.html", "/big-unsized.html"])
def test_size_cap(server: str, path: str) -> None:
    with pytest.raises(InputError) as err:
        fetch(f"{server}{path}", allow_private=True, max_bytes=1000)
    assert "limit" in one_line(err)


def test_timeout(server: str) -> None:
    with pytest.raises(InputError) as err:
        fetch(f"{server}/slow", allow_private=True, timeout=0.3)
    assert "timed out" in one_line(err)


def test_connection_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError) as err:
        fetch(f"http://127.0.0.1:{port}/", allow_private=True, timeout=2)
    assert "cannot fetch" in one_line(err)


# ------------------------------------------------------------------------------ SSRF guard


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_loopback_refused_without_allow_private(server: str, host: str) -> None:
    port = server.rsplit(":", 1)[1]
    before = len(Handler.requests)
    with pytest.raises(InputError) as err:
        read_url(f"http://{host}:{port}/article.html")
    message = one_line(err)
    assert "refusing" in message and "--allow-private" in message
    assert len(Handler.requests) == before  # nothing was sent


def test_redirect_target_is_checked_too(server: str, monkeypatch) -> None:
    # The first hop is allowed by the caller; a second hop to a private host is refused.
    calls: list[str] = []
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(host)
        if host == "internal.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(InputError, match="refusing"):
        fetch("http://internal.test/admin")
    assert calls == ["internal.test"]


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
    ],
)
def test_check_address_refuses_non_public(ip: str) -> None:
    with pytest.raises(InputError, match="refusing"):
        check_address(ip, url="http://x/", allow_private=False)
    check_address(ip, url="http://x/", allow_private=True)


@pytest.mark.parametrize("ip", ["93.184.216.34", "2606:4700::1111"])
def test_check_address_allows_public(ip: str) -> None:
    check_address(ip, url="http://x/", allow_private=False)  # no connection is made


def test_dns_failure(monkeypatch) -> None:
    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(InputError) as err:
        read_url("https://no-such-host.invalid/story")
    assert "cannot resolve host" in one_line(err) and "no-such-host.invalid" in str(err.value)


@pytest.mark.parametrize("url", ["ftp://example.org/a", "http:///nohost", "http://x:99999/"])
def test_bad_urls(url: str) -> None:
    with pytest.raises(InputError) as err:
        fetch(url)
    one_line(err)
