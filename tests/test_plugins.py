"""Plugins and Python rules (issue #3, docs/plugins.md).

The example plugin (examples/plugin) is installed for real, once per session, with pip into a
temporary folder, and used from a subprocess with that folder on PYTHONPATH. Broken plugins are
fake ``*.dist-info`` folders put on ``sys.path`` for one test; a plugin or a Python rule that
fails must cost only its own findings.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXTURES, REPO, assert_well_formed

import msgcheck
from msgcheck.cli import main
from msgcheck.config import Config

WARNINGS = (FIXTURES / "warnings-only.txt").read_text(encoding="utf-8")  # tone.urgency on 'ASAP'
EMOJI = "\U0001F64F"
EMOJI_MESSAGE = WARNINGS.replace("Thank you for considering my request.",
                                 f"Thank you for considering my request {EMOJI}.")
# pip's messages when it cannot fetch the build backend (hatchling) without a network.
OFFLINE = re.compile(
    r"No matching distribution|Could not find a version|NewConnectionError|Network is unreachable"
    r"|Temporary failure in name resolution|Name or service not known|Max retries exceeded"
    r"|ProxyError|Connection refused|ConnectTimeout|ReadTimeout|No route to host", re.IGNORECASE)


# -- the example plugin, installed with pip ----------------------------------------------------


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory) -> Path:
    """examples/plugin installed with `pip install --no-deps --target` (one install per session)."""
    work = tmp_path_factory.mktemp("example-plugin")
    source = shutil.copytree(REPO / "examples" / "plugin", work / "src")  # keep the repo clean
    target = work / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-input", "--quiet",
         "--disable-pip-version-check", "--target", str(target), str(source)],
        check=False, capture_output=True, text=True, timeout=600,
    )
    if proc.returncode != 0:
        if OFFLINE.search(proc.stdout + proc.stderr):
            pytest.skip("cannot install the example plugin: its build backend (hatchling) "
                        "cannot be fetched without a network")
        pytest.fail(f"pip install examples/plugin failed:\n{proc.stdout}\n{proc.stderr}")
    return target


def msgcheck_in(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    env.pop("MSGCHECK_SPACY_MODEL", None)
    return subprocess.run([sys.executable, "-m", "msgcheck", *args], check=False,
                          capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


def test_installed_plugin_rules_are_listed_and_explained(plugin_site, tmp_path):
    listed = msgcheck_in(plugin_site, "rules", "--format", "json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rules = {r["id"]: r for r in json.loads(listed.stdout)}
    assert {"house.no-emoji", "house.casual-sign-off"} <= set(rules)
    assert rules["house.no-emoji"]["check"] == "python"
    assert rules["house.casual-sign-off"]["check"] == "existence"
    assert "tone.urgency" in rules  # the built-ins as well
    assert "failed to load" not in listed.stderr  # no plugin problems

    explained = msgcheck_in(plugin_site, "rules", "house.no-emoji", cwd=tmp_path)
    assert explained.returncode == 0, explained.stderr
    assert "house.no-emoji" in explained.stdout


def test_installed_plugin_checks_messages(plugin_site, tmp_path):
    (tmp_path / "on").mkdir()
    (tmp_path / "off").mkdir()
    (tmp_path / "off" / "msgcheck.toml").write_text("plugins = false\n", encoding="utf-8")
    for folder in ("on", "off"):
        (tmp_path / folder / "m.txt").write_text(
            EMOJI_MESSAGE.replace("Sincerely,", "Cheers,"), encoding="utf-8")
    proc = msgcheck_in(plugin_site, "check", "--format", "json", "on/m.txt", "off/m.txt",
                       cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    on, off = json.loads(proc.stdout)["results"]
    body = EMOJI_MESSAGE.split("\n\n", 1)[1]
    start = body.index(EMOJI)
    emoji = [(f["field"], f["start"], f["end"], f["severity"]) for f in on["findings"]
             if f["rule"] == "house.no-emoji"]
    assert emoji == [("body", start, start + len(EMOJI), "warning")]
    assert "house.casual-sign-off" in {f["rule"] for f in on["findings"]}
    assert "tone.urgency" in {f["rule"] for f in on["findings"]}
    assert "house" in on["criteria"]
    # plugins = false: the same message, without the plugin's rules.
    assert not any(f["rule"].startswith("house.") for f in off["findings"])
    assert "tone.urgency" in {f["rule"] for f in off["findings"]}


# -- broken plugins ----------------------------------------------------------------------------


def fake_plugin(site: Path, name: str, target: str, module: str | None = None) -> Path:
    """An installed distribution `name` whose msgcheck.rules entry point is ``target``."""
    dist = site / f"{name}-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n",
                                   encoding="utf-8")
    (dist / "entry_points.txt").write_text(f"[msgcheck.rules]\n{name} = {target}\n",
                                           encoding="utf-8")
    if module is not None:
        (site / f"{target.split(':')[0]}.py").write_text(textwrap.dedent(module), encoding="utf-8")
    return site


BROKEN = {
    "raises": lambda tag: (f"broken_{tag}:rules_dir",
                           "def rules_dir():\n    raise RuntimeError('plugin bug')\n"),
    "missing-folder": lambda tag: (f"broken_{tag}:rules_dir",
                                   "def rules_dir():\n    return '/no/such/rules/folder'\n"),
    "missing-module": lambda tag: (f"not_installed_{tag}:rules_dir", None),
    "missing-attribute": lambda tag: (f"broken_{tag}:nothing_here", "X = 1\n"),
    "bad-rule-file": lambda tag: (f"broken_{tag}:rules_dir", """\
        from pathlib import Path
        def rules_dir():
            folder = Path(__file__).parent / "badrules" / "house"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "bad.yml").write_text("summary: [unclosed\\n")
            return folder.parent
        """),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_plugin_is_a_finding_not_a_crash(tmp_path, monkeypatch, case):
    tag = re.sub(r"\W", "_", case)
    target, module = BROKEN[case](tag)
    monkeypatch.syspath_prepend(str(fake_plugin(tmp_path / "site", f"brokenplug_{tag}", target,
                                                module)))
    linter = msgcheck.Linter(Config())
    assert len(linter.problems) == 1
    report = linter.check(WARNINGS)
    failed = [f for f in report.findings if f.rule == "internal.plugin-failed"]
    assert [(f.criterion, f.severity) for f in failed] == [("internal", "error")]
    assert f"brokenplug_{tag}" in failed[0].message  # which plugin: the user must find it
    assert "tone.urgency" in report.rule_ids()  # the other rules still run
    assert "tone.urgency" in {r.id for r in linter.rules}


def test_a_broken_plugin_is_skipped_when_plugins_are_off(tmp_path, monkeypatch):
    target, module = BROKEN["raises"]("off")
    monkeypatch.syspath_prepend(str(fake_plugin(tmp_path / "site", "brokenplug_off", target,
                                                module)))
    linter = msgcheck.Linter(Config(plugins=False))
    assert linter.problems == ()
    assert msgcheck.Linter(Config(plugins=False)).check(WARNINGS).rule_ids() == {"tone.urgency"}


def test_a_broken_plugin_through_the_cli(tmp_path, monkeypatch):
    target, module = BROKEN["raises"]("cli")
    monkeypatch.syspath_prepend(str(fake_plugin(tmp_path / "site", "brokenplug_cli", target,
                                                module)))
    (tmp_path / "m.txt").write_text(WARNINGS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--format", "json", "m.txt"])
    assert result.exit_code == 1  # internal.plugin-failed is an error
    [doc] = json.loads(result.stdout)["results"]
    assert {f["rule"] for f in doc["findings"]} == {"internal.plugin-failed", "tone.urgency"}
    listed = runner.invoke(main, ["rules"])
    assert listed.exit_code == 0
    assert "tone.urgency" in listed.stdout
    assert "brokenplug_cli" in listed.stderr  # a warning, not a failure


def test_a_working_fake_plugin_adds_its_pack(tmp_path, monkeypatch):
    """An entry point may return several folders; each is a pack."""
    site = tmp_path / "site"
    for pack in ("one", "two"):
        folder = site / f"goodplug_{pack}" / "house"
        folder.mkdir(parents=True)
        (folder / f"rule-{pack}.yml").write_text(yaml_rule(f"sorry {pack}"), encoding="utf-8")
    fake_plugin(site, "goodplug", "goodplug_mod:folders", module=f"""\
        from pathlib import Path
        def folders():
            return [Path({str(site)!r}) / "goodplug_one", str(Path({str(site)!r}) / "goodplug_two")]
        """)
    monkeypatch.syspath_prepend(str(site))
    linter = msgcheck.Linter(Config())
    assert linter.problems == ()
    assert {"house.rule-one", "house.rule-two"} <= {r.id for r in linter.rules}
    report = linter.check(WARNINGS.replace("Please reply", "I say sorry two. Please reply"))
    assert "house.rule-two" in report.rule_ids()


# -- Python rules ------------------------------------------------------------------------------


def yaml_rule(phrase: str) -> str:
    return textwrap.dedent(f"""\
        summary: An apology
        severity: info
        message: "'{{phrase}}' apologises"
        check:
          kind: existence
          phrases: [{phrase}]
        docs:
          what: Flags an apology.
          why: Thanks reads better.
          example: Sorry.
          use_instead: Thank you.
        examples:
          valid: ["Thank you."]
          invalid: ["{phrase}"]
        """)


def python_rule(function: str, options: str = "{}", extra: str = "") -> str:
    return textwrap.dedent(f"""\
        summary: A rule written in Python
        severity: warning
        message: "'{{word}}' found by Python"
        fix: "Write '{{instead}}'"
        {extra}
        check:
          kind: python
          function: "{function}"
          options: {options}
          provides: [word, instead]
        docs:
          what: Flags a word.
          why: Because the house says so.
          example: Please reply ASAP.
          use_instead: Please reply when convenient.
        examples:
          valid: ["Thank you."]
          invalid: ["Please reply ASAP."]
        """)


CHECKS = """\
import re
from msgcheck.context import Hit

