"""Checking processes for ``msgcheck serve --workers N``, driven from the server's event loop.

Each worker is a spawned process with its own Linter, joined to the server by a pipe. A request
takes an idle worker, sends it the job and waits for the answer without a thread: the event loop
watches the pipe. A worker that dies (the kernel's out-of-memory killer, a crash in native code)
fails only the request it was running, and a new one replaces it.

``concurrent.futures.ProcessPoolExecutor`` did neither: after one worker died every later request
failed (BrokenProcessPool) while /healthz still said ready, and each request passed through two
helper threads of the server process (0.12 vs 0.03 ms of its CPU per request).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import pickle
import signal
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("msgcheck.server")

# Seconds a stopping worker gets to finish its check before it is terminated.
STOP_GRACE = 5.0


class WorkerDied(RuntimeError):
    """The worker process ended while it held a request."""


class WorkerError(RuntimeError):
    """The job raised in the worker; ``where`` names the exception and its line, not its text
    (the text may quote the draft)."""

    def __init__(self, where: str):
        super().__init__(where)
        self.where = where


Setup = Callable[..., tuple[str, Callable[..., bytes]]]


def _serve(conn, setup: Setup, args: tuple) -> None:
    """A worker's life: set up, say ready, then answer jobs until the server closes the pipe."""
    # Ctrl-C reaches the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        name, handle = setup(*args)
    except Exception as exc:  # noqa: BLE001 - reported to the server, which fails its start
        conn.send_bytes(pickle.dumps(("failed", _describe(exc))))
        return
    conn.send_bytes(pickle.dumps(("ready", name)))
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            answer = ("ok", handle(*job))
        except Exception as exc:  # noqa: BLE001 - one bad job must not end the worker
            answer = ("error", _describe(exc))
        try:
            conn.send_bytes(pickle.dumps(answer))
        except OSError:  # the server stopped while this job ran
            return


def where(exc: BaseException) -> str:
    """The file and line an exception came from (logs name that, never its text)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno}" if tb else ""


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__} at {where(exc)}"


class _Worker:
    def __init__(self, context, setup: Setup, args: tuple):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, setup, args), daemon=True,
                                        name="msgcheck-worker")
        self.process.start()
        child.close()

    async def receive(self) -> tuple[str, object]:
        loop = asyncio.get_running_loop()
        answer = loop.create_future()
        fd = self.conn.fileno()

        def readable() -> None:
            loop.remove_reader(fd)
            if answer.done():
                return
            try:
                # The answer is written in one piece by a process that is already writing it.
                answer.set_result(pickle.loads(self.conn.recv_bytes()))
            except (EOFError, OSError):
                answer.set_exception(WorkerDied(f"worker {self.process.pid} ended"))

        loop.add_reader(fd, readable)
        try:
            return await answer
        finally:
            loop.remove_reader(fd)

    def stop(self) -> None:
        self.conn.close()  # the worker reads end-of-file and returns
        self.process.join(STOP_GRACE)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class WorkerPool:
    """``size`` processes, each running ``setup(*args)`` once, which returns the pipeline's name
    and the function that answers a job."""

    def __init__(self, size: int, setup: Setup, args: tuple = ()):
        self._context = multiprocessing.get_context("spawn")
        self._size, self._setup, self._args = size, setup, args
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._workers: set[_Worker] = set()
        self._tasks: set[asyncio.Task] = set()  # replacements and late answers still pending

    async def start(self) -> str:
        """Start every worker at once; the pipeline's name once all are ready.
        Raises RuntimeError when one cannot set up."""
        names = await asyncio.gather(*(self._start_one() for _ in range(self._size)))
        return names[0]

    async def run(self, *job) -> bytes:
        """The answer of an idle worker to ``job``; WorkerDied if its process ended meanwhile."""
        worker = await self._idle.get()
        while not worker.process.is_alive():  # died while idle: costs no request
            self._replace(worker)
            worker = await self._idle.get()
        try:
            worker.conn.send_bytes(pickle.dumps(job))
            status, value = await worker.receive()
        except asyncio.CancelledError:
            # Timed out: the worker is still checking. It rejoins the idle ones once its late
            # answer is read, so that answer is never taken for the next job's.
            self._spawn_task(self._after_late_answer(worker))
            raise
        except (WorkerDied, OSError):
            self._replace(worker)
            raise WorkerDied("the worker checking this message ended; it has been replaced") \
                from None
        self._idle.put_nowait(worker)
        if status == "error":
            raise WorkerError(str(value))
        return value

    def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for worker in self._workers:
            worker.stop()
        self._workers.clear()

    async def _start_one(self) -> str:
        worker = _Worker(self._context, self._setup, self._args)
        self._workers.add(worker)
        try:
            status, value = await worker.receive()
        except WorkerDied:
            status, value = "failed", "the worker ended while loading"
        if status != "ready":
            self._workers.discard(worker)
            worker.stop()
            raise RuntimeError(f"a worker could not start: {value}")
        self._idle.put_nowait(worker)
        return str(value)

    def _replace(self, worker: _Worker) -> None:
        self._workers.discard(worker)
        worker.stop()
        log.warning("worker-replaced", extra={"fields": {
            "pid": worker.process.pid, "exitcode": worker.process.exitcode}})
        self._spawn_task(self._restart())

    async def _restart(self) -> None:
        try:
            await self._start_one()
        except RuntimeError as exc:
            log.error("worker-restart-failed", extra={"fields": {"error": str(exc)}})

    async def _after_late_answer(self, worker: _Worker) -> None:
        try:
            await worker.receive()
        except WorkerDied:
            self._replace(worker)
        else:
            self._idle.put_nowait(worker)

    def _spawn_task(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
