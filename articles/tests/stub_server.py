"""A local stand-in for NewsAPI and the Guardian that serves recorded payloads over real HTTP.

Tests start it on a free port; by hand: `python -m articles.tests.stub_server --port 8301`, then
NEWSAPI_BASE_URL and GUARDIAN_BASE_URL = http://127.0.0.1:8301 and NEWSAPI_KEY = any value.
"""

import argparse
import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAYLOADS = Path(__file__).parent / "payloads"


@dataclass(frozen=True)
class StubAnswer:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    delay: float = 0.0


@dataclass(frozen=True)
class StubRequest:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


def json_answer(payload, status: int = 200) -> StubAnswer:
    return StubAnswer(status=status, body=json.dumps(payload).encode())


def payload(name: str):
    return json.loads((PAYLOADS / f"{name}.json").read_text())


def newsapi_route(request: StubRequest, *, api_key: str | None) -> StubAnswer:
    """top-headlines: the key checked like NewsAPI does, each category its own URLs."""
    if api_key is not None and request.headers.get("x-api-key") != api_key:
        return json_answer(payload("newsapi_errors")["apiKeyInvalid"]["body"], status=401)
    body = payload("newsapi_top_headlines")
    category = request.query.get("category", "general")
    for item in body["articles"]:
        if item["url"] != "https://removed.com":
            item["url"] = f"{item['url']}?c={category}" if category != "technology" else item["url"]
    return json_answer(body)


def guardian_route(request: StubRequest, *, api_key: str | None) -> StubAnswer:
    """search: the key checked like the Guardian's gateway does."""
    if "api-key" not in request.query:
        return json_answer(payload("guardian_errors")["no_key"]["body"], status=401)
    if api_key is not None and request.query["api-key"] != api_key:
        return json_answer(payload("guardian_errors")["invalid_key"]["body"], status=401)
    return json_answer(payload("guardian_search"))


@dataclass
class StubProviderServer:
    """Both providers on one port: /top-headlines (NewsAPI) and /search (the Guardian).

    `overrides` maps (path, category or section) to a fixed answer, e.g. a 500 for one pair.
    """

    newsapi_key: str | None = None
    guardian_key: str | None = None
    port: int = 0
    overrides: dict[tuple[str, str], StubAnswer] = field(default_factory=dict)
    requests: list[StubRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, request: StubRequest) -> StubAnswer:
        with self._lock:
            self.requests.append(request)
        selector = request.query.get("category") or request.query.get("section") or ""
        override = self.overrides.get((request.path, selector))
        if override is not None:
            return override
        routes: dict[str, Callable[..., StubAnswer]] = {
            "/top-headlines": lambda r: newsapi_route(r, api_key=self.newsapi_key),
            "/search": lambda r: guardian_route(r, api_key=self.guardian_key),
        }
        route = routes.get(request.path)
        if route is None:
            return StubAnswer(
                status=404, body=b"<html><body>Not Found</body></html>", content_type="text/html"
            )
        return route(request)

    def start(self) -> "StubProviderServer":
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
                headers = {key.lower(): value for key, value in self.headers.items()}
                answer = stub.answer(StubRequest(path=parts.path, query=query, headers=headers))
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                # The client may have given up already (a timeout test).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(answer.body)

            def log_message(self, format, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "StubProviderServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8301)
    args = parser.parse_args()
    with StubProviderServer(port=args.port) as stub:
        print(f"Serving /top-headlines and /search on {stub.url} (Ctrl-C stops)", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
