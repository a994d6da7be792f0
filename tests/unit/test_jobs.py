"""Background jobs: progress, time left, cancel, failure, and one run per key."""

from __future__ import annotations

import threading

import pytest

from explorer.documents.jobs import (
    CANCELLED,
    DONE,
    FAILED,
    RUNNING,
    DocumentBudget,
    Gate,
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


# --- Sharing the server (issue 16): per session, the queue, idle jobs, the demo budget ---


def _blocked(gate: threading.Event):
    def work(report):
        while not gate.wait(0.02):
            report(0, 0, stage="Blocked")
        return "done"

    return work


def test_a_session_runs_one_job_at_a_time_and_light_jobs_stay_outside() -> None:
    release = threading.Event()
    board = JobBoard()
    first = board.start("a", _blocked(release), name="embed", session="s1")
    for _ in range(200):
        if first.snapshot().stage == "Blocked":
            break
        threading.Event().wait(0.01)
    with pytest.raises(ValueError) as refused:
        board.start("b", _blocked(release), session="s1")
    assert str(refused.value) == (
        "You already have a background job running (Blocked); each visitor may run 1 at a "
        "time (JOBS_PER_SESSION). Wait for it to finish, or cancel it, then try again."
    )
    assert board.start("a", _blocked(release), session="s1") is first  # the same job: fine
    assert board.start("c", lambda report: 3, session="s1", light=True).wait(5).state == DONE
    other = board.start("b", _blocked(release), session="s2")  # another visitor
    release.set()
    assert first.wait(5).state == DONE and other.wait(5).state == DONE


def test_jobs_beyond_the_running_slots_wait_in_turn_and_say_their_place() -> None:
    release = threading.Event()
    board = JobBoard(gate=Gate(running_max=1, queue_max=2))
    running = board.start("a", _blocked(release), session="s1")
    second = board.start("b", lambda report: "b", session="s2")
    third = board.start("c", lambda report: "c", session="s3")
    threading.Event().wait(0.2)
    assert (second.snapshot().queued, third.snapshot().queued) == (1, 2)
    assert (
        second.snapshot()
        .describe()
        .startswith("Waiting for other visitors’ jobs to finish: place 1 in the queue (")
    )
    with pytest.raises(ValueError) as full:
        board.start("d", lambda report: "d", session="s4")
    assert str(full.value) == (
        "The server is busy: 1 background job is running and 2 are waiting, the most it "
        "takes (JOBS_QUEUE_MAX). Try again in a few minutes."
    )
    release.set()
    assert [j.wait(5).state for j in (running, second, third)] == [DONE, DONE, DONE]
    assert (second.result, third.result) == ("b", "c")
    assert board.start("d", lambda report: "d", session="s4").wait(5).state == DONE


def test_a_job_nobody_polls_is_cancelled_and_frees_its_slot() -> None:
    board = JobBoard(idle_s=0.3, gate=Gate(running_max=1, queue_max=1))
    never = threading.Event()
    abandoned = board.start("a", _blocked(never), session="gone")
    watched = board.start("b", lambda report: "b", session="here")
    for _ in range(20):  # the second visitor polls; the first left
        board.get("b")
        threading.Event().wait(0.05)
    assert abandoned.wait(5).state == CANCELLED
    assert watched.wait(5).state == DONE and watched.result == "b"


def test_the_demo_budget_counts_new_documents_per_session_and_hour() -> None:
    budget = DocumentBudget(per_hour=100, window_s=0.3)
    budget.charge("s1", 60)
    budget.charge("s2", 100)  # sessions are counted apart
    assert budget.left("s1") == 40
    with pytest.raises(ValueError, match="needs 50 and 40 are left for this hour"):
        budget.charge("s1", 50)
    threading.Event().wait(0.35)  # an "hour" later
    budget.charge("s1", 100)
    assert budget.left("s1") == 0
