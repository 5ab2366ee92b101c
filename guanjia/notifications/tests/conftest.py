"""Fixtures of the notification tests: a tiny HTTP server standing in for the group robots, and after-commit blocks.

No test touches the network: robots are played by an http.server on 127.0.0.1 in a thread.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: dict


@dataclass
class RobotServer:
    """What the fake robot received, and what it answers next (status and JSON body)."""

    url: str
    received: list[Received] = field(default_factory=list)
    status: int = 200
    answer: dict = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})


@pytest.fixture
def robot(monkeypatch):
    # Never through a proxy, even if the environment names one: the robot is on this machine.
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    server_state: RobotServer | None = None

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            server_state.received.append(Received(parts.path, parse_qs(parts.query), dict(self.headers),
                                                  json.loads(raw.decode() or "{}")))
            payload = json.dumps(server_state.answer).encode()
            self.send_response(server_state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state = RobotServer(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): service(...)`: the after-commit callbacks (signal, huey jobs) run at the block's end."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block
