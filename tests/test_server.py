"""msgcheck serve, in process: FastAPI's TestClient and direct ASGI calls (fast edge cases).

The real server, as a subprocess, is exercised in test_server_live.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
import warnings
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from msgcheck import __version__
from msgcheck.cli import main
from msgcheck.formatters.json_format import result
from msgcheck.models import KIND_NAMES
from msgcheck.server import (
    DEFAULT_HOST,
    DEFAULT_MAX_BODY,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    JsonLineFormatter,
    ServerSettings,
    SettingsError,
    create_app,
)

with warnings.catch_warnings():  # starlette asks for httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
ADDON = "moz-extension://5f1c2a3b-8d0e-4c7a-9b6f-1e2d3c4b5a69"
DRAFT = {
    "subject": "IMG applicant - question about your catatonia grand rounds",
    "to": "Dr. Maria Alvarez <malvarez@univ.example.edu>",
    "from": "Priya Raman <priya.raman.md@gmail.com>",
    "body": "Dear Dr. Alvarez,\n\nMy name is Priya Raman, and I am an international medical "
            "graduate from India preparing to apply to psychiatry residency. I attended your "
            "grand rounds on catatonia last Tuesday. Please reply ASAP with a time for a call."
            "\n\nThank you,\nPriya Raman",
}
RFC822 = (
    b"Subject: Question\r\nTo: Dr. Maria Alvarez <malvarez@univ.example.edu>\r\n"
    b"From: Priya Raman <priya@example.org>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Dear Dr. Alvarez,\r\n\r\nI came across your profile and was impressed. Can you write me a "
    b"letter of recommendation? Please reply ASAP.\r\n\r\nPriya\r\n"
)


def client(app, **kwargs) -> TestClient:
    return TestClient(app, base_url=BASE, **kwargs)


@contextmanager
def started(app, token: str | None = None):
    """A TestClient whose app has finished loading (healthz no longer says "starting")."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    with client(app) as c:
        for _ in range(600):
            if c.get("/healthz", headers=headers).json()["status"] != "starting":
                break
            time.sleep(0.02)
        yield c


@pytest.fixture(scope="module")
def api(linter):
    """One app on the session's Linter, with its lifespan running (pipeline ready)."""
    with started(create_app(ServerSettings(port=PORT), linter)) as c:
        yield c


def error_of(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert {"code", "message"} <= set(body["error"])
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


# -- fakes --------------------------------------------------------------------------------------


class FakeLinter:
    """Stands in for a Linter: slow, failing or gated, without spaCy."""

    def __init__(self, delay=0.0, error: Exception | None = None, gate=None, load_error=None,
                 rules=()):
        self.delay, self.error, self.gate, self.load_error = delay, error, gate, load_error
        self.rules = rules
        self.calls = 0

    @property
    def pipeline(self):
        if self.gate is not None:
            self.gate.wait(10)
        if self.load_error is not None:
            raise self.load_error
        return SimpleNamespace(name="fake")

    def check(self, item, kind=None, **kwargs):
        self.calls += 1
        if self.calls > 1:  # the first call is the warm-up
            time.sleep(self.delay)
            if self.error is not None:
                raise self.error
        from msgcheck.models import Report

        return Report(kind=kind or "cold-email", score=100.0, criteria={}, findings=())


# -- endpoints ----------------------------------------------------------------------------------


def test_healthz_is_ready_after_startup(api):
    assert api.get("/healthz").json() == {
        "status": "ready", "version": __version__, "pipeline": api.app.app.state.msgcheck.pipeline}
    assert api.get("/healthz").json()["pipeline"]


def test_check_json_is_the_cli_json_result(api, linter):
    response = api.post("/v1/check", json=DRAFT)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = result(linter.check(dict(DRAFT)))
    assert response.json() == json.loads(json.dumps(expected))
    body = response.json()
    assert body["path"] is None
    assert "tone.urgency" in {f["rule"] for f in body["findings"]}
    assert DRAFT["body"] not in response.text  # results never carry the message text


def test_check_rfc822_is_the_cli_json_result(api, linter):
    response = api.post("/v1/check", content=RFC822,
                        headers={"content-type": "message/rfc822"})
    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(result(linter.check(RFC822))))
    rules = {f["rule"] for f in response.json()["findings"]}
    assert {"subject.vague", "tone.urgency", "ask.transactional"} <= rules


