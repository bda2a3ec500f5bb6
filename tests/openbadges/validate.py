"""Check an Open Badges 2.0 hosted assertion URL with the official validator, offline.

Why this exists: ``openbadges`` (IMS Global's openbadges-validator-core) is the reference
validator, but its pinned dependencies clash with the app's, so it lives in its own virtual
environment (``.venv-openbadges``, made by ``make test``) and tests run this script in a
subprocess (see tests/openbadges_tool.py). Tests have no network, yet the validator fetches the
Open Badges JSON-LD context from w3id.org: this script serves the copy of that context which
ships inside the package from 127.0.0.1 and sends the validator's requests for it there. Any
other connection to a host that is not the loopback interface is refused, so a document that
points elsewhere fails validation instead of reaching out.

    .venv-openbadges/bin/python tests/openbadges/validate.py URL [--recipient EMAIL]

Prints the validator's JSON report; exits 0 when it is valid with no errors, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
from openbadges.verifier import verify  # openbadges.verify
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT
from openbadges.verifier.utils import CachableDocumentLoader
from pyld import jsonld

CONTEXT_PATH = "/openbadges/v2/context.json"
# Where documents and the validator name the Open Badges 2.0 context (w3id.org redirects to
# openbadgespec.org), without scheme or trailing slash.
CONTEXT_URLS = frozenset({"w3id.org/openbadges/v2", "openbadgespec.org/v2/context.json"})
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def is_loopback(host: str | bytes | None) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def is_context_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and (
        f"{parts.netloc.lower()}{parts.path.rstrip('/')}" in CONTEXT_URLS
    )


class ContextHandler(BaseHTTPRequestHandler):
    body = json.dumps(OPENBADGES_CONTEXT_V2_DICT).encode()

    def do_GET(self) -> None:
        if self.path != CONTEXT_PATH:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def context_server() -> Iterator[str]:
    """Serve the Open Badges context on 127.0.0.1; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ContextHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{CONTEXT_PATH}"
    finally:
        server.shutdown()
        server.server_close()


def confine_to_loopback(context_url: str) -> None:
    """Send requests for the context to context_url and refuse every non-loopback host.

    Every HTTP request of the validator (documents, images, JSON-LD contexts) goes through
    requests' HTTPAdapter.send, redirects included: the context is rewritten there. The socket
    functions are guarded too, so no library can resolve or reach another host by another path.
    """
    for name in PROXY_VARIABLES:
        os.environ.pop(name, None)
        os.environ.pop(name.upper(), None)

    original_send = requests.adapters.HTTPAdapter.send

    def send(
        self: requests.adapters.HTTPAdapter,
        request: requests.PreparedRequest,
        *args: Any,
        **kwargs: Any,
    ) -> requests.Response:
        url = request.url or ""
        if is_context_url(url):
            request.url = context_url
        elif not is_loopback(urlsplit(url).hostname):
            raise requests.ConnectionError(
                f"refused: {url} is not on this machine (tests are offline)"
            )
        return original_send(self, request, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = send  # type: ignore[method-assign]

    original_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: str | bytes | None, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not is_loopback(host):
            raise socket.gaierror(f"refused: {host!r} is not a loopback host (tests are offline)")
        return original_getaddrinfo(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo

    def guard(address: Any) -> None:
        if isinstance(address, tuple) and not is_loopback(address[0]):
            raise ConnectionRefusedError(f"refused: {address[0]} is not a loopback address")

    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> None:
        guard(address)
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        guard(address)
        return original_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]

    # pyld's own loader (urllib) serves the calls that pass no documentLoader: use requests too.
    jsonld.set_document_loader(CachableDocumentLoader(use_cache=False))


def validate(url: str, recipient: str | None = None) -> dict[str, Any]:
    """The validator's report on the hosted assertion at url (recipient: an email address)."""
    with context_server() as context_url:
        confine_to_loopback(context_url)
        profile = {"email": recipient} if recipient else None
        return verify(url, recipient_profile=profile)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the hosted Assertion's URL (on 127.0.0.1 or localhost)")
    parser.add_argument("--recipient", metavar="EMAIL", help="check the assertion is for EMAIL")
    args = parser.parse_args(argv)
    result = validate(args.url, args.recipient)
    json.dump(result, sys.stdout, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")
    report = result["report"]
    return 0 if report.get("valid") is True and report.get("errorCount") == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
