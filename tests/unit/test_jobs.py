"""Background jobs: progress, time left, cancel, failure, and one run per key."""

from __future__ import annotations

import threading

import pytest

from explorer.documents.jobs import (
    CANCELLED,
    DONE,
    FAILED,
    RUNNING,
    Job,
    JobBoard,
    Snapshot,
    duration,
)


def test_a_job_reports_its_stage_and_share_then_its_result() -> None:
    go_on = threading.Event()

    def work(report):
        report(1, 4, stage="Counting")
        go_on.wait(5)
        report(4, 4)
        return "ok"

    job = Job(work, name="count")
    for _ in range(100):
        if job.snapshot().done == 1:
            break
        threading.Event().wait(0.01)
    running = job.snapshot()
    assert (running.state, running.stage, running.done, running.total) == (
        RUNNING, "Counting", 1, 4,
    )  # fmt: skip
    assert running.fraction == 0.25
    go_on.set()
    assert job.wait(5).state == DONE
    assert job.result == "ok"


def test_cancel_stops_a_job_at_its_next_report_and_keeps_what_it_did() -> None:
    saved: list[int] = []
    started = threading.Event()

    def work(report):
        for batch in range(1000):
            saved.append(batch)
            started.set()
            report(batch + 1, 1000, stage="Batches")
            threading.Event().wait(0.005)
        return "finished"

    job = Job(work)
    started.wait(5)
    job.cancel()
    snapshot = job.wait(5)
    assert snapshot.state == CANCELLED
    assert job.result is None
    assert 1 <= len(saved) < 1000


def test_a_failing_job_keeps_the_message_and_never_raises() -> None:
    def work(report):
        raise ValueError("UMAP needs at least 4 phrases, got 2; add phrases or choose PCA.")

    snapshot = Job(work).wait(5)
    assert snapshot.state == FAILED
    assert snapshot.error == "UMAP needs at least 4 phrases, got 2; add phrases or choose PCA."
    other = Job(lambda report: 1 / 0).wait(5)
    assert other.error.startswith("ZeroDivisionError")


def test_time_left_is_estimated_from_the_rate_so_far() -> None:
    snapshot = Snapshot(RUNNING, "Embedding", 250, 1000, 10.0, 30.0, None)
    assert snapshot.describe() == "Embedding: 250 of 1,000 (25%), about 30 s left"
    unknown = Snapshot(RUNNING, "UMAP, step 1 of 2", 0, 0, 75.0, None, None)
    assert unknown.fraction is None
    assert unknown.describe() == "UMAP, step 1 of 2 (1 min 15 s so far)"
    assert duration(0) == "0 s"


def test_the_board_runs_the_same_work_once_and_restarts_cancelled_work() -> None:
    board = JobBoard(keep=2)
    gate = threading.Event()
    runs: list[str] = []

    def slow(report):
        runs.append("slow")
        gate.wait(5)
        report(1, 1)
        return 1

    first = board.start("k", slow)
    assert board.start("k", slow) is first
    first.cancel()
    gate.set()
    assert first.wait(5).state == CANCELLED
    second = board.start("k", slow)
    assert second is not first
    assert second.wait(5).state == DONE
    assert runs == ["slow", "slow"]


@pytest.mark.parametrize("count", [3, 5])
def test_the_board_forgets_the_oldest_ended_jobs(count: int) -> None:
    board = JobBoard(keep=2)
    jobs = [board.start(i, lambda report, i=i: i) for i in range(count)]
    for job in jobs:
        job.wait(5)
    board.start("last", lambda report: 0).wait(5)
    kept = [i for i in range(count) if board.get(i) is not None]
    assert len(kept) <= 2
    assert board.get("last") is not None