def find_word(ctx, word="ASAP", instead="soon"):
    # A check sees the shared Context: the message, its kind, the parsed sections, the Doc.
    assert ctx.kind and not ctx.template and not ctx.degraded
    assert ctx.doc is not None and ctx.sections.prose.end > 0
    body = ctx.body[:ctx.new_text_end]
    for match in re.finditer(re.escape(word), body):
        yield Hit("body", match.start(), match.end(), {"word": match.group(0), "instead": instead},
                  replacement=instead)

def explode(ctx):
    yield Hit("body", 0, 1, {"word": "x", "instead": "y"})
    raise ValueError("bug in a house rule")

def bad_hit(ctx, case):
    end = len(ctx.body)
    yield {
        "wrong-field": Hit("signature", 0, 3, {}),
        "no-offsets": Hit("body", None, None, {}),
        "backwards": Hit("body", 10, 5, {}),
        "past-the-end": Hit("body", end - 2, end + 40, {}),
    }[case]

def layers(ctx):
    # Which analysis layers the whole ctx.doc carries, as the rule's `needs` asked.
    doc = ctx.doc
    found = [name for name, attr in (("tags", "TAG"), ("parse", "DEP"), ("entities", "ENT_IOB"))
             if doc.has_annotation(attr)]
    yield Hit("body", 0, 0, {"word": ",".join(found) or "none", "instead": ""})

