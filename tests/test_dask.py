"""msgcheck.dask on a 2-process LocalCluster: the same reports as Linter.check_many, in input
order, with one Linter (and one spaCy load) per worker process."""

from __future__ import annotations

import importlib
import json
import sys
from collections import Counter
from pathlib import Path

import pytest
from helpers import FIXTURES, REPO

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import dask
import dask.bag as db
import dask.dataframe as dd
import pandas as pd

import msgcheck
import msgcheck.dask as md

COLD = (REPO / "examples" / "cold-email.txt").read_text(encoding="utf-8")
FIXED = (REPO / "examples" / "cold-email-fixed.txt").read_text(encoding="utf-8")
BINARY = bytes(range(256)) * 4
DICT = {"subject": "Question", "to": "Dr. Maria Alvarez <malvarez@univ.example.edu>",
        "body": "Hey,\n\nCan you review my CV ASAP? I deserve a reply.\n\nPriya"}
ITEMS = [
    COLD,
    FIXED,
    "",
    BINARY,
    DICT,
    (FIXTURES / "good-cold-email.eml").read_bytes(),
    (FIXTURES / "low-score.txt").read_text(encoding="utf-8"),
    (FIXTURES / "template.md").read_text(encoding="utf-8"),
    ("Sehr geehrte Frau Doktor, ich möchte Sie um ein kurzes Gespräch über Ihr Programm bitten. "
     "Ich habe Ihren Vortrag über Katatonie gehört und würde gerne mehr über Ihre Forschung "
     "erfahren. Vielen Dank für Ihre Zeit."),
    FIXTURES / "warnings-only.txt",
]


# -- worker-side counters (run in the worker processes through client.run) -------------------


def _install_counters(dask_worker) -> None:
    """Count, in this worker process, Linter constructions and partitions checked per set of
    rules, and successful spaCy loads."""
    import spacy

    import msgcheck.dask
    import msgcheck.engine

    counts: Counter = Counter()
    dask_worker.msgcheck_counts = counts
    init, lookup, load = msgcheck.engine.Linter.__init__, msgcheck.dask.worker_linter, spacy.load

    def counting_init(self, config=None):
        init(self, config)
        counts["built", self.config.linter_key()] += 1

    def counting_lookup(config):
        counts["partitions", config.linter_key()] += 1
        return lookup(config)

    def counting_load(*args, **kwargs):
        nlp = load(*args, **kwargs)
        counts["spacy.load"] += 1
        return nlp

    msgcheck.engine.Linter.__init__ = counting_init
    msgcheck.dask.worker_linter = counting_lookup
    spacy.load = counting_load


def _read_counters(dask_worker) -> Counter:
    return dask_worker.msgcheck_counts


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        client.run(_install_counters)
        yield client


# -- comparing with Linter.check_many ---------------------------------------------------------


def assert_same_reports(frame: pd.DataFrame, reports: list[msgcheck.Report], meta: pd.DataFrame):
    assert frame.dtypes.to_dict() == meta.dtypes.to_dict()
    assert len(frame) == len(reports)
    for (label, row), report in zip(frame.iterrows(), reports):
        where = f"row {label!r}"
        assert (None if pd.isna(row["path"]) else row["path"]) == report.path, where
        assert row["kind"] == report.kind, where
        assert row["score"] == report.score, where
        assert (None if pd.isna(row["worst"]) else row["worst"]) == report.worst_severity(), where
        assert json.loads(row["findings"]) == [
            f.model_dump(mode="json") for f in report.findings], where
        assert json.loads(row["notes"]) == list(report.notes), where
        counts = Counter(f.severity for f in report.findings)
        assert (row["errors"], row["warnings"], row["infos"]) == (
            counts["error"], counts["warning"], counts["info"]), where
        criteria = {c.removeprefix("score_"): row[c] for c in frame.columns
                    if c.startswith("score_") and not pd.isna(row[c])}
        assert criteria == {name: c.score for name, c in report.criteria.items()}, where


def finding_rows(labels, reports) -> list[tuple]:
    return [(label, f.rule, f.severity, f.field, f.start, f.end)
            for label, report in zip(labels, reports) for f in report.findings]


def frame_finding_rows(findings: pd.DataFrame) -> list[tuple]:
    return list(zip(findings.index, findings["rule"], findings["severity"], findings["field"],
                    findings["start"], findings["end"]))


# -- tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [None, "thank-you"])
def test_bag_results_equal_check_many(client, linter, kind):
    expected = list(linter.check_many(ITEMS, kind=kind))
    # The inputs exercise real findings, input errors and a path, or the comparison proves little.
    assert {"tone.urgency", "input.empty", "input.binary", "input.unsupported-language"} <= {
        f.rule for r in expected for f in r.findings}

    reports = md.check_bag(db.from_sequence(ITEMS, npartitions=4), kind=kind)
    frame, findings = dask.compute(reports, md.findings_frame(reports))

    assert list(frame.index) == list(range(len(ITEMS)))
    assert_same_reports(frame, expected, reports._meta)
    assert frame["path"].iloc[-1] == str(FIXTURES / "warnings-only.txt")
    assert frame_finding_rows(findings) == finding_rows(range(len(ITEMS)), expected)
    assert findings.dtypes.to_dict() == md.findings_meta().dtypes.to_dict()


