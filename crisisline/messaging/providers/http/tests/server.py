"""A real HTTP server on 127.0.0.1, in a thread, that plays a provider: it keeps every request it was sent
and answers each with `answer(request) -> (status, body)` (a dict body goes out as JSON). The Android and
HTTP gateway tests stand it in for the gateway, so their transports send real requests over a socket."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Seen:
    method: str
    path: str  # without the query
    query: dict
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)

    def form(self) -> dict:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}


@dataclass
class LocalServer:
    answer: Callable[[Seen], tuple[int, object]]
    seen: list[Seen] = field(default_factory=list)
    url: str = ""


def _handler(server: LocalServer):
    class Handler(BaseHTTPRequestHandler):
        def _any(self):
            length = int(self.headers.get("Content-Length", 0) or 0)
            parts = urlsplit(self.path)
            request = Seen(
                method=self.command,
                path=parts.path,
                query={key: values[0] for key, values in parse_qs(parts.query).items()},
                headers=dict(self.headers.items()),
                body=self.rfile.read(length),
            )
            server.seen.append(request)
            status, body = server.answer(request)
            data = json.dumps(body).encode() if isinstance(body, dict | list) else str(body or "").encode()
            self.send_response(status)
            self.send_header(
                "Content-Type", "application/json" if isinstance(body, dict | list) else "text/plain"
            )
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _any

        def log_message(self, *args):  # quiet: requests hold phone numbers
            pass

    return Handler


@contextmanager
def serve(answer: Callable[[Seen], tuple[int, object]]):
    """A running server for the `with` block."""
    state = LocalServer(answer=answer)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def closed_port_url() -> str:
    """An address on this machine where nothing listens: connecting is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
