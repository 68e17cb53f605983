"""``Linter.check_many`` over several processes: one Linter per worker, inputs in chunks.

Each worker runs the whole check (analysis and rules), not only spaCy: with spaCy's own
``n_process`` the rules ran in the parent, which then became the bottleneck (2 processes were
slower than 1). Only a bounded number of chunks is in flight, so memory does not grow with the
number of inputs, and reports come back in input order.

Workers are forked when the process has a single thread, so they share the parent's loaded
pipeline instead of loading their own (~3 s each); with other threads running (a server, a Dask
worker) a fork could copy a held lock, so they are spawned and build their Linter from its Config.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import Any

# Chunks queued per worker: enough to keep every worker busy while the parent writes results.
CHUNKS_PER_WORKER = 2

_linter = None  # the worker's Linter


def check_in_processes(linter, items: Iterable[Any], n_process: int, chunk_size: int,
                       options: dict[str, Any]) -> Iterator:
    """Reports for ``items`` in input order, checked by ``n_process`` worker processes."""
    forking = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if forking else "spawn")
    # A forked worker inherits the parent's Linter as it is; a spawned one gets its settings.
    initializer, initargs = (_adopt, (linter,)) if forking else (_build, (linter.config,))
    if forking:
        linter.pipeline  # noqa: B018 - loads it once, before the fork, for every worker to share
    with ProcessPoolExecutor(n_process, mp_context=context, initializer=initializer,
                             initargs=initargs) as pool:
        pending: deque = deque()
        for chunk in _chunks(items, chunk_size):
            pending.append(pool.submit(_check_chunk, chunk, options))
            if len(pending) >= CHUNKS_PER_WORKER * n_process:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _chunks(items: Iterable[Any], size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _adopt(linter) -> None:
    global _linter
    _linter = linter


def _build(config) -> None:
    from msgcheck.engine import Linter

    _adopt(Linter(config))


def _check_chunk(chunk: list, options: dict[str, Any]) -> list:
    return list(_linter.check_many(chunk, **options))
