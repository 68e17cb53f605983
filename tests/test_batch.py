"""batch.near-duplicate: mass email found across the messages of one run (msgcheck.batch)."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import CORPUS, FIXTURES
from linter_cache import reuse_linters

from msgcheck import batch
from msgcheck.cli import main
from msgcheck.loader import builtin_pack
from msgcheck.score import SEVERITY_PENALTY, score


@pytest.fixture(autouse=True)
def _reuse_linters(monkeypatch):
    reuse_linters(monkeypatch)


RULE = builtin_pack().rule(batch.RULE_ID)

TEMPLATE = """Subject: Prospective psychiatry applicant

Dear Dr. {name},

I am an international medical graduate from Nigeria applying to psychiatry residency this
year. I read about the {program} program and I am very interested in its focus on community
mental health and the care of underserved patients. I would be grateful for {minutes} minutes
of your time on Zoom to learn how residents in your program get involved in research on
{topic}.

Thank you for your time and consideration,
Adaeze Okonkwo
"""
FILLS = [
    ("Alvarez", "Riverside", 15, "early psychosis"),
    ("Chen", "Lakeview", 20, "addiction"),
    ("Okafor", "Hillcrest", 15, "perinatal depression"),
    ("Nguyen", "Bayside", 10, "child psychiatry"),
]
DISTINCT = [
    """Subject: Your grand rounds on catatonia

Dear Dr. Moreau,

Your grand rounds on catatonia last Tuesday changed how I think about lorazepam challenges on
the medical wards. I am an IMG preparing for the match and I would love to hear how you set up
the consultation service. Would a 15-minute call next week suit you?

With thanks,
Priya Sharma
""",
    """Subject: Question about your lithium monitoring study

Dear Dr. Haddad,

I read your 2023 paper on lithium monitoring in older adults while working in a geriatric
clinic in Beirut, where we struggled with the same renal follow-up problem. Could I ask you two
questions about how you chose the monitoring interval, by email or in a short call?

