"""A small HTTP/1.1 server on 127.0.0.1 that misbehaves on cue, for the runtime's network tests.

Tests script what each path answers, one action per request (the last action repeats)::

    server.script("/pets/1", Drop(), Reply(503, headers={"Retry-After": "1"}), Reply(200, b"{}"))

Actions:

* :class:`Reply` -- a status, headers and body, optionally after ``delay`` seconds (past the
  client's timeout, for timeout tests).
* :class:`Drop` -- read the request, then close the connection without answering.
* :class:`Stream` -- a chunked body written piece by piece; ``threading.Event`` items in
  ``chunks`` make the server wait for the test; ``cut=True`` closes the connection before the
  terminating chunk (a connection dropped mid-stream).
* any callable taking the :class:`Seen` request and returning one of the above.

Every request is recorded as :class:`Seen` (method, path, query, lower-cased headers, body).
Runs ``ThreadingHTTPServer`` in a daemon thread on an ephemeral port; :meth:`FaultServer.stop`
wakes any handler that is sleeping or waiting.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Drop:
    pass


@dataclass
class Stream:
    chunks: list[bytes | threading.Event]
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/event-stream"})
    cut: bool = False


@dataclass
class Seen:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


Action = Reply | Drop | Stream | Callable[[Seen], Reply | Drop | Stream]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FaultServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def _handle(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        split = urlsplit(self.path)
        seen = Seen(
            method=self.command,
            path=split.path,
            query=parse_qsl(split.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        action = owner._next_action(seen)
        while callable(action) and not isinstance(action, (Reply, Drop, Stream)):
            action = action(seen)
        try:
            if isinstance(action, Drop):
                self.close_connection = True
            elif isinstance(action, Stream):
                self._stream(action)
            else:
                self._reply(action)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    def _reply(self, reply: Reply) -> None:
        if reply.delay and owner_wait(self.server.owner, reply.delay):
            self.close_connection = True
            return
        body = reply.body
        headers = dict(reply.headers)
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
            headers.setdefault("Content-Type", "application/json")
        data = body.encode() if isinstance(body, str) else body
        self.send_response(reply.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _stream(self, stream: Stream) -> None:
        self.send_response(stream.status)
        for name, value in stream.headers.items():
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        for chunk in stream.chunks:
            if isinstance(chunk, threading.Event):
                if not chunk.wait(10) or self.server.owner.stopping.is_set():
                    break
                continue
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.flush()
        if stream.cut:
            self.close_connection = True
            return
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle


def owner_wait(owner: FaultServer, seconds: float) -> bool:
    """Sleep ``seconds`` unless the server is stopping; True if it is stopping."""
    return owner.stopping.wait(seconds)


class FaultServer:
    """Scripted HTTP server on an ephemeral 127.0.0.1 port (see the module docstring)."""

    def __init__(self) -> None:
        self._scripts: dict[str, list[Action]] = {}
        self._lock = threading.Lock()
        self.requests: list[Seen] = []
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def reset(self) -> None:
        with self._lock:
            self._scripts.clear()
            self.requests.clear()

    def script(self, path: str, *actions: Action) -> None:
        with self._lock:
            self._scripts[path] = list(actions)

    def seen(self, path: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.requests if s.path == path]

    def _next_action(self, seen: Seen) -> Action:
        with self._lock:
            self.requests.append(seen)
            actions = self._scripts.get(seen.path)
            if not actions:
                return Reply(404, {"title": "no script for " + seen.path})
            return actions.pop(0) if len(actions) > 1 else actions[0]
