"""LanguageTool integration against a loopback server speaking LanguageTool's HTTP API.

The fake server answers ``/v2/languages`` and ``/v2/check`` in the documented response format
(https://languagetool.org/http-api/): offsets and lengths in UTF-16 code units, as the Java
server counts them. A live test runs against a real server when MSGCHECK_LANGUAGETOOL_URL is set.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import assert_well_formed

import msgcheck
from msgcheck.config import Config, ConfigError, LanguageToolSettings
from msgcheck.loader import builtin_pack

LANGUAGES = [
    {"name": "English (US)", "code": "en", "longCode": "en-US"},
    {"name": "English", "code": "en", "longCode": "en"},
]
# (pattern, LanguageTool rule id, category, message, replacement)
FAKE_RULES = [
    (r"\ban (?=few\b)", "EN_A_VS_AN", "MISC", "Use “a” instead of “an”.", "a "),
    (r"\bthere car\b", "THEIR_IS", "GRAMMAR", "Did you mean “their”?", "their car"),
    (r"\bteh\b", "MORFOLOGIK_RULE_EN_US", "TYPOS", "Possible spelling mistake.", "the"),
    (r"\bAlvarezz\b", "MORFOLOGIK_RULE_EN_US", "TYPOS", "Possible spelling mistake.", "Alvarez"),
    (r"example\.edu", "URL_CHECK", "MISC", "Strange domain.", "example.org"),
]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def lt_match(text: str, start: int, end: int, rule: str, category: str, message: str,
             replacement: str) -> dict:
    """One match as LanguageTool's /v2/check documents it."""
    return {
        "message": message,
        "shortMessage": "",
        "replacements": [{"value": replacement}],
        "offset": utf16_len(text[:start]),
        "length": utf16_len(text[start:end]),
        "context": {"text": text[max(0, start - 20):end + 20], "offset": min(start, 20),
                    "length": utf16_len(text[start:end])},
        "sentence": text[start:end],
        "type": {"typeName": "Other"},
        "rule": {"id": rule, "description": message, "issueType": "grammar",
                 "category": {"id": category, "name": category.title()}},
        "ignoreForIncompleteSentence": False,
        "contextForSureMatch": 1,
    }


class FakeLanguageTool(BaseHTTPRequestHandler):
    mode = "ok"
    requests: list[dict] = []

    def log_message(self, *args):  # keep test output clean
        pass

    def _send(self, status: int, body: str, content_type: str = "application/json") -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except BrokenPipeError:  # the client gave up (the timeout test): expected
            pass

    def do_GET(self):
        if self.path.startswith("/v2/languages"):
            self._send(200, json.dumps(LANGUAGES))
        else:
            self._send(404, "{}")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        params = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode()).items()}
        type(self).requests.append(params)
        mode = type(self).mode
        if mode == "slow":
            time.sleep(2.0)
        if mode == "error":
            return self._send(500, "Internal error", "text/plain")
        if mode == "badjson":
            return self._send(200, "<html>not json</html>", "text/html")
        text = params.get("text", "")
        disabled = set(filter(None, params.get("disabledCategories", "").split(",")))
        matches = [
            lt_match(text, m.start(), m.end(), rule, category, message, replacement)
            for pattern, rule, category, message, replacement in FAKE_RULES
            if category not in disabled
            for m in re.finditer(pattern, text)
        ]
        self._send(200, json.dumps({
            "software": {"name": "LanguageTool", "version": "6.4", "apiVersion": 1},
            "language": {"name": "English (US)", "code": "en-US"},
            "matches": sorted(matches, key=lambda m: m["offset"]),
        }))


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeLanguageTool)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def fake(server):
    FakeLanguageTool.mode = "ok"
    FakeLanguageTool.requests = []
    return server


def lt_linter(url: str, **settings) -> msgcheck.Linter:
    return msgcheck.Linter(Config(languagetool=LanguageToolSettings(url=url, **settings)))


@pytest.fixture(scope="module")
def lt(server):
    return lt_linter(server, timeout=1.0)


MESSAGE = (
    "Subject: IMG applicant - question about your catatonia grand rounds\n\n"
    "Dear Dr. Alvarez,\n\n"
    "{body}\n\n"
    "Thank you for considering my request.\n\nSincerely,\nPriya Raman\n"
)


def grammar(report):
    return [f for f in report.findings if f.rule.startswith("grammar.")]


def test_offsets_after_emoji_and_non_ascii_are_python_offsets(fake, lt):
    body = "I loved your talk 🙂 on São Paulo clinics. Could you spare an few minutes for a call?"
    report = lt.check(MESSAGE.format(body=body))
    assert_well_formed(report)
    found = grammar(report)
    assert [f.rule for f in found] == ["grammar.en-a-vs-an"]
    f = found[0]
    assert report.message.body[f.start:f.end] == "an "
    assert f.suggestion.edits[0].replacement == "a "
    assert f.criterion == "grammar" and f.severity == "warning"


def test_several_matches_each_mapped(fake, lt):
    body = "My friend left there car at the clinic. Could you spare an few minutes on Zoom?"
    found = grammar(lt.check(MESSAGE.format(body=body)))
    assert sorted(f.rule for f in found) == ["grammar.en-a-vs-an", "grammar.their-is"]