Kind regards,
Omar Khalil
""",
]


def planted(linter):
    texts = [TEMPLATE.format(name=n, program=p, minutes=m, topic=t) for n, p, m, t in FILLS]
    items = [(f"outbox/{name.lower()}.txt", text) for (name, *_), text in zip(FILLS, texts, strict=True)]
    items.insert(2, ("outbox/moreau.txt", DISTINCT[0]))
    items.append(("outbox/haddad.txt", DISTINCT[1]))
    return [linter.check(text, path=path) for path, text in items]


def test_planted_cluster_is_found(linter):
    reports = planted(linter)
    clusters = batch.find_near_duplicates(reports)
    assert len(clusters) == 1
    (cluster,) = clusters
    assert cluster.members == (0, 1, 3, 4)  # input order; the two distinct messages are out
    assert cluster.paths == ("outbox/alvarez.txt", "outbox/chen.txt", "outbox/okafor.txt",
                             "outbox/nguyen.txt")
    assert 0.8 <= cluster.similarity < 1


def test_findings_on_every_member_but_the_first(linter):
    reports = planted(linter)
    updated = batch.add_findings(reports, batch.find_near_duplicates(reports))
    flagged = [i for i, r in enumerate(updated) if batch.RULE_ID in r.rule_ids()]
    assert flagged == [1, 3, 4]
    for i in flagged:
        before, after = reports[i], updated[i]
        (finding,) = [f for f in after.findings if f.rule == batch.RULE_ID]
        assert (finding.criterion, finding.severity, finding.field) == ("batch", "warning", "body")
        prose = after.message.sections.prose
        assert (finding.start, finding.end) == (prose.start, prose.end)
        others = {"outbox/alvarez.txt", "outbox/chen.txt", "outbox/okafor.txt",
                  "outbox/nguyen.txt"} - {after.path}
        for other in others:
            assert other in finding.message
        assert after.path not in finding.message
        assert "outbox/moreau.txt" not in finding.message
        # Scores: the warning's penalty comes off the overall score; a batch criterion appears.
        assert after.score == max(0.0, before.score - SEVERITY_PENALTY["warning"])
        assert after.criteria["batch"].findings == 1
        assert after.criteria["batch"].score < 100
        expected, _ = score(after.findings, after.criteria, linter.penalties)
        assert after.score == expected
        assert list(after.findings) == sorted(
            after.findings, key=lambda f: (f.field != "subject", f.field, f.start, f.end, f.rule))
    for i in (0, 2, 5):
        assert updated[i] == reports[i]


def test_placeholders_and_greeting_names_are_normalised(linter):
    variants = [
        TEMPLATE.format(name="{{last_name}}", program="{{program}}", minutes=15, topic="[topic]"),
        TEMPLATE.format(name="[Surname]", program="<Program>", minutes=20, topic="{topic}"),
        TEMPLATE.format(name="Kowalski", program="{{program}}", minutes=30, topic="[topic]"),
    ]
    reports = [linter.check(v, path=f"t{i}.md", template=True) for i, v in enumerate(variants)]
    (cluster,) = batch.find_near_duplicates(reports, threshold=0.95)
    assert cluster.members == (0, 1, 2)
    tokens = batch.report_tokens(reports[2])
    assert "kowalski" not in tokens and "30" not in tokens
    assert batch.report_tokens(reports[0]) == batch.report_tokens(reports[1]) == tokens


def test_distinct_corpus_messages_form_no_cluster(linter):
    paths = sorted(CORPUS.rglob("*.txt"))[:50]
    assert len(paths) == 50
    reports = list(linter.check_many(paths))
    assert sum(batch.report_tokens(r) is not None for r in reports) >= 45
    assert batch.find_near_duplicates(reports) == []


def test_rule_examples_invalid_cluster_valid_do_not(linter):
    invalid = [linter.check(e.text, path=f"invalid{i}") for i, e in
               enumerate(RULE.examples.invalid)]
    valid = [linter.check(e.text, path=f"valid{i}") for i, e in enumerate(RULE.examples.valid)]
    (cluster,) = batch.find_near_duplicates(invalid)
    assert cluster.members == tuple(range(len(invalid)))
    assert batch.find_near_duplicates(valid) == []
    clusters = batch.find_near_duplicates(valid + invalid)
    assert [c.members for c in clusters] == [tuple(range(len(valid), len(valid) + len(invalid)))]


def test_same_path_twice_is_one_message(linter):
    text = TEMPLATE.format(name="Lee", program="Riverside", minutes=15, topic="sleep")
    a = linter.check(text, path="a.txt")
    b = linter.check(text.replace("Lee", "Park"), path="b.txt")
    assert batch.find_near_duplicates([a, a]) == []
    (cluster,) = batch.find_near_duplicates([a, b, a])
    assert cluster.members == (0, 1)
    updated = batch.add_findings([a, b, a], [cluster])
    assert [batch.RULE_ID in r.rule_ids() for r in updated] == [False, True, False]


def test_big_cluster_names_five_others_and_counts_the_rest(linter):
    names = ["Adams", "Baker", "Clark", "Davis", "Evans", "Frost", "Gomez", "Hayes"]
    reports = [linter.check(TEMPLATE.format(name=n, program="Riverside", minutes=15,
                                            topic="sleep"), path=f"{n.lower()}.txt")
               for n in names]
    collector = batch.Collector()
    for report in reports:
        collector.add(report)
    (cluster,) = collector.clusters()
    assert cluster.members == tuple(range(8))
    found = collector.findings([cluster], [RULE] * 8)
    assert sorted(found) == list(range(1, 8))
    _, finding = found[7]
    assert finding.message.startswith(
        "this message is a near-duplicate of adams.txt, baker.txt, clark.txt, davis.txt, "
        "evans.txt and 2 more (8 messages share the same text)")
    _, finding = found[1]
    assert "adams.txt, clark.txt, davis.txt, evans.txt, frost.txt and 2 more" in finding.message
    assert found[1] == found[1] and found[1][1] is not found[1][1]  # built when looked up


def test_short_and_unreadable_messages_never_join(linter, tmp_path):
    short = [linter.check("Dear Dr. Lee,\n\nThank you so much for the call!\n\nPriya",
                          path=f"s{i}.txt") for i in range(2)]
    assert batch.find_near_duplicates(short) == []
    missing = [linter.check(tmp_path / f"missing{i}.txt") for i in range(2)]
    assert batch.find_near_duplicates(missing) == []


def test_threshold_bounds(linter):
    with pytest.raises(ValueError):
        batch.find_near_duplicates(planted(linter), threshold=0)
    reports = planted(linter)[:2]  # alvarez, chen
    assert batch.find_near_duplicates(reports, threshold=0.99) == []
    assert len(batch.find_near_duplicates(reports, threshold=0.5)) == 1


def test_lsh_parameters_catch_pairs_at_the_threshold():
    for threshold in (0.5, 0.8, 0.9):
        bands, rows = batch.lsh_parameters(threshold)
        assert bands * rows <= batch.NUM_PERM
        assert 1 - (1 - threshold ** rows) ** bands >= 0.9


def test_signature_is_deterministic_and_estimates_jaccard():
    words = [f"w{i}" for i in range(400)]
    a = frozenset(" ".join(words[i:i + 3]) for i in range(300))
    b = frozenset(" ".join(words[i:i + 3]) for i in range(60, 360))
    assert batch.signature(a) == batch.signature(frozenset(sorted(a, reverse=True)))
    sa, sb = batch.signature(a), batch.signature(b)
    estimate = sum(x == y for x, y in zip(sa, sb, strict=True)) / len(sa)
    exact = len(a & b) / len(a | b)
    assert abs(estimate - exact) < 0.2


def test_big_clusters_stay_linear():
    rng = random.Random(3)
    vocab = [f"v{i}" for i in range(3000)]
    base = [rng.choice(vocab) for _ in range(80)]
    sets = []
    for _ in range(1500):
        tokens = list(base)
        tokens[rng.randrange(80)] = rng.choice(vocab)
        sets.append(batch.shingles(tokens, 3))
    sets += [batch.shingles([rng.choice(vocab) for _ in range(80)], 3) for _ in range(500)]
    start = time.perf_counter()
    clusters = batch.cluster_shingle_sets(sets, 0.8)
    elapsed = time.perf_counter() - start
    assert [len(members) for members, _ in clusters] == [1500]
    assert elapsed < 5, elapsed


# -- the command line ------------------------------------------------------------------------------


def write_outbox(tmp_path, monkeypatch):
    """outbox/ in a fresh working folder, holding three near-duplicates (FILLS[:3])."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "outbox"
    folder.mkdir()
    for name, program, minutes, topic in FILLS[:3]:
        (folder / f"{name.lower()}.txt").write_text(
            TEMPLATE.format(name=name, program=program, minutes=minutes, topic=topic),
            encoding="utf-8")
    return folder


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    folder = write_outbox(tmp_path, monkeypatch)
    (folder / "moreau.txt").write_text(DISTINCT[0], encoding="utf-8")
    return folder


