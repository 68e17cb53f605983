"""``politeness``: request sentences that people would rate impolite.

Scores each ask with the logistic politeness model of msgcheck.politeness (strategies from
Danescu-Niculescu-Mizil et al., 2013, weights fitted on the Stanford Politeness Corpus; data in
the `politeness` lexicon) and reports those below the rule's threshold, naming the cues.
"""

from __future__ import annotations

from msgcheck import politeness as model
from msgcheck.checks.requests import find_asks
from msgcheck.context import Context, Hit
from msgcheck.spec import PolitenessCheck, RuleSpec

PROVIDES = frozenset({"score", "cues"})
# No parse: the model's one dependency cue, a negative question, is read from the words the
# parser labels ``neg`` (not, n't, never). On the 368 asks of the corpus and a blind set the
# features are identical with and without a parse, and skipping it saves ~1.3 ms a message.
NEEDS = frozenset({"tags"})


def compile(spec: RuleSpec, env):
    check: PolitenessCheck = spec.check
    lexicon = env.lexicons["politeness"]
    scorer = model.PolitenessModel.from_file(model.PolitenessFile(
        description=lexicon.description, regex=lexicon.regex, weights=lexicon.weights,
        bias=lexicon.bias))

    def run(ctx: Context):
        for ask in find_asks(ctx):
            if ask.logistics:
                continue
            span = ctx.doc.char_span(ask.start, ask.end, alignment_mode="expand")
            if span is None:
                continue
            probability = scorer.score(span)
            if probability < check.threshold:
                cues = [group.replace("_", " ") for group, weight in scorer.explain(span)
                        if weight < 0][:3]
                yield Hit("body", ask.start, ask.end,
                          {"score": f"{probability:.2f}", "cues": ", ".join(cues) or "no polite cues"})

    return run
