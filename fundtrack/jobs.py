"""Long work run outside the request: a background thread in the server's process, and an
in-memory registry of its jobs that the page polls for progress (rows done, an estimate).

The server is one process (waitress, threads: see cli.serve), so a registry in memory is
seen by every request. A job is its user's: another user's id is not found. Finished jobs
are forgotten after ``KEEP_SECONDS`` (their ``cleanup`` run: an export's file removed); a
job whose server restarts is lost with it, as a request would be (nothing is written:
each job's work is one transaction).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.exceptions import NotFound

#: A finished job's result is kept this long for its page.
KEEP_SECONDS = 3600


@dataclass
class Job:
    """One piece of long work: who started it, how far it is, what it gave."""

    owner: str
    #: What the job's page needs besides the result (the file's name, the kind of work).
    context: dict = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    started: float = field(default_factory=time.monotonic)
    #: Rows done of ``total`` (0 while the total is not known: the file is being read).
    done: int = 0
    total: int = 0
    #: When the rows began (after reading), for the estimate.
    counting_since: float | None = None
    finished: float | None = None
    result: Any = None
    #: The exception the work raised, if any.
    error: BaseException | None = None
    #: Sheets written of the workbook's (an export tells them), or None.
    sheets: tuple[int, int] | None = None
    #: Run once when the job is forgotten (an export's file removed).
    cleanup: Callable[[], None] | None = None
    _event: threading.Event = field(default_factory=threading.Event, repr=False)

    def progress(self, done: int, total: int, sheets: tuple[int, int] | None = None) -> None:
        """The work's report: ``done`` rows of ``total`` (and ``sheets`` written of the
        workbook's, when the work is an export)."""
        if self.counting_since is None:
            self.counting_since = time.monotonic()
        self.done, self.total = done, total
        if sheets is not None:
            self.sheets = sheets

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the job to finish; whether it has."""
        return self._event.wait(seconds)

    @property
    def is_finished(self) -> bool:
        return self._event.is_set()

    def seconds_left(self) -> int | None:
        """An estimate from the rate so far (None until a few rows are done)."""
        if self.counting_since is None or self.done < 1 or not self.total:
            return None
        spent = time.monotonic() - self.counting_since
        return max(0, round(spent / self.done * (self.total - self.done)))

    def status(self) -> dict:
        """What the page polls (static/js/progress.js)."""
        return {"finished": self.is_finished, "done": self.done, "total": self.total,
                "seconds_left": self.seconds_left(),
                "sheets": list(self.sheets) if self.sheets else None,
                "elapsed": round(time.monotonic() - self.started, 1)}


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def start(app, owner: str, work: Callable[[Job], Any], *,
          cleanup: Callable[[], None] | None = None, **context) -> Job:
    """Run ``work(job)`` in a thread of its own, in an app context of ``app``; the job
    at once. ``work`` reports its progress with ``job.progress(done, total)``;
    ``cleanup`` runs when the job is forgotten."""
    job = Job(owner=owner, context=context, cleanup=cleanup)
    with _lock:
        _forget_old()
        _jobs[job.id] = job

    def run():
        try:
            with app.app_context():
                job.result = work(job)
        except BaseException as e:  # kept for the page, which shows it
            job.error = e
            app.logger.exception("background job %s failed", job.id)
        finally:
            job.finished = time.monotonic()
            job._event.set()

    threading.Thread(target=run, name=f"job-{job.id[:8]}", daemon=True).start()
    return job


def get_or_404(job_id: str, owner: str, kind: str) -> Job:
    """The job of that id if ``owner`` started it and it is of that ``kind`` (an
    import's id is no export's); else 404, as for a job that never was."""
    with _lock:
        job = _jobs.get(job_id)
    if job is None or job.owner != owner or job.context.get("kind") != kind:
        raise NotFound()
    return job


def unfinished() -> list[Job]:
    """The jobs still running, whoever started them (a test waits for them before it
    empties its database)."""
    with _lock:
        return [job for job in _jobs.values() if not job.is_finished]


def forget(job: Job) -> None:
    with _lock:
        known = _jobs.pop(job.id, None)
    if known is not None:
        _clean(known)


def _forget_old() -> None:
    limit = time.monotonic() - KEEP_SECONDS
    for job in [j for j in _jobs.values() if j.finished and j.finished < limit]:
        del _jobs[job.id]
        _clean(job)


def _clean(job: Job) -> None:
    if job.cleanup is not None:
        job.cleanup()
