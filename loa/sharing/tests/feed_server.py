"""A local feed server for the feeds tests: a threaded http.server on 127.0.0.1 serving what a test
puts in `.routes` (path -> Route), answering 304 when the request's If-None-Match is the route's ETag."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str = ""
    delay: float = 0.0  # seconds before answering
    drip: float = 0.0  # seconds between chunks of 1 KB
    length: bool = True  # send Content-Length (else the body ends when the connection closes)
    headers: dict = field(default_factory=dict)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        server = self.server.feeds
        with server.lock:
            server.requests.append((self.path, dict(self.headers.items())))
            route = server.routes.get(self.path)
        try:
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                server.stopping.wait(route.delay)
            if route.etag and self.headers.get("If-None-Match") == route.etag:
                self.send_response(304)
                self.send_header("ETag", route.etag)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.length:
                self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if route.drip:
                for i in range(0, len(route.body), 1024):
                    if server.stopping.is_set():
                        return
                    self.wfile.write(route.body[i : i + 1024])
                    self.wfile.flush()
                    time.sleep(route.drip)
            else:
                self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up: a timeout or size test
            pass


class FeedServer:
    def __init__(self):
        self.lock = threading.Lock()
        self.routes: dict[str, Route] = {}
        self.requests: list = []
        self.stopping = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.feeds = self
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def feed_server(settings):
    settings.SHARING_FEED_TIMEOUT = 1
    settings.SHARING_FEED_MAX_BYTES = 50_000
    with FeedServer() as server:
        yield server


def rss(*items, title="Tin tức Công đoàn Việt Nam"):
    """An RSS 2.0 document; each item a dict with guid, title, link, description, pubDate."""
    parts = []
    for item in items:
        guid = f'<guid isPermaLink="false">{item["guid"]}</guid>' if item.get("guid") else ""
        parts.append(
            f"<item><title>{item['title']}</title><link>{item['link']}</link>{guid}"
            f"<description>{item.get('description', '')}</description>"
            f"<pubDate>{item.get('pubDate', 'Mon, 07 Dec 2026 08:00:00 +0700')}</pubDate></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://congdoan.vn/</link><description>Tin</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def atom(*entries):
    parts = [
        f'<entry><id>{e["id"]}</id><title type="html">{e["title"]}</title>'
        f'<link rel="alternate" href="{e["link"]}"/><updated>2026-12-07T01:00:00Z</updated>'
        f'<summary type="html">{e.get("summary", "")}</summary></entry>'
        for e in entries
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Cổng thông tin LĐLĐ tỉnh</title><id>urn:uuid:ldld</id><updated>2026-12-07T01:00:00Z</updated>"
        + "".join(parts)
        + "</feed>"
    ).encode()
