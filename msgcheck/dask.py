"""Lint Dask bags and dataframes of messages, one Linter per worker process (docs/scale-out.md).

    import msgcheck.dask as md
    reports = md.check_bag(bag)                # one row per message, index 0..n-1 in bag order
    reports = md.check_series(frame["raw"])    # index aligned with the column
    reports = md.check_frame(frame)            # rows with subject/body/to/from/... columns
    findings = md.findings_frame(reports)      # one row per finding, indexed like ``reports``

Each worker process builds one ``Linter`` per distinct set of rules, on its first partition,
and keeps it for every later partition and computation: loading the rules and the spaCy
pipeline takes seconds, checking a message milliseconds.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from collections.abc import Iterable
from operator import add
from pathlib import Path
from typing import Any

try:
    import dask
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
except ImportError as exc:
    raise ImportError(
        f'msgcheck.dask needs Dask ({exc}); install it with: pip install "msgcheck[dask]"'
    ) from exc

from msgcheck.config import Config
from msgcheck.engine import INPUT_CRITERION, Linter
from msgcheck.models import Report

# The keys a dict input may have (msgcheck.engine.read_input); check_frame passes these columns.
MESSAGE_FIELDS = ("subject", "body", "to", "from", "date", "kind", "template",
                  "previous_contacts")
FINDING_COLUMNS = ("rule", "criterion", "severity", "field", "start", "end", "message",
                   "suggestion")
SEVERITY_COLUMNS = {"error": "errors", "warning": "warnings", "info": "infos"}
# Reported by the engine when a rule or plugin fails, whatever the rules are.
INTERNAL_CRITERION = "internal"
_STRING = pd.StringDtype()

_LINTERS: dict[tuple, Linter] = {}
_LINTERS_LOCK = threading.Lock()


def worker_linter(config: Config) -> Linter:
    """This process's Linter for ``config``'s rules, built on first use and kept."""
    key = config.linter_key()
    with _LINTERS_LOCK:
        linter = _LINTERS.get(key)
        if linter is None:
            linter = _LINTERS[key] = Linter(config)
    return linter


# -- public API -----------------------------------------------------------------------------


def check_bag(bag: db.Bag, config: Config | str | os.PathLike | None = None, *,
              kind: str | None = None, template: bool | None = None,
              batch_size: int = 32) -> dd.DataFrame:
    """One row per item of ``bag`` (anything ``Linter.check_many`` accepts), in bag order, with
    the integer index 0..n-1; see :func:`report_meta` for the columns."""
    config = _as_config(config)
    meta = report_meta(config)
    options = (config, kind, template, batch_size, meta.dtypes.to_dict())
    frames = [dask.delayed(_check_items)(part, *options) for part in bag.to_delayed()]
    # A bag does not know its partitions' lengths: each partition's first row number is the
    # running sum of the lengths before it, computed alongside the partitions themselves.
    offsets = [0]
    for frame in frames[:-1]:
        offsets.append(dask.delayed(add)(offsets[-1], dask.delayed(len)(frame)))
    parts = [dask.delayed(_renumber)(frame, offset) for frame, offset in zip(frames, offsets)]
    return dd.from_delayed(parts, meta=meta)


def check_series(series: dd.Series, config: Config | str | os.PathLike | None = None, *,
                 kind: str | None = None, template: bool | None = None,
                 batch_size: int = 32) -> dd.DataFrame:
    """One row per value of ``series`` (raw text, bytes, dicts...), with the series' index and
    divisions; a missing value (None, NaN) is checked as an empty message."""
    config = _as_config(config)
    meta = report_meta(config, series._meta.index)
    return series.map_partitions(_check_series_partition, config, kind, template, batch_size,
                                 meta.dtypes.to_dict(), meta=meta)


def check_frame(frame: dd.DataFrame, config: Config | str | os.PathLike | None = None, *,
                kind: str | None = None, template: bool | None = None,
                batch_size: int = 32) -> dd.DataFrame:
    """One row per row of ``frame``, read from its columns named like the keys of a dict input
    (:data:`MESSAGE_FIELDS`: ``body``, ``subject``, ``to``, ``from``, ...); other columns
    are ignored, a missing value counts as absent. Keeps the frame's index and divisions."""
    fields = [c for c in frame.columns if c in MESSAGE_FIELDS]
    if "body" not in fields:
        raise ValueError(
            f"the frame has no 'body' column (columns: {', '.join(map(str, frame.columns))}); "
            f"the message fields are {', '.join(MESSAGE_FIELDS)}")
    config = _as_config(config)
    meta = report_meta(config, frame._meta.index)
    return frame[fields].map_partitions(_check_frame_partition, config, kind, template,
                                        batch_size, meta.dtypes.to_dict(), meta=meta)


def findings_frame(reports: dd.DataFrame) -> dd.DataFrame:
    """One row per finding of a frame made by ``check_bag``/``check_series``/``check_frame``,
    indexed by its message's index label (so it joins with ``reports``), in report order."""
    meta = findings_meta(reports._meta.index)
    return reports["findings"].map_partitions(_explode, meta=meta)


