"""A small web site on a free loopback port, for the tests that fetch URLs.

:func:`serve_site` serves fixed pages (status, content type, body) by path; any other path is
a 404 page. :func:`article_page` wraps an article's lines in a minimal HTML page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: a page: HTTP status, Content-Type, body
Page = tuple[int, str, bytes]

NOT_FOUND: Page = (404, "text/html", b"<html>gone</html>")
PHOTO: Page = (200, "image/png", b"\x89PNG")


def article_page(text: str, title: str | None = None) -> Page:
    """An HTML page holding ``text``, one paragraph per non-empty line."""
    head = f"<head><title>{title}</title></head>" if title else ""
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line)
    body = f"<html>{head}<body><article>{paragraphs}</article></body></html>"
    return 200, "text/html; charset=utf-8", body.encode()


@contextmanager
def serve_site(pages: Mapping[str, Page]) -> Iterator[str]:
    """Serve ``pages`` (by path) until the block ends; yields the site's base URL."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            status, ctype, body = pages.get(self.path, NOT_FOUND)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
