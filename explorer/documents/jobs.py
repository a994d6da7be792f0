"""Long work (embedding a corpus, UMAP on 100,000 points) in a background thread.

A :class:`Job` runs a function in its own thread and keeps what a page needs
to show while it runs: the stage, the share done, the time left, and at the
end the result or the error. The function receives a :class:`Report` to say
how far it is; :meth:`Job.cancel` makes the next report raise :class:`Cancelled`,
so a job stops between two steps (a batch of texts, an epoch of UMAP) and
whatever it saved so far stays saved.

A :class:`JobBoard` keeps jobs by key, so the same work asked for twice (a
rerun, a second visitor with the same corpus) runs once. It also shares the
server fairly: one job per visitor's session (``JOBS_PER_SESSION``), at most
``JOBS_RUNNING_MAX`` running and ``JOBS_QUEUE_MAX`` waiting (a waiting job says
its place in the queue), a job no page has polled for ``JOB_IDLE_CANCEL_S``
cancelled, and, on a public demo, a budget of new documents per session and
hour (:class:`DocumentBudget`). Each refusal is a ``ValueError`` saying why.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from explorer.config import (
    DEMO_DOCS_PER_HOUR,
    JOB_IDLE_CANCEL_S,
    JOBS_PER_SESSION,
    JOBS_QUEUE_MAX,
    JOBS_RUNNING_MAX,
)

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
        queued: its place in the queue (1: next) while it waits for a free slot, else ``None``.
    """

    state: str
    stage: str
    done: int
    total: int
    elapsed: float
    left: float | None
    error: str | None
    queued: int | None = None

    @property
    def fraction(self) -> float | None:
        """Share of the stage done, in [0, 1], or ``None`` when the total is unknown."""
        return min(1.0, self.done / self.total) if self.total > 0 else None

    def describe(self) -> str:
        """One line for a progress bar.

        Example:
            >>> Snapshot("running", "Embedding", 500, 2000, 3.0, 9.6, None).describe()
            'Embedding: 500 of 2,000 (25%), about 10 s left'
            >>> Snapshot("running", "Embedding", 0, 0, 3.0, None, None, queued=2).describe()
            'Waiting for other visitors’ jobs to finish: place 2 in the queue (3 s so far)'
        """
        if self.queued is not None:
            return (
                f"Waiting for other visitors’ jobs to finish: place {self.queued} in the queue "
                f"({duration(self.elapsed)} so far)"
            )
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
        self._job._cancel_if_idle()
        if self._job._cancel.is_set():
            raise Cancelled

    @property
    def cancelled(self) -> bool:
        return self._job._cancel.is_set()