def test_dataframe_column_keeps_its_index(client, linter):
    ids = [f"msg-{n:02d}" for n in range(len(ITEMS))][::-1]  # labels in no sorted order
    raw = [str(item) if isinstance(item, Path) else item for item in ITEMS]
    # Dask's default conversion of object columns to strings would turn the bytes and dicts
    # into text before msgcheck sees them.
    with dask.config.set({"dataframe.convert-string": False}):
        column = dd.from_pandas(pd.Series(raw, index=pd.Index(ids, name="id"), dtype=object),
                                npartitions=3, sort=False)
    reports = md.check_series(column)
    frame, findings = dask.compute(reports, md.findings_frame(reports))

    expected = list(linter.check_many(raw))
    assert list(frame.index) == ids and frame.index.name == "id"
    assert_same_reports(frame, expected, reports._meta)
    assert frame_finding_rows(findings) == finding_rows(ids, expected)


def test_frame_rows_are_read_as_dict_inputs(client, linter):
    rows = pd.DataFrame({
        "subject": ["Question", None, "IMG applicant - question about your catatonia talk"],
        "body": [DICT["body"], FIXED.split("\n\n", 1)[1], COLD.split("\n\n", 1)[1]],
        "to": [DICT["to"], None, "Dr. Maria Alvarez <malvarez@univ.example.edu>"],
        "campaign": ["a", "b", "c"],
    }, index=[10, 20, 30])
    reports = md.check_frame(dd.from_pandas(rows, npartitions=2))
    frame = reports.compute()

    dicts = [{k: v for k, v in row.items() if k != "campaign" and not pd.isna(v)}
             for row in rows.to_dict(orient="records")]
    expected = list(linter.check_many(dicts))
    assert list(frame.index) == [10, 20, 30]
    assert_same_reports(frame, expected, reports._meta)
    assert "subject.missing" in {f["rule"] for f in json.loads(frame.loc[20, "findings"])}


def test_one_linter_and_one_spacy_load_per_worker(client):
    # Settings no other test uses, so the Linters counted here were built for this test.
    config = msgcheck.Config(ignore=("readability",))
    key = config.linter_key()
    bag = db.from_sequence(ITEMS * 2, npartitions=8)
    column = dd.from_pandas(pd.Series([COLD, FIXED] * 6, dtype=object), npartitions=4)
    first = md.check_bag(bag, config).compute()
    second = md.check_series(column, config).compute()

    assert "score_readability" not in first.columns
    assert not any(f["rule"].startswith("readability.")
                   for text in [*first["findings"], *second["findings"]]
                   for f in json.loads(text))
    counts = client.run(_read_counters)
    partitions = {worker: c["partitions", key] for worker, c in counts.items()}
    assert sum(partitions.values()) == bag.npartitions + column.npartitions
    for worker, c in counts.items():
        assert c["built", key] == (1 if partitions[worker] else 0), (worker, c)
        # Every Linter of a process shares one pipeline; this test's may be the worker's first.
        assert c["spacy.load"] == (1 if sum(v for k, v in c.items() if k[0] == "partitions")
                                   else 0), (worker, c)


def test_bad_inputs_become_input_findings_not_failures(client):
    bag = db.from_sequence(["", BINARY, None, FIXED], npartitions=2)
    with dask.config.set({"dataframe.convert-string": False}):
        column = dd.from_pandas(pd.Series([None, BINARY], index=["x", "y"], dtype=object),
                                npartitions=1)
    frame, findings, by_column = dask.compute(
        md.check_bag(bag), md.findings_frame(md.check_bag(bag)), md.check_series(column))

    assert frame["score"].tolist() == [0.0, 0.0, 0.0, 100.0]
    assert frame["errors"].tolist() == [1, 1, 1, 0]
    assert frame_finding_rows(findings) == [
        (0, "input.empty", "error", "body", 0, 0),
        (1, "input.binary", "error", "body", 0, 0),
        (2, "input.empty", "error", "body", 0, 0),
    ]
    assert [json.loads(t)[0]["rule"] for t in by_column["findings"]] == ["input.empty",
                                                                        "input.binary"]


def test_graphs_are_built_without_running_the_linter(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the linter ran while the graph was being built")

    monkeypatch.setattr(msgcheck.engine.Linter, "check_many", refuse)
    reports = md.check_bag(db.from_sequence(ITEMS, npartitions=2))
    md.findings_frame(reports)
    md.check_series(dd.from_pandas(pd.Series([COLD]), npartitions=1))
    assert list(reports.columns[:7]) == ["path", "kind", "score", "worst", "errors", "warnings",
                                         "infos"]


def test_frame_without_a_body_column_is_refused():
    with pytest.raises(ValueError, match="no 'body' column"):
        md.check_frame(dd.from_pandas(pd.DataFrame({"text": ["x"]}), npartitions=1))


def test_import_without_dask_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.delitem(sys.modules, "msgcheck.dask")
    with pytest.raises(ImportError, match=r'pip install "msgcheck\[dask\]"'):
        importlib.import_module("msgcheck.dask")