def cli_json(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def batch_findings(doc: dict) -> dict[str, list[dict]]:
    return {r["path"]: [f for f in r["findings"] if f["rule"] == batch.RULE_ID]
            for r in doc["results"]}


def test_cli_reports_each_cluster_once(outbox):
    code, doc = cli_json("outbox")
    found = batch_findings(doc)
    assert [p for p, fs in found.items() if fs] == ["outbox/chen.txt", "outbox/okafor.txt"]
    assert code == 0  # warnings do not fail by default
    (finding,) = found["outbox/okafor.txt"]
    assert "outbox/alvarez.txt" in finding["message"] and "outbox/chen.txt" in finding["message"]
    code, _ = cli_json("--fail-on", "warning", "outbox")
    assert code == 1


def test_cli_no_batch_and_similarity(outbox):
    code, doc = cli_json("--no-batch", "--fail-on", "warning", "outbox")
    assert not any(batch_findings(doc).values())
    assert code == 0  # each filled-in copy is a fine email on its own: only the batch warned
    _, doc = cli_json("--similarity", "0.99", "outbox")
    assert not any(batch_findings(doc).values())
    result = CliRunner().invoke(main, ["check", "--similarity", "1.5", "outbox"])
    assert result.exit_code == 2


def test_cli_config_can_ignore_or_raise_the_rule(outbox):
    Path("msgcheck.toml").write_text('[severity]\n"batch.near-duplicate" = "error"\n',
                                     encoding="utf-8")
    code, doc = cli_json("outbox")
    assert code == 1
    assert {f["severity"] for fs in batch_findings(doc).values() for f in fs} == {"error"}
    Path("msgcheck.toml").write_text('ignore = ["batch"]\n', encoding="utf-8")
    code, doc = cli_json("outbox")
    assert not any(batch_findings(doc).values())


def test_cli_text_output_shows_the_finding(outbox):
    result = CliRunner().invoke(main, ["check", "outbox"])
    prose_line = TEMPLATE.split("\n").index("Dear Dr. {name},") + 3  # 1-based, after a blank
    assert f"outbox/chen.txt:{prose_line}:1: warning batch.near-duplicate" in result.output
    assert f"outbox/okafor.txt:{prose_line}:1: warning batch.near-duplicate" in result.output
    assert not any(line.startswith("outbox/alvarez.txt") and "batch.near-duplicate" in line
                   for line in result.output.splitlines())


def test_single_message_is_never_flagged(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes((FIXTURES / "good-cold-email.txt").read_bytes())
    code, doc = cli_json("--fail-on", "warning", str(path), str(path))
    assert code == 0
    assert not any(batch_findings(doc).values())
