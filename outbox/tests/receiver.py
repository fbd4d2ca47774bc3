"""A real HTTP receiver for webhook tests and the benchmark: ``http.server`` in a thread on
127.0.0.1 with a random port, recording every request it answers."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    # A listen backlog as a web server's (nginx: 511), not socketserver's 5: a batch's connections
    # open at once, and beyond the backlog the kernel resets them.
    request_queue_size = 512


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() when it arrived
    status: int


@dataclass
class Receiver:
    """``respond(n)`` answers the status for the n-th request (0-based); 200 by default.
    ``delay(n)`` is how long it waits before answering (a receiver that times out); ``port`` 0
    takes any free port."""

    respond: Callable[[int], int] = lambda n: 200
    requests: list[Received] = field(default_factory=list)
    delay: Callable[[int], float] = lambda n: 0.0
    port: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real receivers do

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:
                    # The sender died mid-request (a worker killed): the request never arrived
                    # whole, so a real receiver would not act on it; nor is it counted here.
                    self.close_connection = True
                    return
                with receiver._lock:
                    n = len(receiver.requests)
                    status = receiver.respond(n)
                    receiver.requests.append(
                        Received({k.lower(): v for k, v in self.headers.items()}, body, time.time(), status)
                    )
                wait = receiver.delay(n)
                if wait:
                    time.sleep(wait)
                try:
                    self.send_response(status)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except ConnectionError:
                    pass  # the sender gave up waiting (its timeout) and closed the connection

            def log_message(self, *args) -> None:
                pass

        self.server = _Server(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def accepted(self) -> Counter[str]:
        """How many times each webhook-id was accepted (answered 2xx): 1 is delivered once, more is
        a repeat the receiver drops by its id."""
        with self._lock:
            return Counter(r.headers.get("webhook-id", "") for r in self.requests if 200 <= r.status < 300)