class Job:
    """Run ``function(report)`` in a daemon thread.

    Args:
        function: the work; it calls its :class:`Report` between steps.
        name: names the thread and, until the first report, the stage.
        session: the visitor's session that started it (for the per-session limit).
        idle_s: cancel it once nobody called :meth:`touch` (a page polling it)
            for this long (``None``: never).
        gate: the board's :class:`Gate`, where it waits for a free slot (``None``: runs at once).

    Example:
        >>> job = Job(lambda report: [report(i, 3, stage="Counting") for i in range(4)][-1] or 42)
        >>> job.wait(5).state, job.result
        ('done', 42)
    """

    def __init__(
        self,
        function: Callable[[Report], Any],
        *,
        name: str = "job",
        session: str | None = None,
        idle_s: float | None = None,
        gate: Gate | None = None,
    ) -> None:
        self.name = name
        self.session = session
        self.idle_s = idle_s
        self._gate = gate
        self._seen = time.monotonic()
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
        if gate is not None:
            gate.admit(self)  # a ValueError when the queue is full
        self._thread = threading.Thread(
            target=self._run, args=(function,), name=f"explorer-{name}", daemon=True
        )
        self._thread.start()

    def _run(self, function: Callable[[Report], Any]) -> None:
        result: Any = None
        message: str | None = None
        try:
            if self._gate is not None and not self._gate.wait(self):
                raise Cancelled
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
        if self._gate is not None:
            self._gate.leave(self)
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
            queued = self._gate.place(self) if self._gate is not None else None
            return Snapshot(
                state=state,
                stage=self._stage,
                done=self._done,
                total=self._total,
                elapsed=end - self._started,
                left=left,
                error=self._error,
                queued=queued if state == RUNNING else None,
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

    def touch(self) -> None:
        """Note that a page is still watching this job (it polls its progress)."""
        self._seen = time.monotonic()

    def _cancel_if_idle(self) -> None:
        idle = time.monotonic() - self._seen
        if self.idle_s is not None and idle > self.idle_s and not self._cancel.is_set():
            logger.info("Cancelling job %s: not polled for %.0f s", self.name, idle)
            self._cancel.set()

    def wait(self, timeout: float | None = None) -> Snapshot:
        """Block until the job ends or ``timeout`` seconds pass; return its state."""
        self._finished.wait(timeout)
        return self.snapshot()


class Gate:
    """Slots for running jobs: ``running_max`` at once, then up to ``queue_max`` waiting in turn.

    Example:
        >>> gate = Gate(running_max=1, queue_max=0)
        >>> first = Job(lambda report: time.sleep(0.3), gate=gate)
        >>> Job(lambda report: 1, gate=gate)
        Traceback (most recent call last):
        ...
        ValueError: The server is busy: 1 background job is running and 0 are waiting, the most it takes (JOBS_QUEUE_MAX). Try again in a few minutes.
    """  # noqa: E501 - a doctest's expected output is one line

    def __init__(self, *, running_max: int = JOBS_RUNNING_MAX, queue_max: int = JOBS_QUEUE_MAX):
        self.running_max = running_max
        self.queue_max = queue_max
        self._running: list[Job] = []
        self._waiting: list[Job] = []
        self._turn = threading.Condition()

    def admit(self, job: Job) -> None:
        """Take ``job`` in: a slot now, or a place in the queue; a ValueError when it is full."""
        with self._turn:
            if len(self._running) < self.running_max and not self._waiting:
                self._running.append(job)
            elif len(self._waiting) < self.queue_max:
                self._waiting.append(job)
            else:
                running = len(self._running)
                raise ValueError(
                    f"The server is busy: {running:,} background job"
                    f"{' is' if running == 1 else 's are'} running and {len(self._waiting):,} "
                    f"{'is' if len(self._waiting) == 1 else 'are'} waiting, the most it takes "
                    "(JOBS_QUEUE_MAX). Try again in a few minutes."
                )

    def wait(self, job: Job) -> bool:
        """Block until ``job`` has a slot (``True``) or is cancelled or abandoned (``False``)."""
        with self._turn:
            while job not in self._running:
                job._cancel_if_idle()
                if job._cancel.is_set():
                    self._waiting.remove(job)
                    self._turn.notify_all()
                    return False
                if self._waiting[0] is job and len(self._running) < self.running_max:
                    self._running.append(self._waiting.pop(0))
                    self._turn.notify_all()
                    break
                self._turn.wait(0.5)
            return True

    def leave(self, job: Job) -> None:
        """``job`` ended: its slot (or place) goes to the next."""
        with self._turn:
            for jobs in (self._running, self._waiting):
                if job in jobs:
                    jobs.remove(job)
            self._turn.notify_all()

    def place(self, job: Job) -> int | None:
        """``job``'s place in the queue (1: next), or ``None`` when it is not waiting."""
        with self._turn:
            return self._waiting.index(job) + 1 if job in self._waiting else None


class DocumentBudget:
    """New documents each session may embed per hour (the public demo's limit).

    Example:
        >>> budget = DocumentBudget(per_hour=1_000)
        >>> budget.charge("visitor", 600)
        >>> budget.charge("visitor", 600)
        Traceback (most recent call last):
        ...
        ValueError: This public demo embeds up to 1,000 new documents per visitor per hour; this corpus needs 600 and 400 are left for this hour. Upload fewer rows (or wait), or run the app on your own computer (`make run`), where there is no such limit.
    """  # noqa: E501 - a doctest's expected output is one line

    def __init__(self, *, per_hour: int = DEMO_DOCS_PER_HOUR, window_s: float = 3600.0) -> None:
        self.per_hour = per_hour
        self.window_s = window_s
        self._spent: dict[str, deque[tuple[float, int]]] = {}
        self._lock = threading.Lock()

    def left(self, session: str) -> int:
        """Documents ``session`` may still embed in the current hour."""
        with self._lock:
            return self.per_hour - sum(n for _, n in self._recent(session))

    def _recent(self, session: str) -> deque[tuple[float, int]]:
        spent = self._spent.setdefault(session, deque())
        while spent and spent[0][0] < time.monotonic() - self.window_s:
            spent.popleft()
        return spent

    def charge(self, session: str, count: int) -> None:
        """Count ``count`` new documents against ``session``; a ValueError when over budget."""
        if count <= 0:
            return
        with self._lock:
            spent = self._recent(session)
            left = self.per_hour - sum(n for _, n in spent)
            if count > left:
                raise ValueError(
                    f"This public demo embeds up to {self.per_hour:,} new documents per visitor "
                    f"per hour; this corpus needs {count:,} and {max(0, left):,} "
                    f"{'is' if left == 1 else 'are'} left for this hour. Upload fewer rows (or "
                    "wait), or run the app on your own computer (`make run`), where there is "
                    "no such limit."
                )
            spent.append((time.monotonic(), count))


class JobBoard:
    """Jobs by key: the same work asked for twice runs once; ended jobs are kept a while.

    Args:
        keep: ended jobs remembered (the oldest go first); running ones always stay.
        per_session: jobs one session may have waiting or running (light ones aside).
        gate: the slots jobs run in (``None``: ``JOBS_RUNNING_MAX`` and ``JOBS_QUEUE_MAX``).
        idle_s: a job no page polled (:meth:`get`) for this long is cancelled.
        budget: new documents per session and hour (``None``: no budget, off the demo).

    Example:
        >>> board = JobBoard()
        >>> first = board.start("sum", lambda report: 1 + 1)
        >>> board.start("sum", lambda report: 3) is first
        True
        >>> first.wait(5).state, board.get("sum").result
        ('done', 2)
    """

    def __init__(
        self,
        *,
        keep: int = 8,
        per_session: int = JOBS_PER_SESSION,
        gate: Gate | None = None,
        idle_s: float | None = JOB_IDLE_CANCEL_S,
        budget: DocumentBudget | None = None,
    ) -> None:
        self.keep = keep
        self.per_session = per_session
        self.gate = gate if gate is not None else Gate()
        self.idle_s = idle_s
        self.budget = budget
        self._jobs: OrderedDict[Hashable, Job] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Job | None:
        """The job for ``key`` (a page polling it keeps it alive), or ``None``."""
        with self._lock:
            job = self._jobs.get(key)
        if job is not None:
            job.touch()
        return job

    def start(
        self,
        key: Hashable,
        function: Callable[[Report], Any],
        *,
        name: str = "job",
        session: str | None = None,
        light: bool = False,
    ) -> Job:
        """The job for ``key``: the one running or done, else a new one.

        A job that failed or was cancelled is started again. A ``light`` job (a
        PCA of a few seconds) runs at once, outside the limits.

        Raises:
            ValueError: ``session`` has a job running already, or the queue is full.
        """
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and job.state in (RUNNING, DONE):
                self._jobs.move_to_end(key)
                job.touch()
                return job
            if not light:
                self._check_session(session)
            job = Job(
                function,
                name=name,
                session=session,
                idle_s=self.idle_s,
                gate=None if light else self.gate,
            )
            self._jobs[key] = job
            self._trim()
            return job

    def _check_session(self, session: str | None) -> None:
        if session is None:
            return
        mine = [
            job
            for job in self._jobs.values()
            if job.session == session and job._gate is not None and job.state == RUNNING
        ]
        if len(mine) >= self.per_session:
            raise ValueError(
                f"You already have a background job running ({mine[0].snapshot().stage}); "
                f"each visitor may run {self.per_session:,} at a time (JOBS_PER_SESSION). "
                "Wait for it to finish, or cancel it, then try again."
            )

    def _trim(self) -> None:
        ended = [k for k, job in self._jobs.items() if job.state != RUNNING]
        for key in ended[: max(0, len(self._jobs) - self.keep)]:
            del self._jobs[key]
