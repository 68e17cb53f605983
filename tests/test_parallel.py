"""Linter.check_many over worker processes (msgcheck.parallel) gives what one process gives."""

from __future__ import annotations

import threading

import pytest
from helpers import CORPUS

from msgcheck.evaluation import load_corpus

INPUTS = [c.text for c in load_corpus(CORPUS)][:40] + [
    "",  # input.empty
    b"\x00\x01\x02 binary \xff\xfe",
    {"subject": "Question", "body": "Dear Dr. Lee,\n\nCould we talk?\n\nThanks,\nAna"},
    "Bonjour, je voudrais vous poser une question sur votre programme de psychiatrie.",
]


def _dump(reports) -> list[str]:
    return [r.model_dump_json() for r in reports]


@pytest.fixture(scope="module")
def sequential(linter) -> list[str]:
    return _dump(linter.check_many(INPUTS, default_kind="follow-up"))


def test_two_processes_equal_one_in_input_order(linter, sequential):
    # A small batch size makes many chunks, so results arrive out of order across workers.
    reports = linter.check_many(INPUTS, n_process=2, batch_size=3, default_kind="follow-up")
    assert _dump(reports) == sequential


def test_workers_are_spawned_when_other_threads_run(linter, sequential):
    """A fork could copy a lock another thread holds; with threads running, workers are
    spawned and build their own Linter from the settings."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        reports = list(linter.check_many(INPUTS, n_process=2, batch_size=25,
                                         default_kind="follow-up"))
    finally:
        stop.set()
        other.join()
    assert _dump(reports) == sequential


def test_results_stream_before_the_input_ends(linter):
    """Only a bounded number of chunks is read ahead of the reports handed out."""
    read = []

    def inputs():
        for i, text in enumerate(INPUTS * 5):
            read.append(i)
            yield text

    reports = linter.check_many(inputs(), n_process=2, batch_size=2)
    next(reports)
    assert len(read) < len(INPUTS * 5)
    reports.close()