def test_check_kind_and_template(api):
    note = {"body": "Hi Dr. Lee, I enjoyed your APA talk on catatonia and would value a short "
                    "chat about your consult-liaison work. Would you be open to connecting?",
            "kind": "connection-note"}
    assert api.post("/v1/check", json=note).json()["kind"] == "connection-note"
    draft = {"body": "Dear {{first_name}},\n\nThank you for your talk on [topic].\n\nBest,\nSam",
             "kind": "thank-you"}
    plain = {f["rule"] for f in api.post("/v1/check", json=draft).json()["findings"]}
    as_template = api.post("/v1/check", json={**draft, "template": True}).json()
    assert "template.placeholder" in plain
    assert "template.placeholder" not in {f["rule"] for f in as_template["findings"]}


def test_check_accepts_json_with_charset(api):
    response = api.post("/v1/check", content=json.dumps(DRAFT).encode(),
                        headers={"content-type": "application/json; charset=utf-8"})
    assert response.status_code == 200


def test_check_empty_body_is_an_input_finding(api):
    body = api.post("/v1/check", json={"body": "   "}).json()
    assert [f["rule"] for f in body["findings"]] == ["input.empty"]


def test_rules_lists_the_rules_the_server_runs(api, linter):
    rules = api.get("/v1/rules").json()["rules"]
    assert [r["id"] for r in rules] == [r.id for r in linter.rules]
    for rule in rules:
        assert set(rule) == {"id", "criterion", "severity", "summary", "kinds"}
        assert rule["severity"] in ("error", "warning", "info")
        assert set(rule["kinds"]) <= set(KIND_NAMES)
    by_id = {r["id"]: r for r in rules}
    assert by_id["template.placeholder"]["severity"] == "error"
    assert by_id["ask.missing-materials"]["kinds"] == ["letter-request"]


def test_openapi_documents_both_request_types(api):
    schema = api.get("/openapi.json").json()
    assert set(schema["paths"]) == {"/healthz", "/v1/rules", "/v1/check"}
    content = schema["paths"]["/v1/check"]["post"]["requestBody"]["content"]
    assert set(content) == {"application/json", "message/rfc822"}
    request = schema["components"]["schemas"]["CheckRequest"]
    assert request["required"] == ["body"]
    assert {"subject", "body", "to", "from", "kind", "template"} == set(request["properties"])
    assert "security" not in schema
    # No /docs or /redoc: their pages fetch scripts from a CDN, which would not be offline.
    error_of(api.get("/docs"), 404, "not-found")


def test_openapi_declares_the_token_when_one_is_set(linter):
    with started(create_app(ServerSettings(port=PORT, token="s3cret"), linter), "s3cret") as c:
        schema = c.get("/openapi.json", headers={"authorization": "Bearer s3cret"}).json()
    assert schema["security"] == [{"bearer": []}]
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


# -- errors: every 4xx/5xx is {"error": {"code", "message"}} ------------------------------------


@pytest.mark.parametrize("payload", [b"{bad json", b"", b"[1, 2]", b'"body"', b"null"])
def test_bad_json_is_422(api, payload):
    error_of(api.post("/v1/check", content=payload,
                      headers={"content-type": "application/json"}), 422, "invalid-request")


