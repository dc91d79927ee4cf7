"""Fetch an article from a URL, carefully: timeout, size cap, content-type check, SSRF guard.

Only ``http`` and ``https`` URLs are fetched. The host is resolved once and every address it
resolves to must be public: loopback, private, link-local, shared, multicast, reserved and
unspecified addresses are refused unless ``allow_private=True`` (so a report server cannot be
made to read an internal service). The connection then goes to the checked address, so a
second DNS answer cannot swap in another one; redirects (at most :data:`MAX_REDIRECTS`) are
checked the same way. The body is read up to ``max_bytes`` and within ``timeout`` seconds in
all; only HTML and plain text are accepted. Every failure is one
:class:`~spinscope.errors.InputError` with a one-line message.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import quote, urljoin, urlsplit

from spinscope.document import Document
from spinscope.errors import InputError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_REDIRECTS",
    "Fetched",
    "check_address",
    "fetch",
    "is_url",
    "read_url",
]

#: Seconds allowed for the whole fetch (connecting, redirects and reading).
DEFAULT_TIMEOUT = 15.0
#: Largest body read, in bytes.
DEFAULT_MAX_BYTES = 5_000_000
#: Redirects followed before giving up.
MAX_REDIRECTS = 5

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = ("text/plain",)
_USER_AGENT = "spinscope (article analysis; +https://pypi.org/project/spinscope/)"


def is_url(source: str) -> bool:
    """Whether ``source`` is an http(s) URL rather than a path."""
    return source.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class Fetched:
    """A fetched page: the URL asked for, the final URL after redirects, type and body."""

    url: str
    final_url: str
    content_type: str
    charset: str | None
    body: bytes

    @property
    def is_html(self) -> bool:
        """Whether the server said the body is HTML."""
        return self.content_type in _HTML_TYPES


def check_address(ip: str, *, url: str, allow_private: bool) -> None:
    """Refuse ``ip`` (what ``url``'s host resolved to) unless it is public or allowed."""
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if allow_private:
        return
    if not addr.is_global or addr.is_multicast:
        raise InputError(
            f"{url}: refusing to fetch from {addr}, a loopback, private or reserved address. "
            "To read a local server, pass --allow-private (spinscope analyze, batch or serve)."
        )


def _resolve(host: str, port: int, url: str, allow_private: bool) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise InputError(f"{url}: cannot resolve host {host!r} ({err.strerror}).") from None
    except UnicodeError:
        raise InputError(f"{url}: {host!r} is not a valid host name.") from None
    ips = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not ips:
        raise InputError(f"{url}: host {host!r} has no address.")
    for ip in ips:
        check_address(ip, url=url, allow_private=allow_private)
    return ips


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand (the Host header keeps the name)."""

    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address; the certificate is checked for the name."""

    def __init__(self, host: str, port: int, ip: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _content_type(header: str | None) -> tuple[str, str | None]:
    msg = Message()
    msg["content-type"] = header or "application/octet-stream"
    charset = msg.get_param("charset")
    return msg.get_content_type(), charset if isinstance(charset, str) else None


def _one_request(
    url: str, *, deadline: float, max_bytes: int, allow_private: bool
) -> tuple[int, str | None, str | None, bytes]:
    """``(status, location, content-type header, body)`` of one GET, no redirects followed."""
    try:
        parts = urlsplit(url)
    except ValueError as err:  # "Invalid IPv6 URL"
        raise InputError(f"{url!r} is not a valid URL ({err}).") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"{url}: only http:// and https:// URLs can be fetched.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise InputError(f"{url}: the port is not a number between 0 and 65535.") from None
    host = parts.hostname
    path = _request_target(url, parts.path, parts.query)
    ip = _resolve(host, port, url, allow_private)[0]
    left = deadline - time.monotonic()
    if left <= 0:
        raise InputError(f"{url}: timed out.")
    cls = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    conn: http.client.HTTPConnection | None = None
    resp: http.client.HTTPResponse | None = None
    try:
        conn = cls(host, port, ip, left)  # http.client refuses a host with control characters
        conn.request(
            "GET",
            path,
            headers={
                "User-Agent": _USER_AGENT,
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
                "Accept-Encoding": "identity",
            },
        )
        resp = conn.getresponse()
        status = resp.status
        location = resp.getheader("Location")
        ctype = resp.getheader("Content-Type")
        if 300 <= status < 400 and location:
            return status, location, ctype, b""
        if status >= 400:
            reason = resp.reason or http.client.responses.get(status, "")
            raise InputError(f"{url}: the server answered HTTP {status} {reason}.".rstrip())
        kind, _ = _content_type(ctype)
        if kind not in _HTML_TYPES + _TEXT_TYPES:
            raise InputError(
                f"{url}: not an HTML page or text (the server says {kind}); spinscope reads "
                "news articles as HTML or plain text."
            )
        length = (resp.getheader("Content-Length") or "").strip()
        # ASCII digits only ("²".isdigit() holds), and not more than int() converts
        if length.isascii() and length.isdigit() and int(length[:30]) > max_bytes:
            said = f"{int(length):,}" if len(length) <= 30 else f"a {len(length):,}-digit number of"
            raise InputError(f"{url}: the page is {said} bytes, over the limit of {max_bytes:,}.")
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise InputError(f"{url}: timed out while reading the page.")
            chunk = resp.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise InputError(f"{url}: the page is over the limit of {max_bytes:,} bytes.")
            chunks.append(chunk)
        return status, None, ctype, b"".join(chunks)
    except InputError:
        raise
    except TimeoutError:
        raise InputError(f"{url}: timed out.") from None
    except ssl.SSLError as err:
        raise InputError(f"{url}: TLS error ({err.reason or err}).") from None
    except (OSError, http.client.HTTPException, UnicodeError) as err:
        # UnicodeError: a host name that IDNA cannot encode for the Host header
        detail = getattr(err, "strerror", None) or str(err) or type(err).__name__
        detail = " ".join(str(detail).split())[:200]  # one line: a bad status line ends in CRLF
        raise InputError(f"{url}: cannot fetch the page ({detail}).") from None
    finally:
        # the response holds its own file on the socket: close it too, or the socket leaks
        if resp is not None:
            resp.close()
        if conn is not None:
            conn.close()


#: Characters left as they are in a request's path and query (RFC 3986 reserved and unreserved,
#: and ``%`` so that escapes already there stay as given).
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


def _request_target(url: str, path: str, query: str) -> str:
    """The path and query to send: non-ASCII and control characters %-escaped as UTF-8.

    A browser sends ``/café`` as ``/caf%C3%A9``; http.client would refuse the raw characters.
    """
    try:
        target = quote(path or "/", safe=_SAFE_PATH)
        if query:
            target += "?" + quote(query, safe=_SAFE_QUERY)
    except UnicodeEncodeError:  # a lone surrogate
        raise InputError(f"{url!r} is not a valid URL (it holds a lone surrogate).") from None
    return target


def fetch(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_private: bool = False,
) -> Fetched:
    """GET ``url`` with the checks of the module docstring; follow redirects."""
    deadline = time.monotonic() + timeout
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        _, location, ctype, body = _one_request(
            current, deadline=deadline, max_bytes=max_bytes, allow_private=allow_private
        )
        if location is None:
            kind, charset = _content_type(ctype)
            return Fetched(url, current, kind, charset, body)
        try:
            current = urljoin(current, location)
        except ValueError:  # "Invalid IPv6 URL"
            raise InputError(
                f"{url}: the server redirected to {location!r}, which is not a valid URL."
            ) from None
    raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects.")


def read_url(
    url: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_private: bool = False,
) -> Document:
    """Fetch ``url`` and read its article (HTML extracted with trafilatura, or plain text)."""
    from spinscope.ingest.html import declared_charset, extract_html
    from spinscope.ingest.text import decode, require_text

    page = fetch(url, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)
    declared = page.charset or (declared_charset(page.body) if page.is_html else None)
    text = require_text(decode(page.body, name=url, declared=declared), url)
    if page.is_html:
        return extract_html(text, name=url, url=page.final_url)
    return Document("article", text, {"source": url, "url": page.final_url, "format": "text"})
