"""The worker processes of ``msgcheck serve --workers N`` (msgcheck.worker_pool), with stand-in jobs.

A job is ``(action, value)``: echo the value, raise, sleep, or end the process.
"""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from msgcheck.worker_pool import WorkerDied, WorkerError, WorkerPool


def _answer(action: str, value: str) -> bytes:
    if action == "raise":
        raise ValueError(value)
    if action == "exit":
        os._exit(3)
    if action == "sleep":
        time.sleep(float(value))
    return f"{os.getpid()}:{value}".encode()


def _setup(name: str):
    if name == "broken":
        raise RuntimeError("cannot load")
    return name, _answer


def _pid(answer: bytes) -> int:
    return int(answer.split(b":")[0])


def _run(coroutine):
    return asyncio.run(asyncio.wait_for(coroutine, 60))


async def _with_pool(size: int, body, name: str = "stand-in"):
    pool = WorkerPool(size, _setup, (name,))
    try:
        assert await pool.start() == name
        return await body(pool)
    finally:
        pool.close()


def test_every_worker_answers_and_concurrent_jobs_spread_over_them():
    async def body(pool):
        return await asyncio.gather(*(pool.run("sleep", "0.2") for _ in range(4)))

    answers = _run(_with_pool(2, body))
    assert all(a.endswith(b":0.2") for a in answers)
    assert len({_pid(a) for a in answers}) == 2


def test_a_job_that_raises_names_the_exception_not_its_text_and_the_worker_lives_on():
    async def body(pool):
        with pytest.raises(WorkerError) as caught:
            await pool.run("raise", "secret draft text")
        return caught.value, await pool.run("echo", "after")

    error, after = _run(_with_pool(1, body))
    assert error.where.startswith("ValueError at test_worker_pool.py:")
    assert "secret" not in str(error)
    assert after.endswith(b":after")


def test_a_worker_that_dies_fails_only_its_job_and_is_replaced():
    async def body(pool):
        first = _pid(await pool.run("echo", "x"))
        with pytest.raises(WorkerDied):
            await pool.run("exit", "")
        return first, await pool.run("echo", "y")

    first, after = _run(_with_pool(1, body))
    assert after.endswith(b":y") and _pid(after) != first


def test_a_worker_killed_while_idle_costs_no_job():
    async def body(pool):
        first = _pid(await pool.run("echo", "x"))
        os.kill(first, 9)
        await asyncio.sleep(0.3)
        return first, await pool.run("echo", "y")

    first, after = _run(_with_pool(1, body))
    assert after.endswith(b":y") and _pid(after) != first


def test_a_timed_out_jobs_late_answer_is_not_taken_for_the_next_jobs():
    async def body(pool):
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(pool.run("sleep", "0.5"), 0.1)
        return await pool.run("echo", "next")

    assert _run(_with_pool(1, body)).endswith(b":next")


def test_a_worker_that_cannot_set_up_fails_the_start():
    async def body(pool):
        return None

    with pytest.raises(RuntimeError, match="could not start: RuntimeError at test_worker_pool"):
        _run(_with_pool(2, body, name="broken"))


def test_close_ends_the_processes():
    pids: list[int] = []

    async def body(pool):
        pids.extend(_pid(a) for a in await asyncio.gather(
            pool.run("sleep", "0.1"), pool.run("sleep", "0.1")))

    _run(_with_pool(2, body))
    assert len(set(pids)) == 2
    assert not [pid for pid in pids if os.path.exists(f"/proc/{pid}")]
