"""`msgcheck check` streams: each format is written one report at a time, byte for byte what
rendering the whole run at once gives, and a run keeps no report it has written (issue #9)."""

from __future__ import annotations

import gc
import io
import json
import sys
import weakref
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from helpers import FIXTURES
from linter_cache import reuse_linters
from rich.console import Console
from test_batch import FILLS, TEMPLATE, write_outbox

from msgcheck import __version__, batch
from msgcheck.cli import main
from msgcheck.engine import Linter
from msgcheck.formatters import JsonStream, github_format, json_format, junit_format, sarif_format
from msgcheck.formatters.text_format import TextWriter, render_report


@pytest.fixture(autouse=True)
def _reuse_linters(monkeypatch):
    reuse_linters(monkeypatch)


def dumps(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def streamed(stream_type, *args, items=()) -> str:
    chunks: list[str] = []
    stream = stream_type(chunks.append, *args)
    for item in items:
        stream.add(item)
    stream.close()
    return "".join(chunks)


@pytest.fixture(scope="module")
def reports(linter, tmp_path_factory):
    """Findings of every severity, subject and body fields, multi-line spans (near-duplicates),
    non-ASCII and quoting, text that is not English, an unreadable file, a clean message."""
    texts = [TEMPLATE.format(name=n, program=p, minutes=m, topic=t) for n, p, m, t in FILLS[:3]]
    out = [linter.check(text, path=f"outbox/{i}.txt") for i, text in enumerate(texts)]
    out = batch.apply(out)
    assert any(batch.RULE_ID in r.rule_ids() for r in out)
    out += [linter.check(FIXTURES / name) for name in (
        "good-cold-email.txt", "warnings-only.txt", "low-score.txt", "template.md")]
    out.append(linter.check(
        'Subject: HÉLLO ☃ URGENT!!!\n\nDear Dr. Ñúñez,\n\nPlease reply ASAP!!! I "need" '
        "an answer \u200b now \\ today, 日本語.\n\nPriya\n", path="uni ☃ \"q\".txt"))
    out.append(linter.check(  # not English: an info finding, no language analysis
        "Sehr geehrte Frau Doktor, ich möchte Sie um ein kurzes Gespräch über Ihr Programm "
        "bitten. Vielen Dank für Ihre Zeit.", path="de.txt"))
    out.append(linter.check(tmp_path_factory.mktemp("gone") / "missing.txt"))
    severities = {f.severity for r in out for f in r.findings}
    assert severities == {"error", "warning", "info"}
    assert out[-1].findings[0].rule == "input.unreadable"
    return out


# -- the JSON stream ---------------------------------------------------------------------------


@pytest.mark.parametrize("items", [
    [],
    [{}],
    [{"a": [], "b": {}, "c": [1, {"d": "x\ny \"z\" ☃ \u2028"}], "e": None, "f": 1.5}, [], "s", 3],
])
def test_json_stream_writes_what_json_dumps_writes(items):
    flat = {"schema_version": 1, "tool": {"name": "x"}, "results": items}
    assert streamed(JsonStream, {**flat, "results": []}, items=items) == dumps(flat)
    nested = {"version": "2", "runs": [{"tool": {"rules": [{"id": "r"}]}, "results": items}]}
    empty = {"version": "2", "runs": [{"tool": {"rules": [{"id": "r"}]}, "results": []}]}
    assert streamed(JsonStream, empty, items=items) == dumps(nested)


def test_json_stream_needs_one_empty_list():
    with pytest.raises(ValueError, match="results"):
        JsonStream(print, {"results": [1]})
    with pytest.raises(ValueError, match="results"):
        JsonStream(print, {"a": {"results": []}, "b": {"results": []}})


# -- each writer against the whole document ------------------------------------------------------


@pytest.mark.parametrize("count", [0, 1, None])
def test_json_writer(reports, count):
    reports = reports[:count]
    whole = {"schema_version": json_format.SCHEMA_VERSION,
             "tool": {"name": "msgcheck", "version": __version__},
             "results": [json_format.result(r) for r in reports]}
    assert streamed(json_format.JsonWriter, __version__, items=reports) == dumps(whole)
    assert json_format.render(reports, __version__) == dumps(whole)[:-1]


@pytest.mark.parametrize("count", [0, 1, None])
def test_sarif_writer(reports, linter, count):
    reports = reports[:count]
    rules = list(linter.rules) * 2  # repeated rules are described once
    whole = sarif_format.document(reports, __version__, rules)
    assert len(whole["runs"][0]["results"]) == sum(len(r.findings) for r in reports)
    assert streamed(sarif_format.SarifWriter, __version__, rules, items=reports) == dumps(whole)


@pytest.mark.parametrize("count", [0, 1, None])
@pytest.mark.parametrize(("fail_on", "min_score"), [("error", 0.0), ("warning", 90.0)])
def test_junit_writer(reports, count, fail_on, min_score):
    reports = reports[:count]
    threshold = junit_format.SEVERITY_RANK[fail_on]
    cases = [junit_format._testcase(r, threshold, min_score) for r in reports]
    root, suite = junit_format._envelope(len(cases), sum(failed for _, failed in cases))
    suite.extend(case for case, _ in cases)
    ET.indent(root)
    whole = ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
    out = streamed(junit_format.JunitWriter, fail_on, min_score, items=reports)
    assert out == whole
    parsed = ET.fromstring(out.encode("utf-8"))
    assert parsed.find("testsuite").get("tests") == str(len(reports))
    assert len(parsed.findall("testsuite/testcase")) == len(reports)


def test_github_writer(reports):
    out = streamed(github_format.GithubWriter, items=reports)
    assert out == github_format.render(reports) + "\n"
    assert out.count("\n") == sum(len(r.findings) for r in reports)
    clean = [r for r in reports if not r.findings]
    assert clean and streamed(github_format.GithubWriter, items=clean) == ""


def console() -> Console:
    return Console(file=io.StringIO(), highlight=False, soft_wrap=True, color_system=None)


def test_text_writer_reports_then_summary(reports):
    expected = console()
    for i, report in enumerate(reports):
        if i:
            expected.print()
        render_report(expected, report)
    writer = TextWriter(console())
    for report in reports:
        writer.add(report)
    writer.close()
    body = expected.file.getvalue()
    out = writer.console.file.getvalue()
    assert out.startswith(body)
    counts = {s: sum(f.severity == s for r in reports for f in r.findings)
              for s in ("error", "warning", "info")}
    lowest = sorted(range(len(reports)), key=lambda i: (reports[i].score, i))[:3]
    assert out[len(body):] == (
        f"{len(reports)} messages checked: {counts['error']} errors, {counts['warning']} "
        f"warnings, {counts['info']} info; lowest scores "
        + ", ".join(f"{reports[i].score:g} ({reports[i].path})" for i in lowest) + "\n")


def test_text_summary_ties_and_single_message(reports):
    writer = TextWriter(console())
    writer.add(reports[4])  # good-cold-email: no summary for one message
    writer.close()
    assert "checked" not in writer.console.file.getvalue()
    low = reports[6]
    writer = TextWriter(console())
    for path in ("a", "b", "c", "d"):
        writer.add(low.model_copy(update={"path": path}))
    writer.close()
    assert f"lowest scores {low.score:g} (a), {low.score:g} (b), {low.score:g} (c)\n" in \
        writer.console.file.getvalue()


# -- the command keeps no report it has written ----------------------------------------------------


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    """Eight messages: three near-duplicates among distinct ones."""
    folder = write_outbox(tmp_path, monkeypatch)
    for i, name in enumerate(("good-cold-email.txt", "warnings-only.txt", "low-score.txt",
                              "template.md", "good-cold-email.eml")):
        (folder / f"z{i}-{name}").write_bytes((FIXTURES / name).read_bytes())
    return folder


# A batch.near-duplicate finding in each format's output.
NEAR_DUPLICATE = {
    "text": b"warning batch.near-duplicate",
    "json": b'"rule": "batch.near-duplicate"',
    "sarif": b'"ruleId": "batch.near-duplicate"',
    "github": b"title=batch.near-duplicate",
    "junit": b"warning batch.near-duplicate",
}


@pytest.mark.parametrize("fmt", NEAR_DUPLICATE)
@pytest.mark.parametrize("batching", [True, False])
def test_reports_are_not_kept_while_the_run_goes_on(outbox, monkeypatch, fmt, batching):
    made: list[weakref.ref] = []
    written: list[bool] = []
    check = Linter.check

    def tracked(self, *args, **kwargs):
        # Only the report being written (and the one before, still in a loop variable) may be
        # alive when the next message is checked.
        gc.collect()
        assert [ref() is not None for ref in made[:-2]] == [False] * len(made[:-2])
        if made:
            sys.stdout.flush()
            written.append(made[-1]().path.encode() in sys.stdout.buffer.getvalue()
                           if made[-1]() is not None else None)
        report = check(self, *args, **kwargs)
        made.append(weakref.ref(report))
        return report

    monkeypatch.setattr(Linter, "check", tracked)
    args = ["check", "--format", fmt, "outbox"] + ([] if batching else ["--no-batch"])
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output  # template.md has errors
    assert len(made) == 8
    assert (NEAR_DUPLICATE[fmt] in result.stdout_bytes) == batching
    if fmt in ("text", "json") and not batching:
        # Written as they come: the previous message is on stdout before the next is checked.
        assert written == [True] * 7


def test_jobs_streams_in_input_order_across_settings_groups(outbox, monkeypatch):
    # Two groups of settings (an override gives some files another kind): with --jobs, each
    # group is one Linter.check_many pass; reports of the later group's files that come before
    # the earlier group's later files wait their turn on disk.
    (outbox.parent / "msgcheck.toml").write_text(
        '[[overrides]]\npaths = ["outbox/chen.txt", "outbox/z1-*"]\nkind = "follow-up"\n',
        encoding="utf-8")
    one = CliRunner().invoke(main, ["check", "--format", "json", "outbox"])
    two = CliRunner().invoke(main, ["check", "--format", "json", "--jobs", "2", "outbox"])
    assert two.exit_code == one.exit_code == 1
    assert two.stdout == one.stdout
    results = json.loads(two.stdout)["results"]
    kinds = {r["path"]: r["kind"] for r in results}
    assert kinds["outbox/chen.txt"] == kinds["outbox/z1-warnings-only.txt"] == "follow-up"
    assert [r["path"] for r in results] == sorted(kinds)