def test_matches_on_names_urls_emails_and_placeholders_are_dropped(fake, lt):
    body = ("I met Dr. Alvarezz at the clinic (see https://example.edu/rounds or "
            "mail me at priya@example.edu). Could you spare a few minutes?")
    report = lt.check(MESSAGE.format(body=body))
    assert grammar(report) == []


def test_typos_category_is_left_to_the_offline_speller_by_default(fake, lt):
    lt.check(MESSAGE.format(body="Could you spare teh few minutes for a call?"))
    assert FakeLanguageTool.requests[-1]["disabledCategories"] == "TYPOS"


def test_disabled_rules_are_sent(fake, server):
    linter = lt_linter(server, disabled_rules=("EN_A_VS_AN",), disabled_categories=())
    linter.check(MESSAGE.format(body="Could you spare an few minutes for a call?"))
    sent = FakeLanguageTool.requests[-1]
    assert sent["disabledRules"] == "EN_A_VS_AN" and sent["language"] == "en-US"


def test_only_the_new_text_is_sent(fake, lt):
    text = MESSAGE.format(body="Could you spare a few minutes for a call?") + (
        "\nOn Tue, Mar 4, 2025 at 9:12 AM Dr. Alvarez <ma@example.edu> wrote:\n"
        "> Please send me an few dates.\n")
    report = lt.check(text)
    assert "an few dates" not in FakeLanguageTool.requests[-1]["text"]
    assert grammar(report) == []


@pytest.mark.parametrize("mode", ["error", "badjson", "slow"])
def test_a_failing_server_gives_one_info_finding_and_keeps_the_rest(fake, lt, mode):
    FakeLanguageTool.mode = mode
    report = lt.check(MESSAGE.format(body="Please reply ASAP."))
    assert_well_formed(report)
    rules = [f.rule for f in report.findings]
    assert rules.count("internal.grammar-unavailable") == 1
    unavailable = next(f for f in report.findings if f.rule == "internal.grammar-unavailable")
    assert unavailable.severity == "info"
    assert "tone.urgency" in rules


def test_a_dead_server_is_unavailable_not_a_crash():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    report = lt_linter(f"http://127.0.0.1:{port}", timeout=0.5).check(
        MESSAGE.format(body="Could you spare a few minutes for a call?"))
    rules = [f.rule for f in report.findings]
    assert rules.count("internal.grammar-unavailable") == 1
    assert not grammar(report)


def test_missing_local_install_is_unavailable(tmp_path):
    linter = msgcheck.Linter(Config(languagetool=LanguageToolSettings(path=tmp_path)))
    report = linter.check(MESSAGE.format(body="Could you spare a few minutes for a call?"))
    assert "internal.grammar-unavailable" in report.rule_ids()


def test_without_configuration_no_connection_is_attempted(no_network):
    report = msgcheck.Linter().check(MESSAGE.format(body="Could you spare an few minutes?"))
    assert_well_formed(report)
    assert no_network == []
    assert grammar(report) == []


@pytest.mark.parametrize(("settings", "allowed"), [
    ({"url": "http://localhost:8081"}, True),
    ({"url": "http://127.0.0.1:8081/"}, True),
    ({"url": "http://[::1]:8081"}, True),
    ({"url": "https://api.languagetoolplus.com"}, False),
    ({"url": "http://192.168.1.20:8081"}, False),
    ({"url": "https://api.languagetoolplus.com", "allow_remote": True}, True),
    ({"url": "ftp://localhost"}, False),
    ({}, False),
    ({"url": "http://localhost:8081", "path": "/opt/LanguageTool"}, False),
])
def test_remote_servers_need_an_explicit_opt_in(settings, allowed):
    if allowed:
        LanguageToolSettings(**settings)
    else:
        with pytest.raises(ValueError):
            LanguageToolSettings(**settings)


def test_settings_file_errors_name_the_key(tmp_path):
    path = tmp_path / "msgcheck.toml"
    path.write_text('[languagetool]\nurl = "https://api.languagetoolplus.com"\n')
    with pytest.raises(ConfigError, match="languagetool"):
        Config.from_file(path)


def test_rule_examples_against_the_server(fake, lt):
    rule = builtin_pack().rule("grammar.languagetool")
    for example in rule.examples.invalid:
        assert grammar(lt.check(example.text, kind=example.kind)), example.text
    for example in rule.examples.valid:
        assert grammar(lt.check(example.text, kind=example.kind)) == [], example.text


@pytest.mark.skipif(not os.environ.get("MSGCHECK_LANGUAGETOOL_URL"),
                    reason="set MSGCHECK_LANGUAGETOOL_URL to test against a real LanguageTool")
def test_live_server():
    url = os.environ["MSGCHECK_LANGUAGETOOL_URL"]
    linter = msgcheck.Linter(Config(languagetool=LanguageToolSettings(
        url=url, allow_remote=True, timeout=20)))
    report = linter.check(MESSAGE.format(body="Could you spare an few minutes for a call?"))
    assert "internal.grammar-unavailable" not in report.rule_ids()
    assert any(f.rule.startswith("grammar.") for f in report.findings)
