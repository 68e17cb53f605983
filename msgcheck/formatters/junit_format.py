"""``--format junit``: JUnit XML for CI test reports (built with ``xml.etree``).

One ``<testsuite name="msgcheck">``; one ``<testcase>`` per message (``classname`` and ``name``
are its path); a ``<failure>`` per finding at or above ``--fail-on`` (``type`` = rule id), and
one of type ``min-score`` when the message scores below ``--min-score``. Other findings and the
score are listed in the test case's ``<system-out>``.
"""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from functools import partial

from msgcheck.formatters import Write, field_text, location, relative_path, render_all
from msgcheck.models import SEVERITY_RANK, Finding, Report

# Characters XML 1.0 cannot carry, even escaped: a finding may quote them from the message.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _line(report: Report, finding: Finding) -> str:
    line, col = location(report, finding, field_text(report, finding.field))
    text = f"{relative_path(report.path)}:{line}:{col}: {finding.severity} {finding.rule} " \
           f"{finding.message}"
    if finding.suggestion is not None and finding.suggestion.text:
        text += f"\n    = {finding.suggestion.text}"
    return text


def _testcase(report: Report, threshold: int, min_score: float) -> tuple[ET.Element, bool]:
    """The test case of one message, and whether it failed."""
    path = _clean(relative_path(report.path))
    case = ET.Element("testcase", classname=path, name=path)
    count = 0
    for finding in report.findings:
        if SEVERITY_RANK[finding.severity] >= threshold:
            failure = ET.SubElement(case, "failure", type=finding.rule,
                                    message=_clean(finding.message))
            failure.text = _clean(_line(report, finding))
            count += 1
    if report.score < min_score:
        failure = ET.SubElement(case, "failure", type="min-score",
                                message=f"score {report.score:g} is below {min_score:g}")
        failure.text = f"{path}: score {report.score:g}/100 ({report.kind})"
        count += 1
    out = [f"score {report.score:g}/100 ({report.kind})"]
    out += [_line(report, f) for f in report.findings
            if SEVERITY_RANK[f.severity] < threshold]
    ET.SubElement(case, "system-out").text = _clean("\n".join(out))
    return case, bool(count)


def _envelope(tests: int, failures: int) -> tuple[ET.Element, ET.Element]:
    """The ``<testsuites>`` root and its one ``<testsuite>``, without test cases."""
    root = ET.Element("testsuites", name="msgcheck")
    suite = ET.SubElement(root, "testsuite", name="msgcheck")
    for element in (root, suite):
        element.set("tests", str(tests))
        element.set("failures", str(failures))
        element.set("errors", "0")
    suite.set("skipped", "0")
    return root, suite


def _serialise(root: ET.Element) -> str:
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


# An empty test case marks where the test cases go in the envelope, which holds nothing else.
_SLOT = "testcase"
# Test cases sit at this depth: testsuites > testsuite > testcase.
_CASE_LEVEL = 2


class JunitWriter:
    """The report, one test case at a time. The envelope before the test cases carries the
    counts, known only at the end: the cases wait in a temporary file, not in memory."""

    def __init__(self, write: Write, fail_on: str = "error", min_score: float = 0.0):
        self._write = write
        self._threshold = SEVERITY_RANK[fail_on]
        self._min_score = min_score
        self._cases = tempfile.TemporaryFile(  # noqa: SIM115  (closed by close())
            "w+", encoding="utf-8", errors="surrogatepass")
        self._tests = 0
        self._failures = 0

    def add(self, report: Report) -> None:
        case, failed = _testcase(report, self._threshold, self._min_score)
        ET.indent(case, level=_CASE_LEVEL)
        separator = "\n" + "  " * _CASE_LEVEL if self._tests else ""
        self._cases.write(separator + ET.tostring(case, encoding="unicode"))
        self._tests += 1
        self._failures += failed

    def close(self) -> None:
        root, suite = _envelope(self._tests, self._failures)
        with self._cases:
            if not self._tests:
                self._write(_serialise(root) + "\n")
                return
            ET.SubElement(suite, _SLOT)
            head, tail = _serialise(root).split(f"<{_SLOT} />")
            self._write(head)
            self._cases.seek(0)
            while chunk := self._cases.read(1 << 16):
                self._write(chunk)
            self._write(tail + "\n")


def render(reports: Iterable[Report], fail_on: str = "error", min_score: float = 0.0) -> str:
    return render_all(partial(JunitWriter, fail_on=fail_on, min_score=min_score), reports)