@pytest.mark.parametrize("draft, field", [
    ({"subject": "Hi"}, "body"),
    ({"body": 3}, "body"),
    ({"body": "x", "kind": "memo"}, "kind"),
    ({"body": "x", "template": "maybe"}, "template"),
    ({"body": "x", "template": 0}, "template"),
    ({"body": "x", "subject": 1.5}, "subject"),
    ({"body": "x", "cc": "a@b.c"}, "cc"),
])
def test_invalid_fields_are_422_with_details(api, draft, field):
    error = error_of(api.post("/v1/check", json=draft), 422, "invalid-request")
    assert field in error["message"]
    assert any(d["loc"][:2] == ["body", field] for d in error["details"])
    for detail in error["details"]:
        assert set(detail) == {"loc", "msg", "type"}  # no echo of the input


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_other_media_types_are_415(api, content_type):
    headers = {"content-type": content_type} if content_type else {}
    error_of(api.post("/v1/check", content=b"body=hello", headers=headers), 415,
             "unsupported-media-type")


def test_unknown_path_and_method(api):
    error_of(api.get("/v1/nothing"), 404, "not-found")
    response = api.get("/v1/check")
    error_of(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "POST"


def test_internal_error_is_a_json_500_and_logs_no_text(caplog):
    marker = "SECRET-DRAFT-TEXT-7d41"
    app = create_app(ServerSettings(port=PORT), FakeLinter(error=ValueError(marker)))
    with caplog.at_level(logging.INFO, logger="msgcheck.server"), client(app) as c:
        error_of(c.post("/v1/check", json={"body": marker}), 500, "internal-error")
    lines = [JsonLineFormatter().format(r) for r in caplog.records]
    assert any('"error": "ValueError"' in line for line in lines)
    assert not any(marker in line for line in lines)


# -- Host, Origin, token ------------------------------------------------------------------------


@pytest.mark.parametrize("host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"[::1]:{PORT}",
                                  f"LOCALHOST:{PORT}"])
def test_loopback_host_headers_are_accepted(api, host):
    assert api.get("/healthz", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{PORT}", "127.0.0.1",
                                  "127.0.0.1:9999", f"127.0.0.1.evil.example:{PORT}", ""])
def test_other_host_headers_are_refused(api, host):
    error_of(api.post("/v1/check", json=DRAFT, headers={"host": host}), 421, "host-not-allowed")


def test_addon_origin_gets_cors_headers(api):
    response = api.post("/v1/check", json=DRAFT, headers={"origin": ADDON})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ADDON
    assert "Origin" in response.headers["vary"]
    # Errors carry them too, so the add-in can read why.
    response = api.post("/v1/check", json={}, headers={"origin": ADDON})
    error_of(response, 422)
    assert response.headers["access-control-allow-origin"] == ADDON


def test_addon_preflight(api):
    response = api.options("/v1/check", headers={
        "origin": ADDON, "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type"})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ADDON
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "moz-extension://",
                                    f"{ADDON}.evil.example", "chrome-extension://abcdef",
                                    f"http://127.0.0.1:{PORT}"])
def test_other_origins_are_refused(api, origin):
    error_of(api.post("/v1/check", json=DRAFT, headers={"origin": origin}), 403,
             "origin-not-allowed")
    error_of(api.options("/v1/check", headers={"origin": origin,
                                               "access-control-request-method": "POST"}), 403)


def test_allow_origin_option(linter):
    settings = ServerSettings(port=PORT, allow_origins=("http://localhost:3000/",))
    with client(create_app(settings, linter)) as c:
        response = c.get("/healthz", headers={"origin": "http://localhost:3000"})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
        error_of(c.get("/healthz", headers={"origin": "http://localhost:3001"}), 403)


def test_token_is_required_on_every_request(linter):
    settings = ServerSettings(port=PORT, token="s3cret-token")
    with started(create_app(settings, linter), "s3cret-token") as c:
        for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": "s3cret-token"},
                        {"authorization": "Basic s3cret-token"},
                        {"authorization": "Bearer s3cret-token-and-more"}):
            for response in (c.get("/healthz", headers=headers),
                             c.post("/v1/check", json=DRAFT, headers=headers),
                             c.get("/openapi.json", headers=headers)):
                error_of(response, 401, "unauthorized")
                assert response.headers["www-authenticate"] == "Bearer"
        ok = {"authorization": "Bearer s3cret-token"}
        assert c.post("/v1/check", json=DRAFT, headers=ok).status_code == 200
        assert c.get("/healthz", headers={"authorization": "bearer s3cret-token"}).status_code == 200
        # A browser's preflight carries no credentials: answered without the token.
        preflight = c.options("/v1/check", headers={
            "origin": ADDON, "access-control-request-method": "POST"})
        assert preflight.status_code == 204


