"""Rule packs: validation errors name the file and the line; valid user packs load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import rule_ids

from msgcheck.loader import RuleLoadError, builtin_pack, load_pack

# A complete, valid rule file; line numbers below refer to this text.
VALID = """\
summary: Apologising for writing at all
severity: warning
message: "'{phrase}' apologises for writing; thank the reader instead"
fix: Drop the apology and thank the reader for their time
check:
  kind: existence
  scope: body
  phrases: [sorry to bother you, sorry for bothering you]
docs:
  what: Flags apologies for writing at all.
  why: An apology makes the message sound like an imposition.
  example: Sorry to bother you, but could we talk?
  use_instead: Thank you for considering my request.
examples:
  valid:
    - "Dear Dr. Alvarez,\\n\\nThank you for considering my request."
  invalid:
    - "Dear Dr. Alvarez,\\n\\nSorry to bother you, but could we talk?"
"""
assert VALID.splitlines()[5] == "  kind: existence"  # line 6


def replace_line(number: int, new: str) -> str:
    """VALID with line `number` (1-based) replaced by `new` (which may span several lines)."""
    lines = VALID.splitlines(keepends=True)
    lines[number - 1] = new if new.endswith("\n") or not new else new + "\n"
    return "".join(lines)


def write_pack(root: Path, text: str, rel: str = "tone/no-sorry.yml") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def error_line(message: str, path: Path) -> int:
    """The line number the error message gives for `path` (``path:LINE``)."""
    assert str(path) in message, f"the error does not name the file {path}: {message!r}"
    match = re.search(re.escape(str(path)) + r":(\d+)", message)
    assert match, f"the error names {path} but gives no line number: {message!r}"
    return int(match.group(1))


BROKEN = {
    # name: (file text, plausible lines)
    "unknown-key": (replace_line(2, "severity: warning\nseverty: warning"), {3}),
    "unknown-nested-key": (replace_line(13, "  use_instead: Thank you.\n  sources: [x]"), {14}),
    "wrong-check-kind": (replace_line(6, "  kind: existance"), {5, 6}),
    "bad-regex": (replace_line(8, "  regex: ['(unclosed']"), {5, 6, 7, 8}),
    "positional-placeholder": (replace_line(3, "message: \"'{}' apologises for writing\""), {3}),
    "numbered-placeholder": (replace_line(4, "fix: \"Drop '{0}'\""), {4}),
    "id-key": (replace_line(2, "severity: warning\nid: tone.sorry"), {1, 2, 3}),
    "criterion-key": (replace_line(1, "criterion: tone\nsummary: Apologising"), {1}),
    "invalid-yaml": (replace_line(7, "  scope: body: extra"), {7}),
    "non-mapping": ("- summary: a list, not a mapping\n- severity: warning\n", {1}),
    "scalar-file": ("just a sentence\n", {1}),
    "missing-required": (replace_line(2, ""), {1}),
    "bad-severity": (replace_line(2, "severity: fatal"), {2}),
    "unknown-kind-name": (replace_line(2, "severity: warning\nkinds: [newsletter]"), {3}),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_rule_file_names_file_and_line(tmp_path, case):
    text, lines = BROKEN[case]
    path = write_pack(tmp_path, text)
    with pytest.raises(RuleLoadError) as info:
        load_pack(tmp_path)
    line = error_line(str(info.value), path)
    assert line in lines, f"{case}: line {line} is not one of {sorted(lines)}: {info.value}"


@pytest.mark.parametrize("rel", ["tone/extra/no-sorry.yml", "no-sorry.yml"])
def test_bad_path_depth(tmp_path, rel):
    path = write_pack(tmp_path, VALID, rel)
    with pytest.raises(RuleLoadError) as info:
        load_pack(tmp_path)
    line = error_line(str(info.value), path)
    assert line == 1, info.value


def test_missing_pack_folder(tmp_path):
    with pytest.raises(RuleLoadError) as info:
        load_pack(tmp_path / "nope")
    assert str(tmp_path / "nope") in str(info.value)


def test_broken_lexicon_names_file_and_line(tmp_path):
    write_pack(tmp_path, VALID)
    path = write_pack(tmp_path, "description: x\nphrases: [a]\nwords: [b]\n", "lexicons/extra.yml")
    with pytest.raises(RuleLoadError) as info:
        load_pack(tmp_path)
    assert error_line(str(info.value), path) == 3


def test_valid_user_pack_loads_with_id_from_path(tmp_path):
    write_pack(tmp_path, VALID)
    write_pack(tmp_path, VALID, "courtesy/apology.yml")
    pack = load_pack(tmp_path)
    ids = sorted(r.id for r in pack.rules)
    assert ids == ["courtesy.apology", "tone.no-sorry"]
    rule = pack.rule("tone.no-sorry")
    assert rule.criterion == "tone"
    assert rule.severity == "warning"
    assert rule.check.kind == "existence"
    assert pack.rule("courtesy.apology").criterion == "courtesy"


def test_builtin_pack_loads_and_is_cached():
    assert builtin_pack() is builtin_pack()
    assert builtin_pack().rules


def test_user_pack_rule_runs_in_a_linter(tmp_path):
    """A user pack selected through Config fires like a built-in rule (builds one extra Linter)."""
    from msgcheck import Config, Linter

    write_pack(tmp_path / "pack", VALID)
    config = Config(rule_packs=(tmp_path / "pack",), select=("tone.no-sorry",))
    linter = Linter(config)
    assert [r.id for r in linter.rules] == ["tone.no-sorry"]
    text = "Dear Dr. Alvarez,\n\nSorry to bother you, but could we talk?\n\nThank you,\nPriya"
    report = linter.check(text)
    assert rule_ids(report) == {"tone.no-sorry"}
    finding = report.findings[0]
    assert report.message.body[finding.start:finding.end].lower() == "sorry to bother you"
    assert report.criteria["tone"].score < 100
    assert rule_ids(linter.check("Dear Dr. Alvarez,\n\nThank you for your time.\n\nPriya")) == set()


def test_config_file_resolves_relative_rule_packs(tmp_path):
    from msgcheck.config import Config

    write_pack(tmp_path / "pack", VALID)
    config_file = tmp_path / "msgcheck.toml"
    config_file.write_text('rule_packs = ["pack"]\nignore = ["tone.urgency"]\n', encoding="utf-8")
    config = Config.from_file(config_file)
    assert config.rule_packs == (tmp_path / "pack",)
    assert not config.selects("tone.urgency")
    assert config.selects("tone.no-sorry")
