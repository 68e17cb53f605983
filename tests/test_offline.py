"""Nothing may touch the network: loading, checking, readability and the CLI all run offline."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner
from helpers import FIXTURES, assert_well_formed, describe

# About 150 words, with well over 40 words of prose so the readability metric (textstat) runs.
REALISTIC = """\
Subject: IMG applicant - question about your early psychosis clinic
To: Dr. Samuel Okafor <sokafor@univ.example.edu>
From: Amara Nwosu <amara.nwosu.md@gmail.com>

Dear Dr. Okafor,

My name is Amara Nwosu, and I am an international medical graduate from Nigeria preparing to apply
to psychiatry residency this fall. I attended your grand rounds on early intervention in psychosis
last month, and your point about involving families in the first weeks of care matched what I saw
during my internship in Enugu, where many young patients arrived only after months of untreated
illness.

Would you be willing to spare 15 minutes for a Zoom call about how your clinic built its family
program? I would be glad to work around your schedule, and I completely understand if this is a
busy time.

Thank you for considering my request.

Sincerely,
Amara Nwosu
amara.nwosu.md@gmail.com
"""


def test_guard_blocks_connections(no_network):
    with pytest.raises(AssertionError):
        socket.create_connection(("example.org", 80), timeout=1)
    with pytest.raises(AssertionError):
        socket.getaddrinfo("example.org", 443)
    with pytest.raises(AssertionError):
        socket.socket().connect(("93.184.216.34", 80))
    assert len(no_network) == 3
    no_network.clear()


def test_full_check_runs_offline(no_network):
    """A fresh Linter (pipeline load included) and a full check, with the network cut."""
    import msgcheck

    linter = msgcheck.Linter()
    report = linter.check(REALISTIC)
    assert_well_formed(report)
    assert report.stats.words >= 100, report.stats
    assert report.stats.reading_grade is not None, "textstat did not run on a 100+ word prose"
    assert "readability" in report.criteria
    assert not [f for f in report.findings if f.rule.startswith("input.")], describe(report)
    assert no_network == [], f"network access attempted: {no_network}"


def test_session_linter_check_runs_offline(linter, no_network):
    reports = [linter.check(REALISTIC), *linter.check_many([REALISTIC, FIXTURES / "good-cold-email.eml"])]
    for report in reports:
        assert_well_formed(report)
    assert reports[0].stats.reading_grade is not None
    assert no_network == []


def test_textstat_runs_offline(no_network):
    import textstat

    prose = REALISTIC.split("\n\n", 2)[2]
    grade = textstat.flesch_kincaid_grade(prose)
    assert isinstance(grade, (int, float))
    assert 0 < grade < 30
    assert textstat.syllable_count("psychiatry residency") > 0
    assert no_network == []


def test_cli_runs_offline(no_network):
    from msgcheck.cli import main

    result = CliRunner().invoke(main, ["check", str(FIXTURES / "good-cold-email.txt")])
    assert result.exit_code == 0, result.output
    assert no_network == []


GUARDED_RUN = r'''
import socket, sys
attempts = []
def refuse(name):
    def _refuse(*args, **kwargs):
        attempts.append(name)
        raise OSError(f"network disabled by test: {name}")
    return _refuse
socket.socket.connect = refuse("connect")
socket.socket.connect_ex = refuse("connect_ex")
socket.create_connection = refuse("create_connection")
socket.getaddrinfo = refuse("getaddrinfo")
socket.gethostbyname = refuse("gethostbyname")

import msgcheck, textstat
text = sys.stdin.read()
report = msgcheck.check(text)
grade = textstat.flesch_kincaid_grade(text)
assert report.stats.reading_grade is not None, report.stats
print("attempts:", attempts)
print("score:", report.score)
'''


def test_fresh_interpreter_never_touches_the_network():
    """Imports, model load, spell list and textstat data all load from disk in a fresh process."""
    import subprocess
    import sys

    from helpers import REPO

    proc = subprocess.run(
        [sys.executable, "-c", GUARDED_RUN], input=REALISTIC, capture_output=True, text=True,
        cwd=REPO, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "attempts: []" in proc.stdout, proc.stdout + proc.stderr[-2000:]
