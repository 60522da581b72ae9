"""What a test's end waits for before its database is emptied: the requests its browser
left being answered (tests/browser/conftest.py's live server) and the background jobs it
left running (tests/conftest.py's app). On PostgreSQL a query still running held the
locks TRUNCATE needs: a deadlock, and the next test found the last one's rows."""

from __future__ import annotations

import threading

#: How long a test's end waits for what it left running: the requests its server is
#: still answering (a chart's data asked for by the last page), the background jobs it
#: started (an export it did not wait for).
DRAIN_SECONDS = 60


class InFlight:
    """WSGI middleware keeping the requests being answered, so that a test's end can wait
    for them. A request is answered once its response's body has been sent (or closed):
    the server's reading of what the client sent after it (werkzeug drains the socket
    until the browser closes it) touches no database and is not waited for."""

    def __init__(self, app):
        self.app = app
        self.running: list[str] = []
        self._changed = threading.Condition()

    def __call__(self, environ, start_response):
        request = f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}"
        self._change(self.running.append, request)
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._change(self.running.remove, request)
            raise
        return _Answer(body, lambda: self._change(self.running.remove, request))

    def _change(self, how, request: str) -> None:
        with self._changed:
            how(request)
            self._changed.notify_all()

    def drained(self, seconds: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: not self.running, timeout=seconds)


class _Answer:
    """A response's body that calls ``done`` once, when it has been sent or closed."""

    def __init__(self, body, done):
        self.body, self._done, self._ended = body, done, False

    def __iter__(self):
        try:
            yield from self.body
        finally:
            self.close()

    def close(self) -> None:
        if self._ended:
            return
        self._ended = True
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            self._done()
