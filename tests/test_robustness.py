"""Hostile and odd input: never an exception, always a Report with a score in 0..100."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import FIXTURES, assert_well_formed, describe, only_input_error, rule_ids

from msgcheck.cli import main
from msgcheck.language import looks_english

GOOD = (FIXTURES / "good-cold-email.txt").read_text(encoding="utf-8")
TEN_MB = 10 * 1024 * 1024

FRENCH = (
    "Objet : Question sur votre programme\n\n"
    "Bonjour Docteur Martin,\n\n"
    "Je suis un médecin diplômé à l'étranger et je voudrais vous poser quelques questions sur votre "
    "programme de psychiatrie. J'ai assisté à votre conférence sur la catatonie le mois dernier et "
    "elle m'a beaucoup appris. Seriez-vous disponible pour un appel de quinze minutes la semaine "
    "prochaine ?\n\n"
    "Je vous remercie par avance de votre temps.\n\n"
    "Cordialement,\nPierre Dupont"
)
CHINESE = (
    "尊敬的王医生：\n\n"
    "您好！我是一名国际医学毕业生，正在申请美国的精神科住院医师项目。我读了您关于抑郁症的论文，"
    "非常受启发。请问您下周是否有十五分钟时间进行一次简短的视频通话？\n\n"
    "谢谢您的时间！\n李明"
)


# -- empty, huge, binary ---------------------------------------------------------------------------


@pytest.mark.parametrize("item", ["", "   \n\t \n", "\n\n\n", b"", b"   \r\n", "\ufeff"],
                         ids=["empty", "whitespace", "newlines", "empty-bytes", "ws-bytes", "bom"])
def test_empty_input(linter, item):
    only_input_error(linter.check(item), "input.empty")


def test_headers_only_is_empty(linter):
    only_input_error(linter.check("Subject: Question about your talk\nTo: Dr. Lee <l@x.edu>\n\n"),
                     "input.empty")


@pytest.mark.parametrize("kind", ["str", "bytes"])
def test_ten_megabytes_is_refused_fast(linter, kind):
    item = ("Dear Dr. Alvarez, " * (TEN_MB // 18 + 1))
    item = item.encode() if kind == "bytes" else item
    assert len(item) >= TEN_MB
    start = time.perf_counter()
    report = linter.check(item)
    elapsed = time.perf_counter() - start
    only_input_error(report, "input.too-large")
    assert elapsed < 2.0, f"refusing {kind} took {elapsed:.2f}s"


def test_ten_megabyte_file_is_refused_fast(linter, tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * TEN_MB)
    start = time.perf_counter()
    only_input_error(linter.check(path), "input.too-large")
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
        b"Dear Dr. Alvarez,\x00\x00\x00\x00 hello",
        bytes(range(32)) * 50,
        b"%PDF-1.7\n\x00\x01\x02\x03" + b"\xff" * 100,
    ],
    ids=["png", "nul-in-text", "control-bytes", "pdf"],
)
def test_binary_bytes(linter, data):
    only_input_error(linter.check(data), "input.binary")


def test_binary_file(linter, tmp_path):
    path = tmp_path / "photo.eml"
    path.write_bytes(b"\x00\xff\xfe" * 1000)
    report = linter.check(path)
    only_input_error(report, "input.binary")
    assert report.path == str(path)


@pytest.mark.parametrize("what", ["missing", "directory"])
def test_unreadable_path(linter, tmp_path, what):
    path = tmp_path / "nope.txt" if what == "missing" else tmp_path
    report = linter.check(path)
    only_input_error(report, "input.unreadable")
    assert report.path == str(path)


# -- encodings -------------------------------------------------------------------------------------


def test_cp1252_bytes_are_decoded(linter):
    text = GOOD.replace("Dear Dr. Alvarez,", "Dear Dr. Müller,").replace(
        "I attended", "I’m an IMG who attended").replace("Zoom call", "Zoom call – ideally")
    data = text.encode("cp1252")
    try:
        data.decode("utf-8")
        pytest.fail("test bug: the sample must not be valid UTF-8")
    except UnicodeDecodeError:
        pass
    report = linter.check(data)
    assert_well_formed(report)
    assert not [f for f in report.findings if f.rule.startswith("input.")], describe(report)
    body = report.message.body
    assert "Dear Dr. Müller," in body and "I’m an IMG" in body and "call – ideally" in body


def test_latin1_invalid_utf8_never_fails(linter):
    data = bytes(range(0x80, 0x100)) + b"\n\nDear Dr. Alvarez,\n\nThank you.\n"
    report = linter.check(data)
    assert_well_formed(report)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_text_in_a_unicode_encoding_with_bom(linter, encoding):
    """Windows editors save "Unicode" text as UTF-16 with a BOM; it is text, not binary."""
    report = linter.check(GOOD.encode(encoding))
    assert_well_formed(report)
    assert not report.findings, describe(report)
    assert report.message.subject == "IMG applicant - question about your catatonia grand rounds"


# -- other languages and odd characters -----------------------------------------------------------


@pytest.mark.parametrize("text", [FRENCH, CHINESE], ids=["french", "chinese"])
@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_non_english_is_reported_not_judged(linter, text, as_bytes):
    report = linter.check(text.encode("utf-8") if as_bytes else text)
    assert_well_formed(report)
    assert [f.rule for f in report.findings] == ["input.unsupported-language"], describe(report)
    assert report.findings[0].severity == "info"


def test_english_with_a_few_foreign_words_is_english(linter):
    text = GOOD.replace("Sincerely,", "Merci beaucoup et à bientôt,\nSincerely,")
    report = linter.check(text)
    assert "input.unsupported-language" not in rule_ids(report), describe(report)


def test_a_short_note_signed_with_addresses_is_english(linter):
    """The pieces of an e-mail address and a link outnumbered the ten words of prose, and the note
    was reported as not English with every rule skipped."""
    text = ("To: Dr. Maya Okafor <mokafor@riverside.example.edu>\n\nDear Dr. Okafor,\n\n"
            "Thanks for showing me the ICU delirium CAM-ICU screen today!\n\nBest wishes,\n"
            "Tomasz Nowak MD MPH\ntomasz.nowak.md@gmail.com\nhttps://www.example.org/tnowak\n")
    report = linter.check(text, kind="thank-you")
    assert {"subject.missing", "length.too-short"} <= rule_ids(report), describe(report)
    assert "input.unsupported-language" not in rule_ids(report), describe(report)


def test_a_long_run_without_spaces_is_judged_quickly():
    started = time.perf_counter()
    assert looks_english("x" * 20_000 + "@")
    assert time.perf_counter() - started < 0.05


def test_emoji(linter):
    text = GOOD.replace("Thank you for considering my request.",
                        "Thank you for considering my request 🙏🏽🙂 👩‍⚕️ 🇮🇳!")
    text = text.replace("Subject: IMG applicant", "Subject: 🧠 IMG applicant")
    report = linter.check(text)
    assert_well_formed(report)
    assert not [f for f in report.findings if f.rule.startswith("input.")]


def test_emoji_spans_are_code_point_offsets(linter):
    text = GOOD.replace("Thank you for considering my request.",
                        "🙏🏽🙂 Thank you for considering my request, please reply ASAP.")
    report = linter.check(text)
    (f,) = [f for f in report.findings if f.rule == "tone.urgency"]
    assert report.message.body[f.start:f.end] == "ASAP"


def test_zero_width_and_control_characters(linter):
    text = GOOD.replace("Dear", "\u200bDear").replace("Zoom", "Zo\u200com").replace(
        "Thank you", "Thank\u200d you").replace("Sincerely", "\u2060Sincerely")
    report = linter.check("\ufeff" + text + "\u00ad\u202e")
    assert_well_formed(report)
    flagged = linter.check(text.replace("considering my request.", "considering my request. Reply A\u200bSAP."))
    assert_well_formed(flagged)


def test_lone_surrogates_do_not_crash(linter):
    report = linter.check(GOOD.replace("Zoom", "Zoom \udcff"))
    assert_well_formed(report)


# -- pathological structure ------------------------------------------------------------------------


def header_block(lines: int) -> str:
    return "Subject: Question about your catatonia grand rounds\n" + "".join(
        f"X-Trace-{i}: hop {i} via relay{i}.example.org\n" for i in range(lines))


@pytest.mark.parametrize("as_bytes", [False, True], ids=["str", "bytes"])
def test_five_thousand_header_lines(linter, as_bytes):
    text = header_block(5000) + "\n" + GOOD.split("\n\n", 1)[1]
    start = time.perf_counter()
    report = linter.check(text.encode() if as_bytes else text)
    assert_well_formed(report)
    assert time.perf_counter() - start < 10


def test_malformed_mime_bad_boundary(linter):
    eml = (
        b"MIME-Version: 1.0\nSubject: Question about your catatonia grand rounds\n"
        b'Content-Type: multipart/mixed; boundary="AAA"\n\n'
        b"--BBB\nContent-Type: text/plain\n\nDear Dr. Lee,\n\nWould you have time for a call?\n--BBB--\n"
    )
    report = linter.check(eml)
    assert_well_formed(report)


@pytest.mark.parametrize(
    "eml",
    [
        b"MIME-Version: 1.0\nContent-Type: multipart/mixed\n\nno boundary parameter at all\n",
        b"MIME-Version: 1.0\nContent-Type: text/plain; charset=x-no-such-charset\n\nDear Dr. Lee, hello.\n",
        b"MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!\n",
        b"MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n=ZZ=\n=E2=80\n",
        b"MIME-Version: 1.0\nSubject: =?utf-8?b?broken?=\nTo: =?bogus?q?x?= <<<@@>>\nDate: not a date\n\nHi.\n",
        b"Content-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n",
        b"Received: from x\n\n",
    ],
    ids=["no-boundary", "bad-charset", "bad-base64", "bad-qp", "bad-headers", "image-only", "headers-only"],
)
def test_malformed_mime(linter, eml):
    assert_well_formed(linter.check(eml))


def test_deeply_nested_multipart(linter):
    depth = 300
    eml = b'MIME-Version: 1.0\nSubject: deep\nContent-Type: multipart/mixed; boundary="b0"\n\n'
    for i in range(1, depth):
        eml += b'--b%d\nContent-Type: multipart/mixed; boundary="b%d"\n\n' % (i - 1, i)
    eml += b"--b%d\nContent-Type: text/plain\n\nDear Dr. Lee,\n\nHello.\n" % (depth - 1)
    for i in range(depth - 1, -1, -1):
        eml += b"--b%d--\n" % i
    assert_well_formed(linter.check(eml))


def test_deeply_nested_html(linter):
    eml = (b"MIME-Version: 1.0\nContent-Type: text/html\n\n" + b"<div><blockquote>" * 5000
           + b"Dear Dr. Lee, would you have time for a call?" + b"</blockquote></div>" * 5000)
    assert_well_formed(linter.check(eml))


def test_deeply_nested_quotes(linter):
    text = GOOD + "\n" + "\n".join(">" * i + " older reply text" for i in range(1, 1500))
    report = linter.check(text)
    assert_well_formed(report)
    assert report.sections.quoted is not None


def test_deeply_nested_front_matter_yaml(linter):
    nested = "a: " + "[" * 2000 + "]" * 2000
    report = linter.check(f"---\n{nested}\n---\n" + GOOD)
    assert_well_formed(report)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("---\nkind: newsletter\n---\nDear Dr. Lee,\n\nHello.", "input.unknown-kind"),
        ("---\n[unclosed\n---\nDear Dr. Lee,\n\nHello.", "input.front-matter"),
        ("---\n- a list\n---\nDear Dr. Lee,\n\nHello.", "input.front-matter"),
    ],
)
def test_bad_metadata(linter, text, rule):
    only_input_error(linter.check(text), rule)


def test_unknown_kind_argument(linter):
    only_input_error(linter.check(GOOD, kind="newsletter"), "input.unknown-kind")
    only_input_error(linter.check({"body": GOOD, "kind": "newsletter"}), "input.unknown-kind")


def test_very_long_single_line(linter):
    line = "I am very interested in psychiatry and research " * 400
    report = linter.check("Dear Dr. Lee,\n\n" + line + "\n\nThank you,\nPriya")
    assert_well_formed(report)
    assert "length.too-long" in rule_ids(report)


# -- CLI batch with a bad file ---------------------------------------------------------------------


def test_cli_directory_with_a_binary_file_reports_the_others(tmp_path):
    (tmp_path / "a-good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b-binary.eml").write_bytes(b"\x00\x01\x02binary\x00" * 100)
    (tmp_path / "c-good.txt").write_text(GOOD, encoding="utf-8")
    # Two copies of one email: --no-batch keeps batch.near-duplicate out of this test.
    result = CliRunner().invoke(main, ["check", "--no-batch", "--format", "json", str(tmp_path)])
    assert result.exit_code == 1, result.output
    results = json.loads(result.stdout)["results"]
    assert [Path(r["path"]).name for r in results] == ["a-good.txt", "b-binary.eml", "c-good.txt"]
    assert [f["rule"] for f in results[1]["findings"]] == ["input.binary"]
    for r in (results[0], results[2]):
        assert r["findings"] == [] and r["score"] == 100


def test_cli_missing_file_does_not_abort_the_batch(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    missing = tmp_path / "missing.txt"
    result = CliRunner().invoke(main, ["check", "--format", "json", str(missing), str(good)])
    assert result.exit_code == 1, result.output
    results = json.loads(result.stdout)["results"]
    assert [r["path"] for r in results] == [str(missing), str(good)]
    assert [f["rule"] for f in results[0]["findings"]] == ["input.unreadable"]
    assert results[1]["findings"] == []


# -- real-world mail (development data, optional) --------------------------------------------------


def test_every_eml_dev_file_is_handled(linter, shared_dir):
    root = shared_dir / "data" / "eml-dev"
    if not root.is_dir():
        pytest.skip(f"{root} is not present")
    files = sorted(p for p in root.rglob("*") if p.is_file())
    assert files
    outcomes: Counter[str] = Counter()
    crashes = []
    for path in files:
        try:
            report = linter.check(path)
            assert_well_formed(report)
        except Exception as exc:  # noqa: BLE001 - the point is to collect every failure
            crashes.append(f"{path.relative_to(root)}: {type(exc).__name__}: {exc}"[:300])
            continue
        first = report.findings[0].rule if report.findings else ""
        outcomes[first if first.startswith("input.") else "checked"] += 1
    summary = f"{len(files)} files: {dict(outcomes)}; {len(crashes)} crashed"
    assert not crashes, summary + "\n" + "\n".join(crashes)
    assert outcomes["checked"] > 0, summary
