"""``--format junit``: JUnit XML for CI test reports (built with ``xml.etree``).

One ``<testsuite name="msgcheck">``; one ``<testcase>`` per message (``classname`` and ``name``
are its path); a ``<failure>`` per finding at or above ``--fail-on`` (``type`` = rule id), and
one of type ``min-score`` when the message scores below ``--min-score``. Other findings and the
score are listed in the test case's ``<system-out>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from msgcheck.formatters import field_text, location, relative_path
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


def tree(reports: Sequence[Report], fail_on: str = "error", min_score: float = 0.0) -> ET.Element:
    threshold = SEVERITY_RANK[fail_on]
    root = ET.Element("testsuites", name="msgcheck")
    suite = ET.SubElement(root, "testsuite", name="msgcheck")
    failed = 0
    for report in reports:
        path = _clean(relative_path(report.path))
        case = ET.SubElement(suite, "testcase", classname=path, name=path)
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
        failed += bool(count)
    for element in (root, suite):
        element.set("tests", str(len(reports)))
        element.set("failures", str(failed))
        element.set("errors", "0")
    suite.set("skipped", "0")
    return root


def render(reports: Sequence[Report], fail_on: str = "error", min_score: float = 0.0) -> str:
    root = tree(reports, fail_on, min_score)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