# -- limits -------------------------------------------------------------------------------------


def test_body_over_the_limit_is_413(linter):
    with client(create_app(ServerSettings(port=PORT, max_body=2000), linter)) as c:
        error_of(c.post("/v1/check", json={"body": "x" * 3000}), 413, "body-too-large")
        assert c.post("/v1/check", json={"body": "Thanks. " * 200}).status_code == 200


def _asgi_call(app, chunks, *, headers=(), delay=0.0):
    """Call the ASGI app with a body sent in chunks; returns (status, body, chunks read)."""
    read = {"count": 0}
    sent: list[dict] = []

    async def receive():
        if read["count"] < len(chunks):
            if delay:
                await asyncio.sleep(delay)
            read["count"] += 1
            return {"type": "http.request", "body": chunks[read["count"] - 1],
                    "more_body": read["count"] < len(chunks)}
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/v1/check", "raw_path": b"/v1/check",
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 5000),
             "server": ("127.0.0.1", PORT),
             "headers": [(b"host", f"127.0.0.1:{PORT}".encode()),
                         (b"content-type", b"message/rfc822"), *headers]}
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), read["count"]


def test_body_limit_stops_reading_a_stream():
    """A chunked body is refused as soon as it passes the limit; the rest is never read."""
    fake = FakeLinter()
    app = create_app(ServerSettings(port=PORT, max_body=10_000), fake)
    status, body, read = _asgi_call(app, [b"a" * 4096] * 100)
    assert status == 413 and body["error"]["code"] == "body-too-large"
    assert read == 3  # 12,288 bytes > 10,000: stopped there, 97 chunks never read
    assert fake.calls == 0


def test_declared_length_over_the_limit_is_refused_before_reading():
    app = create_app(ServerSettings(port=PORT, max_body=10_000), FakeLinter())
    status, _, read = _asgi_call(app, [b"a" * 100], headers=[(b"content-length", b"20000")])
    assert status == 413 and read == 0
    status, body, _ = _asgi_call(app, [b"a"], headers=[(b"content-length", b"12x")])
    assert status == 400 and body["error"]["code"] == "bad-request"


def test_slow_body_is_408():
    app = create_app(ServerSettings(port=PORT, timeout=0.3), FakeLinter())
    status, body, _ = _asgi_call(app, [b"a"] * 10, delay=0.1)
    assert status == 408 and body["error"]["code"] == "request-timeout"


def test_slow_check_is_504_and_the_loop_stays_responsive():
    fake = FakeLinter(delay=1.5)
    with started(create_app(ServerSettings(port=PORT, timeout=0.5), fake)) as c:
        done = {}
        thread = threading.Thread(target=lambda: done.update(
            response=c.post("/v1/check", json={"body": "Dear Dr. Lee, thanks."})))
        began = time.perf_counter()
        thread.start()
        time.sleep(0.1)
        health_started = time.perf_counter()
        assert c.get("/healthz").json()["status"] == "ready"
        assert time.perf_counter() - health_started < 0.4  # answered while the check runs
        thread.join(5)
        error_of(done["response"], 504, "timeout")
        assert time.perf_counter() - began < 1.4  # did not wait for the check to finish


def test_starting_then_ready(linter):
    gate = threading.Event()
    fake = FakeLinter(gate=gate)
    with client(create_app(ServerSettings(port=PORT), fake)) as c:
        assert c.get("/healthz").json() == {"status": "starting", "version": __version__,
                                            "pipeline": None}
        done = {}
        thread = threading.Thread(target=lambda: done.update(
            response=c.post("/v1/check", json={"body": "Dear Dr. Lee, thanks."})))
        thread.start()
        time.sleep(0.2)
        assert "response" not in done  # a check waits for the pipeline
        gate.set()
        thread.join(5)
        assert done["response"].status_code == 200
        assert c.get("/healthz").json()["status"] == "ready"