def report_meta(config: Config | str | os.PathLike | None = None,
                index: pd.Index | None = None) -> pd.DataFrame:
    """The empty frame describing a report frame's columns:

    ``path`` (a ``Path`` input's path, else missing), ``kind``, ``score`` (0..100), ``worst``
    (the worst severity, missing without findings), ``errors``/``warnings``/``infos`` (findings
    by severity), ``score_<criterion>`` for each criterion the rules can score (missing when it
    did not apply to the message), ``findings`` (the findings as a JSON array, as in the JSON
    output) and ``notes`` (a JSON array of remarks, e.g. degraded mode).
    """
    linter = worker_linter(_as_config(config))
    # The near-duplicate pass compares the messages of one run (msgcheck.batch), never a
    # single message, so its criterion cannot occur here.
    criteria = sorted({r.criterion for r in linter.rules if r.check.kind != "batch"}
                      | {INPUT_CRITERION, INTERNAL_CRITERION})
    dtypes = {"path": _STRING, "kind": _STRING, "score": "float64", "worst": _STRING,
              **{column: "int64" for column in SEVERITY_COLUMNS.values()},
              **{f"score_{c}": "float64" for c in criteria},
              "findings": _STRING, "notes": _STRING}
    return _empty(dtypes, index)


def findings_meta(index: pd.Index | None = None) -> pd.DataFrame:
    """The empty frame describing :func:`findings_frame`'s columns; ``suggestion`` is the
    suggestion's text (its edits are in the report frame's ``findings`` JSON)."""
    dtypes = {c: "int64" if c in ("start", "end") else _STRING for c in FINDING_COLUMNS}
    return _empty(dtypes, index)


# -- partitions (run on the workers) --------------------------------------------------------

def _check_items(items: Iterable[Any], config: Config, kind: str | None, template: bool | None,
                 batch_size: int, dtypes: dict[str, Any]) -> pd.DataFrame:
    items = [_missing_as_empty(item) for item in items]
    return _frame(_check(items, config, kind, template, batch_size), dtypes,
                  pd.RangeIndex(len(items)))


def _renumber(frame: pd.DataFrame, offset: int) -> pd.DataFrame:
    return frame.set_axis(frame.index + offset)


def _check_series_partition(series: pd.Series, config: Config, kind: str | None,
                            template: bool | None, batch_size: int,
                            dtypes: dict[str, Any]) -> pd.DataFrame:
    items = [_missing_as_empty(item) for item in series.tolist()]
    return _frame(_check(items, config, kind, template, batch_size), dtypes, series.index)


def _check_frame_partition(frame: pd.DataFrame, config: Config, kind: str | None,
                           template: bool | None, batch_size: int,
                           dtypes: dict[str, Any]) -> pd.DataFrame:
    items = [{k: v for k, v in row.items() if not _is_missing(v)}
             for row in frame.to_dict(orient="records")]
    return _frame(_check(items, config, kind, template, batch_size), dtypes, frame.index)


def _check(items: list, config: Config, kind: str | None, template: bool | None,
           batch_size: int) -> list[Report]:
    linter = worker_linter(config)
    # As in `msgcheck check`: the settings' kind and template apply unless given here
    # (the Linter may have been built for settings that differ only in those).
    return list(linter.check_many(
        items, kind, batch_size=batch_size, default_kind=config.kind,
        template=template if template is not None else (config.template or None)))


def _frame(reports: list[Report], dtypes: dict[str, Any], index: pd.Index) -> pd.DataFrame:
    rows = []
    for report in reports:
        counts = Counter(f.severity for f in report.findings)
        row = {"path": report.path, "kind": report.kind, "score": report.score,
               "worst": report.worst_severity(),
               **{column: counts[s] for s, column in SEVERITY_COLUMNS.items()},
               "findings": json.dumps([f.model_dump(mode="json") for f in report.findings],
                                      ensure_ascii=False),
               "notes": json.dumps(list(report.notes), ensure_ascii=False)}
        for name, criterion in report.criteria.items():
            column = f"score_{name}"
            if column not in dtypes:
                raise RuntimeError(
                    f"criterion {name!r} has no column: this worker's rules differ from the "
                    "client's (install the same msgcheck, rule packs and plugins on both)")
            row[column] = criterion.score
        rows.append(row)
    return pd.DataFrame(rows, columns=list(dtypes), index=index).astype(dtypes)


def _explode(findings: pd.Series) -> pd.DataFrame:
    labels, rows = [], []
    for label, text in findings.items():
        for finding in json.loads(text):
            suggestion = finding.get("suggestion") or {}
            rows.append({**{c: finding[c] for c in FINDING_COLUMNS if c != "suggestion"},
                         "suggestion": suggestion.get("text")})
            labels.append(label)
    meta = findings_meta(findings.index)
    index = pd.Index(labels, dtype=findings.index.dtype, name=findings.index.name)
    return pd.DataFrame(rows, columns=list(meta.columns), index=index).astype(meta.dtypes)


# -- helpers --------------------------------------------------------------------------------


def _as_config(config: Config | str | os.PathLike | None) -> Config:
    if config is None:
        return Config()
    if isinstance(config, Config):
        return config
    if isinstance(config, (str, os.PathLike)):
        return Config.from_file(Path(config))
    raise TypeError(f"config must be a msgcheck Config or a settings file path, not "
                    f"{type(config).__name__}")


def _is_missing(value: Any) -> bool:
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _missing_as_empty(item: Any) -> Any:
    # A null in a column is a message with no text (input.empty), not a reason to fail the job.
    return "" if _is_missing(item) else item


def _empty(dtypes: dict[str, Any], index: pd.Index | None) -> pd.DataFrame:
    index = pd.RangeIndex(0) if index is None else index[:0]
    return pd.DataFrame(columns=list(dtypes), index=index).astype(dtypes)


__all__ = ["check_bag", "check_frame", "check_series", "findings_frame", "findings_meta",
           "report_meta", "worker_linter"]
