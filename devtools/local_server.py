"""The HTTP server both local fakes (Anthropic, SES) run on 127.0.0.1: threaded, and able to stop cleanly
by closing its open keep-alive connections and joining its handler threads."""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger(__name__)


class CloseWithoutAnswer(Exception):
    """Raised inside a handler to end the connection without writing a response."""


class TrackingHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server on a free 127.0.0.1 port that tracks its sockets and handler threads."""

    daemon_threads = True
    allow_reuse_address = False
    thread_name = "local-server"

    def __init__(self, fake: Any, handler: type[BaseHTTPRequestHandler]) -> None:
        self.fake = fake
        self._tracking_lock = threading.Lock()
        self._open_sockets: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()
        super().__init__(("127.0.0.1", 0), handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN (a reverse DNS lookup, slow on some networks); skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._handle_in_thread,
            args=(request, client_address),
            name=f"{self.thread_name}-{client_address[1]}",
            daemon=True,
        )
        with self._tracking_lock:
            self._open_sockets.add(request)
            self._handler_threads.add(thread)
        thread.start()

    def _handle_in_thread(self, request: Any, client_address: Any) -> None:
        try:
            self.process_request_thread(request, client_address)
        finally:
            with self._tracking_lock:
                self._open_sockets.discard(request)
                self._handler_threads.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out or went away mid-answer is expected here, not an error worth a traceback.
        log.debug("%s: error while handling a request from %s", self.thread_name, client_address, exc_info=True)

    def close_open_connections(self) -> None:
        with self._tracking_lock:
            sockets = list(self._open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def join_handler_threads(self, timeout: float) -> list[threading.Thread]:
        """Join the handler threads; return the ones still alive after ``timeout`` seconds in all."""
        deadline = time.monotonic() + timeout
        with self._tracking_lock:
            threads = list(self._handler_threads)
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return [thread for thread in threads if thread.is_alive()]


class LocalHandler(BaseHTTPRequestHandler):
    """What both fakes' request handlers share: keep-alive HTTP/1.1, every method sent to ``_dispatch``, bodies read
    whether sized or chunked, and quiet logging. A subclass sets ``server_version`` and writes ``_dispatch``."""

    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs' connection pools expect
    sys_version = ""
    server: TrackingHTTPServer

    def log_message(self, format: str, *args: Any) -> None:
        log.debug(self.server_version + ": " + format, *args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        raise NotImplementedError

    @property
    def fake(self) -> Any:
        return self.server.fake

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length) if length else b""