def test_pipeline_failure_is_reported(caplog):
    fake = FakeLinter(load_error=RuntimeError("broken model"))
    with started(create_app(ServerSettings(port=PORT), fake)) as c:
        assert c.get("/healthz").json()["status"] == "failed"
        error_of(c.post("/v1/check", json={"body": "x"}), 503, "not-ready")


def test_default_kind_and_template_from_settings(linter):
    app = create_app(ServerSettings(port=PORT), linter, default_kind="follow-up")
    with client(app) as c:
        assert c.post("/v1/check", json={"body": "Dear Dr. Lee, thanks."}).json()["kind"] == \
            "follow-up"
        assert c.post("/v1/check", json={"body": "Dear Dr. Lee, thanks.",
                                         "kind": "update"}).json()["kind"] == "update"


# -- access log ---------------------------------------------------------------------------------


def test_access_log_lines_hold_no_message_text(api, caplog):
    marker = "ZQX-UNIQUE-MARKER-93f1"
    with caplog.at_level(logging.INFO, logger="msgcheck.server"):
        api.post("/v1/check", json={**DRAFT, "subject": marker, "body": DRAFT["body"] + marker,
                                    "to": f"{marker} <{marker}@example.org>"})
        api.post("/v1/check", json={"body": marker, "kind": marker})
        api.post("/v1/check", content=RFC822.replace(b"Question", marker.encode()),
                 headers={"content-type": "message/rfc822"})
        api.post(f"/v1/check?{marker}=1", json={"body": marker})
    lines = [JsonLineFormatter().format(r) for r in caplog.records
             if r.name == "msgcheck.server"]
    assert len(lines) == 4
    for line in lines:
        assert marker not in line
        entry = json.loads(line)
        assert {"method", "path", "status", "duration_ms", "bytes"} <= set(entry)
        assert entry["path"] == "/v1/check"
    assert [json.loads(line)["status"] for line in lines] == [200, 422, 200, 200]


# -- settings and the command -------------------------------------------------------------------


def test_settings_refuse_a_public_address_without_token():
    with pytest.raises(SettingsError, match="--token"):
        ServerSettings(host="0.0.0.0")
    with pytest.raises(SettingsError, match="--token"):
        ServerSettings(host="192.0.2.10")
    with pytest.raises(SettingsError):
        ServerSettings(host="192.0.2.10", token="  ")
    assert ServerSettings(host="192.0.2.10", token="t").allowed_hosts == {
        "127.0.0.1:8765", "localhost:8765", "[::1]:8765", "192.0.2.10:8765"}
    assert ServerSettings(host="0.0.0.0", token="t").allowed_hosts is None  # the token guards
    assert "[::1]:8765" in ServerSettings(host="::1").allowed_hosts
    assert "127.0.0.2:8765" in ServerSettings(host="127.0.0.2").allowed_hosts
    assert "localhost" in ServerSettings(port=80).allowed_hosts
    with pytest.raises(SettingsError, match="origin"):
        ServerSettings(allow_origins=("localhost:3000",))


def test_serve_refuses_a_public_address_without_token():
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--token" in result.output


def test_serve_refuses_a_bad_config(tmp_path):
    bad = tmp_path / "msgcheck.toml"
    bad.write_text("kind = 'memo'\n")
    result = CliRunner().invoke(main, ["serve", "--config", str(bad)])
    assert result.exit_code == 2


def test_serve_defaults_match_the_server_module():
    params = {p.name: p.default for p in main.commands["serve"].params}
    assert params["host"] == DEFAULT_HOST
    assert params["port"] == DEFAULT_PORT
    assert params["max_body"] == DEFAULT_MAX_BODY
    assert params["timeout"] == DEFAULT_TIMEOUT
