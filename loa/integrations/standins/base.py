"""A threaded HTTP server on 127.0.0.1 for the stand-ins, started and stopped around a test."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Request:
    """What the stand-in received, for assertions (headers kept as sent: tests look for tokens)."""

    def __init__(self, method, path, query, headers, body):
        self.method, self.path, self.query, self.headers, self.body = method, path, query, headers, body

    def form(self):
        return {k: v[-1] for k, v in parse_qs(self.body.decode("utf-8"), keep_blank_values=True).items()}

    def json(self):
        return json.loads(self.body or b"null")

    def __repr__(self):
        return f"<Request {self.method} {self.path}>"


class Reply:
    def __init__(self, status=200, body=None, headers=None, delay=0.0):
        self.status, self.body, self.headers, self.delay = status, body, headers or {}, delay


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "standin/1"
    # One write per answer: separate header and body writes meet delayed ACKs (40 ms a call).
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # quiet: pytest shows our own assertions
        pass

    def _handle(self):
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = Request(self.command, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, body)
        standin = self.server.standin
        with standin.lock:
            standin.requests.append(request)
        reply = standin.handle(request, base_url=standin.url)
        if reply.delay:
            standin.sleep(reply.delay)
        raw = (
            b""
            if reply.body is None
            else (reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode())
        )
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(raw)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
            pass

    do_GET = do_POST = do_DELETE = _handle


class StandinServer:
    """Subclasses implement handle(request, base_url) -> Reply and keep their scenario in .state."""

    def __init__(self):
        self.lock = threading.RLock()
        self.requests = []
        self._stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.standin = self
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = None

    def sleep(self, seconds):
        # Wakes early when the server stops, so a timeout test never holds up teardown.
        self._stopping.wait(seconds)

    def start(self):
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=type(self).__name__, daemon=True
        )
        self.thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread:
            self.thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def handle(self, request, base_url):
        raise NotImplementedError
