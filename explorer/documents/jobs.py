"""Long work (embedding a corpus, UMAP on 100,000 points) in a background thread.

A :class:`Job` runs a function in its own thread and keeps what a page needs
to show while it runs: the stage, the share done, the time left, and at the
end the result or the error. The function receives a :class:`Report` to say
how far it is; :meth:`Job.cancel` makes the next report raise :class:`Cancelled`,
so a job stops between two steps (a batch of texts, an epoch of UMAP) and
whatever it saved so far stays saved.

A :class:`JobBoard` keeps jobs by key, so the same work asked for twice (a
rerun, a second visitor with the same corpus) runs once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

RUNNING = "running"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"


class Cancelled(Exception):
    """Raised inside a job's function by :meth:`Report.__call__` once the job is cancelled."""


@dataclass(frozen=True)
class Snapshot:
    """A job's state at one moment, safe to read from another thread.

    Attributes:
        state: ``"running"``, ``"done"``, ``"failed"`` or ``"cancelled"``.
        stage: what the job is doing ("Embedding 2,000 documents").
        done: units finished in this stage; ``total``: units in it (0 if unknown).
        elapsed: seconds since the job started (until it ended, once ended).
        left: estimated seconds left in this stage, or ``None`` when unknown.
        error: why it failed, for a failed job.
    """

    state: str
    stage: str
    done: int
    total: int
    elapsed: float
    left: float | None
    error: str | None

    @property
    def fraction(self) -> float | None:
        """Share of the stage done, in [0, 1], or ``None`` when the total is unknown."""
        return min(1.0, self.done / self.total) if self.total > 0 else None

    def describe(self) -> str:
        """One line for a progress bar.

        Example:
            >>> Snapshot("running", "Embedding", 500, 2000, 3.0, 9.6, None).describe()
            'Embedding: 500 of 2,000 (25%), about 10 s left'
        """
        line = self.stage
        if self.total > 0:
            line += f": {self.done:,} of {self.total:,} ({self.done / self.total:.0%})"
        if self.left is not None:
            line += f", about {duration(self.left)} left"
        elif self.state == RUNNING:
            line += f" ({duration(self.elapsed)} so far)"
        return line


def duration(seconds: float) -> str:
    """Seconds as a short human duration.

    Example:
        >>> duration(9.6), duration(75), duration(3700)
        ('10 s', '1 min 15 s', '1 h 1 min')
    """
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s" if secs else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


class Report:
    """What a job's function calls to say how far it is: ``report(done, total, stage=...)``.

    The time left is estimated from the rate since the stage's first report.
    Raises :class:`Cancelled` once the job was cancelled.
    """

    def __init__(self, job: Job) -> None:
        self._job = job

    def __call__(self, done: int, total: int = 0, *, stage: str | None = None) -> None:
        self._job._progress(done, total, stage)
        if self._job._cancel.is_set():
            raise Cancelled

    @property
    def cancelled(self) -> bool:
        return self._job._cancel.is_set()


class Job:
    """Run ``function(report)`` in a daemon thread.

    Example:
        >>> job = Job(lambda report: [report(i, 3, stage="Counting") for i in range(4)][-1] or 42)
        >>> job.wait(5).state, job.result
        ('done', 42)
    """

    def __init__(self, function: Callable[[Report], Any], *, name: str = "job") -> None:
        self.name = name
        self.result: Any = None
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._finished = threading.Event()
        self._state = RUNNING
        self._stage = name
        self._done = 0
        self._total = 0
        self._error: str | None = None
        self._started = time.monotonic()
        self._ended: float | None = None
        self._stage_start = (self._started, 0)  # (time, done) when the rate was last reset
        self._thread = threading.Thread(
            target=self._run, args=(function,), name=f"explorer-{name}", daemon=True
        )
        self._thread.start()

    def _run(self, function: Callable[[Report], Any]) -> None:
        result: Any = None
        message: str | None = None
        try:
            result = function(Report(self))
            state = DONE
        except Cancelled:
            state = CANCELLED
        except Exception as error:  # noqa: BLE001 - a job's failure is shown, never raised
            logger.exception("Job %s failed", self.name)
            state, message = FAILED, str(error)
            if not isinstance(error, ValueError):
                message = f"{type(error).__name__}: {error}"
        if state == DONE and self._cancel.is_set():
            state, result = CANCELLED, None  # cancelled while finishing: dropped
        with self._lock:
            self.result = result
            self._state, self._error = state, message
            self._ended = time.monotonic()
        self._finished.set()

    def _progress(self, done: int, total: int, stage: str | None) -> None:
        now = time.monotonic()
        with self._lock:
            if stage is not None and stage != self._stage:
                self._stage = stage
                self._stage_start = (now, done)
            elif done < self._done:
                self._stage_start = (now, done)
            self._done, self._total = done, total

    def snapshot(self) -> Snapshot:
        """The job's state now (``"cancelled"`` as soon as it is asked to stop)."""
        with self._lock:
            end = self._ended if self._ended is not None else time.monotonic()
            state = self._state
            if state == RUNNING and self._cancel.is_set():
                state = CANCELLED
            left = None
            since, from_done = self._stage_start
            moved = self._done - from_done
            if state == RUNNING and self._total > 0 and moved > 0 and end - since > 0.5:
                left = (self._total - self._done) * (end - since) / moved
            return Snapshot(
                state=state,
                stage=self._stage,
                done=self._done,
                total=self._total,
                elapsed=end - self._started,
                left=left,
                error=self._error,
            )

    @property
    def state(self) -> str:
        return self.snapshot().state

    def cancel(self) -> None:
        """Stop the job at its next report; it counts as cancelled from now on.

        Its thread may run a little longer (to the end of a batch, or of a step
        that cannot be interrupted, such as UMAP); what it returns is dropped.
        """
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> Snapshot:
        """Block until the job ends or ``timeout`` seconds pass; return its state."""
        self._finished.wait(timeout)
        return self.snapshot()


class JobBoard:
    """Jobs by key: the same work asked for twice runs once; ended jobs are kept a while.

    Args:
        keep: ended jobs remembered (the oldest go first); running ones always stay.

    Example:
        >>> board = JobBoard()
        >>> first = board.start("sum", lambda report: 1 + 1)
        >>> board.start("sum", lambda report: 3) is first
        True
        >>> first.wait(5).state, board.get("sum").result
        ('done', 2)
    """

    def __init__(self, *, keep: int = 8) -> None:
        self.keep = keep
        self._jobs: OrderedDict[Hashable, Job] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Job | None:
        with self._lock:
            return self._jobs.get(key)

    def start(self, key: Hashable, function: Callable[[Report], Any], *, name: str = "job") -> Job:
        """The job for ``key``: the one running or done, else a new one.

        A job that failed or was cancelled is started again.
        """
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.state in (RUNNING, DONE):
                self._jobs.move_to_end(key)
                return job
            job = self._jobs[key] = Job(function, name=name)
            self._trim()
            return job

    def _trim(self) -> None:
        ended = [k for k, job in self._jobs.items() if job.state != RUNNING]
        for key in ended[: max(0, len(self._jobs) - self.keep)]:
            del self._jobs[key]