def in_subject(ctx):
    subject = ctx.message.subject or ""
    for start, end in [m.span() for m in re.finditer("catatonia", subject)]:
        yield Hit("subject", start, end, {"word": subject[start:end], "instead": ""})
"""


@pytest.fixture
def python_pack(tmp_path, monkeypatch):
    """A rule pack folder plus a module of check functions importable under a unique name."""
    module = f"house_checks_{abs(hash(str(tmp_path)))}"
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / f"{module}.py").write_text(CHECKS, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "code"))

    def make(rules: dict[str, str]) -> msgcheck.Linter:
        for name, text in rules.items():
            path = tmp_path / "pack" / "house" / f"{name}.yml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text.replace("MODULE", module), encoding="utf-8")
        return msgcheck.Linter(Config(rule_packs=(tmp_path / "pack",), plugins=False))

    return make


def test_python_rule_yields_findings_with_options(python_pack):
    linter = python_pack({"asap": python_rule("MODULE:find_word",
                                              '{word: reply, instead: answer}')})
    report = linter.check(WARNINGS)
    body = report.message.body
    start = body.index("reply ASAP")
    [finding] = [f for f in report.findings if f.rule == "house.asap"]
    assert (finding.field, finding.start, finding.end) == ("body", start, start + 5)
    assert finding.message == "'reply' found by Python"  # the hit's data fills the message
    assert finding.suggestion.text == "Write 'answer'"
    assert finding.suggestion.safe is False  # an edit, but the rule does not say it is safe
    assert "tone.urgency" in report.rule_ids()


@pytest.mark.parametrize("needs, expected", [
    (None, "tags,parse,entities"),  # the default keeps the documented plugin contract
    ("[]", "none"),
    ("[tags]", "tags"),
    ("[entities]", "tags,entities"),
])
def test_python_rule_gets_the_layers_it_needs(python_pack, needs, expected):
    rule = python_rule("MODULE:layers")
    if needs is not None:
        rule = rule.replace("provides: [word, instead]", f"provides: [word, instead]\n  needs: {needs}")
    linter = python_pack({"layers": rule})
    select = ("house",) if needs == "[]" else ()
    if select:
        linter = msgcheck.Linter(linter.config.model_copy(update={"select": select}))
    [finding] = [f for f in linter.check(WARNINGS).findings if f.rule == "house.layers"]
    assert finding.message == f"'{expected}' found by Python"


def test_python_rule_with_a_safe_fix(python_pack, tmp_path):
    linter = python_pack({"asap": python_rule("MODULE:find_word", extra="safe_fix: true")})
    [finding] = [f for f in linter.check(WARNINGS).findings if f.rule == "house.asap"]
    assert finding.suggestion.safe is True
    assert [e.replacement for e in finding.suggestion.edits] == ["soon"]


def test_python_rule_on_the_subject(python_pack):
    linter = python_pack({"subject": python_rule("MODULE:in_subject")})
    report = linter.check(WARNINGS)
    subject = report.message.subject
    [finding] = [f for f in report.findings if f.rule == "house.subject"]
    start = subject.index("catatonia")
    assert (finding.field, finding.start, finding.end) == ("subject", start, start + 9)


def test_python_rule_that_raises_fails_alone(python_pack):
    linter = python_pack({"boom": python_rule("MODULE:explode"),
                          "asap": python_rule("MODULE:find_word")})
    report = linter.check(WARNINGS)
    failed = [f for f in report.findings if f.rule == "internal.rule-failed"]
    assert [(f.criterion, f.severity) for f in failed] == [("internal", "error")]
    assert "house.boom" in failed[0].message
    assert "house.boom" not in report.rule_ids()  # its partial output is dropped
    assert {"house.asap", "tone.urgency"} <= report.rule_ids()  # the others survive
    again = linter.check(WARNINGS)  # and the next message is checked the same way
    assert again.rule_ids() == report.rule_ids()


@pytest.mark.parametrize("function", ["no_such_module_xyz:check", "MODULE:no_such_function"])
def test_python_rule_naming_missing_code_fails_alone(python_pack, function):
    linter = python_pack({"ghost": python_rule(function)})
    assert "house.ghost" in {r.id for r in linter.rules}  # loading the rules does not fail
    report = linter.check(WARNINGS)
    failed = [f for f in report.findings if f.rule == "internal.rule-failed"]
    assert len(failed) == 1 and "house.ghost" in failed[0].message
    assert "tone.urgency" in report.rule_ids()


@pytest.mark.parametrize("case", ["wrong-field", "no-offsets", "backwards", "past-the-end"])
def test_python_rule_with_a_malformed_hit_fails_alone(python_pack, case):
    """A hit the engine cannot turn into a well-formed finding is the rule's failure, like an
    exception: the message keeps its other findings and the report its invariants."""
    linter = python_pack({"bad": python_rule("MODULE:bad_hit", f"{{case: {case}}}")})
    report = linter.check(WARNINGS)  # must not raise
    assert_well_formed(report)
    assert "internal.rule-failed" in report.rule_ids()
    assert "house.bad" not in report.rule_ids()
    assert "tone.urgency" in report.rule_ids()


def test_python_rule_failure_through_the_cli(python_pack, tmp_path):
    python_pack({"ghost": python_rule("no_such_module_xyz:check")})
    (tmp_path / "msgcheck.toml").write_text('rule_packs = ["pack"]\nplugins = false\n',
                                            encoding="utf-8")
    (tmp_path / "m.txt").write_text(WARNINGS, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--format", "json", str(tmp_path / "m.txt")])
    assert result.exit_code == 1, result.output
    [doc] = json.loads(result.stdout)["results"]
    assert {f["rule"] for f in doc["findings"]} == {"internal.rule-failed", "tone.urgency"}


def test_python_rule_respects_kinds_and_selection(python_pack):
    linter = python_pack({"asap": python_rule("MODULE:find_word",
                                              extra="kinds: [letter-request]")})
    assert "house.asap" not in linter.check(WARNINGS).rule_ids()
    assert "house.asap" in linter.check(WARNINGS, kind="letter-request").rule_ids()
    linter = msgcheck.Linter(linter.config.model_copy(update={"ignore": ("house",)}))
    assert "house.asap" not in linter.check(WARNINGS, kind="letter-request").rule_ids()


@pytest.mark.parametrize("function", ["no_colon_here", "pkg.mod:", "1pkg:f", "pkg:f-g"])
def test_python_rule_function_must_be_module_colon_name(tmp_path, function):
    path = tmp_path / "pack" / "house" / "bad.yml"
    path.parent.mkdir(parents=True)
    path.write_text(python_rule(function), encoding="utf-8")
    with pytest.raises(msgcheck.config.ConfigError, match=r"bad\.yml:\d+"):
        msgcheck.Linter(Config(rule_packs=(tmp_path / "pack",), plugins=False))
