"""``msgcheck serve``: a local HTTP server for pre-send checks in mail clients (docs/server.md).

One :class:`~msgcheck.engine.Linter` per server, its spaCy pipeline loaded once at start-up (in
the app's lifespan, warmed with one check); each check runs in a small thread pool so the event
loop keeps answering while the NLP (serialised by the Linter) works. With ``--workers N``, N
processes check in parallel instead, each with its own Linter (msgcheck.worker_pool).

Every HTTP request first passes :class:`Guard`, a plain ASGI middleware that, in order:
checks the ``Host`` header (DNS rebinding), the ``Origin`` (only the add-in's ``moz-extension://``
origins and ``--allow-origin`` values; CORS headers for those, preflights answered), the bearer
token (when one is set), reads the body up to ``max_body`` bytes (413 as soon as it is exceeded)
and bounds the whole request by ``timeout`` seconds (504). It writes one JSON access-log line
per request, which never holds message text, and turns any unexpected exception into a JSON 500.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException

from msgcheck import __version__
from msgcheck.models import Kind, Report, Severity
from msgcheck.worker_pool import WorkerDied, WorkerError, WorkerPool, where

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_MAX_BODY = 1024 * 1024  # 1 MiB
DEFAULT_TIMEOUT = 10.0
# Threads that run checks; the Linter serialises the NLP, so more would only queue there.
CHECK_WORKERS = 4
ADDON_ORIGIN = re.compile(r"moz-extension://[A-Za-z0-9-]+")
WILDCARD_HOSTS = {"0.0.0.0", "::", ""}
# Long enough (40+ words of prose) to load everything a check loads lazily, e.g. the reading
# grade's pronunciation dictionary (about a second), before the server says it is ready.
WARMUP_TEXT = (
    "Subject: Question about your talk on sleep and mood\n\nDear Dr. Lee,\n\n"
    "My name is Sam Okafor, and I am an international medical graduate preparing to apply to "
    "psychiatry residency. I attended your talk on sleep and mood last week and was struck by "
    "your point about light therapy on inpatient units. Would you have 15 minutes for a Zoom "
    "call in the coming weeks, whenever it suits you?\n\nThank you for considering it.\n\n"
    "Best regards,\nSam Okafor\nsam.okafor@example.org"
)
LOGGER_NAME = "msgcheck.server"
log = logging.getLogger(LOGGER_NAME)

ERROR_CODES = {
    400: "bad-request",
    401: "unauthorized",
    403: "origin-not-allowed",
    404: "not-found",
    405: "method-not-allowed",
    408: "request-timeout",
    413: "body-too-large",
    415: "unsupported-media-type",
    421: "host-not-allowed",
    422: "invalid-request",
    500: "internal-error",
    503: "not-ready",
    504: "timeout",
}


class SettingsError(ValueError):
    """Server options that must not run together (e.g. a public address without a token)."""


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_header_name(host: str) -> str:
    """How a client writes ``host`` in a Host header: IPv6 literals in brackets, lower-case."""
    host = host.strip("[]").lower()
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    except ValueError:
        pass
    return host


def _normalise_origin(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


@dataclass(frozen=True)
class ServerSettings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    allow_origins: tuple[str, ...] = ()
    max_body: int = DEFAULT_MAX_BODY
    timeout: float = DEFAULT_TIMEOUT
    config_path: Path | None = None
    # Processes that run checks, each with its own pipeline (~250 MB): spaCy runs one text at a
    # time per process, so concurrent clients queue on a single one.
    workers: int = 1
    allowed_hosts: frozenset[str] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        if not 0 < self.port < 65536:
            raise SettingsError(f"--port must be 1-65535, not {self.port}")
        if self.max_body < 1:
            raise SettingsError("--max-body must be at least 1 byte")
        if not self.timeout > 0:
            raise SettingsError("--timeout must be more than 0 seconds")
        if self.workers < 1:
            raise SettingsError("--workers must be at least 1")
        if self.token is not None and not self.token.strip():
            raise SettingsError("--token must not be empty")
        if not is_loopback(self.host) and not self.token:
            raise SettingsError(
                f"refusing to listen on {self.host!r} without --token: any machine that can "
                "reach that address could read your drafts' findings. Bind 127.0.0.1 (the "
                "default) or set --token (or MSGCHECK_TOKEN)"
            )
        for origin in self.allow_origins:
            if not re.fullmatch(r"[a-z][a-z0-9+.-]*://[^/\s]+/?", origin.strip(),
                                re.IGNORECASE):
                raise SettingsError(
                    f"--allow-origin {origin!r} is not an origin (scheme://host[:port])")
        object.__setattr__(self, "allow_origins",
                           tuple(_normalise_origin(o) for o in self.allow_origins))
        object.__setattr__(self, "allowed_hosts", self._allowed_hosts())

    def _allowed_hosts(self) -> frozenset[str] | None:
        """The Host header values accepted; None (any) only for a wildcard, token-guarded bind."""
        if self.host.strip("[]") in WILDCARD_HOSTS:
            return None
        names = {"127.0.0.1", "localhost", "[::1]", _host_header_name(self.host)}
        hosts = {f"{name}:{self.port}" for name in names}
        if self.port == 80:  # a client may leave out the default port
            hosts |= names
        return frozenset(hosts)

    def origin_allowed(self, origin: str) -> bool:
        return bool(ADDON_ORIGIN.fullmatch(origin)) or _normalise_origin(origin) in self.allow_origins


# -- request and response models (the OpenAPI document) ---------------------------------------


class CheckRequest(BaseModel):
    """A draft to check. ``to``/``from`` are addresses as a mail client shows them."""

    # strict: `"template": 0` or `"body": 5` is an error, not coerced to false or "5".
    model_config = ConfigDict(extra="forbid", populate_by_name=True, strict=True,
                              json_schema_extra={"examples": [{
                                  "subject": "IMG applicant - question about your talk",
                                  "to": "Dr. Maria Alvarez <malvarez@univ.example.edu>",
                                  "body": "Dear Dr. Alvarez,\n\n...",
                                  "kind": "cold-email"}]})

    subject: str | None = None
    body: str
    to: str | None = None
    from_: str | None = Field(default=None, alias="from")
    kind: Kind | None = Field(default=None, description="Message kind; default: the message's "
                              "own, else the server's settings (cold-email)")
    template: bool | None = Field(default=None, description="The draft is a template: "
                                  "placeholders are slots, not findings")


class ErrorDetail(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: list[ErrorDetail] | None = None


class ErrorBody(BaseModel):
    error: ErrorInfo


class Health(BaseModel):
    status: Literal["ready", "starting", "failed"]
    version: str
    pipeline: str | None = Field(description="The spaCy pipeline in use, once loaded")


class RuleInfo(BaseModel):
    id: str
    criterion: str
    severity: Severity
    summary: str
    kinds: list[Kind]


class RuleList(BaseModel):
    rules: list[RuleInfo]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorBody, "description": ERROR_CODES[code]} for code in codes}


# Any request may be refused by the guard before it reaches an endpoint.
GUARD_ERRORS = (400, 401, 403, 408, 413, 421, 500, 504)


def error_response(status: int, message: str, *, code: str | None = None,
                   headers: dict[str, str] | None = None,
                   details: list[dict] | None = None) -> JSONResponse:
    info: dict[str, Any] = {"code": code or ERROR_CODES.get(status, "error"), "message": message}
    if details is not None:
        info["details"] = details
    return JSONResponse({"error": info}, status_code=status, headers=headers)


# -- the guard --------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, response: JSONResponse):
        self.response = response


class Guard:
    """Host, Origin/CORS, token, body size and time limits, access log (plain ASGI)."""

    PREFLIGHT_HEADERS: ClassVar[dict[str, str]] = {
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers": "Authorization, Content-Type",
        "access-control-max-age": "600",
    }

    def __init__(self, app, settings: ServerSettings):
        self.app = app
        self.settings = settings
        self._token = settings.token.encode() if settings.token else None

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":  # lifespan; websockets are not routed and get refused
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        sent = {"status": None, "bytes": 0}
        received = {"bytes": 0}

        async def logged_send(message) -> None:
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
            elif message["type"] == "http.response.body":
                sent["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self._handle(scope, receive, logged_send, received)
        except Exception as exc:  # noqa: BLE001 - logged without its text: it may quote the draft
            log.error("error", extra={"fields": {
                "error": type(exc).__name__, "where": _where(exc), "path": _path(scope)}})
            if sent["status"] is None:
                await error_response(500, "internal error; see the server log")(
                    scope, receive, logged_send)
        finally:
            log.info("request", extra={"fields": {
                "method": scope.get("method"), "path": _path(scope), "status": sent["status"],
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "bytes": sent["bytes"], "request_bytes": received["bytes"]}})

    async def _handle(self, scope, receive, send, received) -> None:
        settings = self.settings
        headers = Headers(scope=scope)
        deadline = time.monotonic() + settings.timeout
        try:
            self._check_host(headers)
            origin = headers.get("origin")
            if origin is not None:
                if not settings.origin_allowed(origin):
                    raise _Refused(error_response(
                        403, f"origin {origin[:100]!r} is not allowed; start the server with "
                             "--allow-origin to allow it"))
                send = self._with_cors(send, origin)
                if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
                    await Response(status_code=204, headers=self.PREFLIGHT_HEADERS)(
                        scope, receive, send)
                    return
            self._check_token(headers)
            body = await self._read_body(scope, receive, headers, deadline, received)
        except _Refused as refused:
            await refused.response(scope, receive, send)
            return

        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        started = {"value": False}

        async def tracked_send(message) -> None:
            if message["type"] == "http.response.start":
                started["value"] = True
            await send(message)

        try:
            await asyncio.wait_for(self.app(scope, replay, tracked_send),
                                   max(deadline - time.monotonic(), 0.001))
        except TimeoutError:
            if not started["value"]:
                await error_response(504, f"the check took longer than {settings.timeout:g} s")(
                    scope, receive, send)

    def _check_host(self, headers: Headers) -> None:
        allowed = self.settings.allowed_hosts
        host = (headers.get("host") or "").strip().lower()
        if allowed is not None and host not in allowed:
            raise _Refused(error_response(
                421, f"Host {host[:100]!r} is not this server; use "
                     f"http://127.0.0.1:{self.settings.port}"))

    def _check_token(self, headers: Headers) -> None:
        if self._token is None:
            return
        scheme, _, value = headers.get("authorization", "").partition(" ")
        given = value.strip().encode("utf-8", "surrogateescape")
        # compare_digest first, always: the time taken does not depend on the scheme.
        if not (hmac.compare_digest(given, self._token) and scheme.lower() == "bearer"):
            raise _Refused(error_response(
                401, "missing or wrong token: send 'Authorization: Bearer <token>'",
                headers={"www-authenticate": "Bearer"}))

    async def _read_body(self, scope, receive, headers: Headers, deadline: float,
                         received: dict) -> bytes:
        limit = self.settings.max_body
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                raise _Refused(error_response(400, "invalid Content-Length"))
            if int(declared) > limit:
                raise _Refused(self._too_large())
        chunks: list[bytes] = []
        while True:
            remaining = deadline - time.monotonic()
            try:
                message = await asyncio.wait_for(receive(), max(remaining, 0.001))
            except TimeoutError:
                raise _Refused(error_response(
                    408, f"the request body did not arrive within {self.settings.timeout:g} s"
                )) from None
            if message["type"] == "http.disconnect":
                raise _Refused(error_response(400, "the client disconnected"))
            chunk = message.get("body", b"")
            received["bytes"] += len(chunk)
            if received["bytes"] > limit:  # stop reading: never buffer more than the limit
                raise _Refused(self._too_large())
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self) -> JSONResponse:
        return error_response(413, f"the request body is larger than {self.settings.max_body:,} "
                                   "bytes (--max-body)", headers={"connection": "close"})

    @staticmethod
    def _with_cors(send, origin: str):
        async def cors_send(message) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"access-control-allow-origin", origin.encode("latin-1")),
                         (b"vary", b"Origin")]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return cors_send


def _path(scope) -> str:
    return str(scope.get("path", ""))[:200]


def _where(exc: BaseException) -> str:
    return exc.where if isinstance(exc, WorkerError) else where(exc)


# -- logging ----------------------------------------------------------------------------------


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        return json.dumps(entry, ensure_ascii=False)


def log_config() -> dict:
    """logging.dictConfig for uvicorn's and msgcheck's loggers: JSON lines on stderr."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonLineFormatter}},
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "INFO"},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            LOGGER_NAME: {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }


# -- the application --------------------------------------------------------------------------


@dataclass
class _State:
    linter: Any
    default_kind: str | None = None
    template: bool | None = None
    executor: ThreadPoolExecutor | None = None  # one process (--workers 1)
    pool: WorkerPool | None = None  # --workers N
    ready: asyncio.Event | None = None
    status: str = "starting"
    pipeline: str | None = None


def build_linter(config_path: Path | None):
    """The Linter and defaults for ``--config`` (else the settings found from the current
    folder, as ``msgcheck rules`` does). Raises ConfigError for a bad settings file."""
    from msgcheck.session import Session

    resolved = Session(config_path=config_path).resolve(None)
    return resolved.linter, resolved.default_kind, resolved.template


def _warm(linter) -> str:
    pipeline = linter.pipeline
    linter.check(WARMUP_TEXT)
    return pipeline.name


def create_app(settings: ServerSettings | None = None, linter=None, *,
               default_kind: str | None = None, template: bool | None = None):
    """The ASGI app: the FastAPI routes wrapped in :class:`Guard`.

    ``linter``: share an existing Linter (tests); else one is built from ``settings.config_path``.
    """
    settings = settings or ServerSettings()
    if linter is None:
        linter, default_kind, template = build_linter(settings.config_path)
    state = _State(linter=linter, default_kind=default_kind, template=template)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        loop = asyncio.get_running_loop()
        if settings.workers > 1:
            state.pool = WorkerPool(settings.workers, _worker_setup, (settings.config_path,))
        else:
            state.executor = ThreadPoolExecutor(CHECK_WORKERS, thread_name_prefix="msgcheck-check")
        state.ready = asyncio.Event()

        async def warm() -> str:
            if state.pool is not None:
                return await state.pool.start()
            return await loop.run_in_executor(state.executor, _warm, state.linter)

        async def load() -> None:
            started = time.perf_counter()
            try:
                state.pipeline = await warm()
            except Exception as exc:  # noqa: BLE001 - reported by /healthz and the log
                state.status = "failed"
                log.error("pipeline-failed", extra={"fields": {
                    "error": type(exc).__name__, "where": _where(exc)}})
            else:
                state.status = "ready"
                log.info("ready", extra={"fields": {
                    "pipeline": state.pipeline, "load_ms": round(
                        (time.perf_counter() - started) * 1000, 1),
                    "url": f"http://{_host_header_name(settings.host)}:{settings.port}"}})
            state.ready.set()

        task = asyncio.create_task(load())
        try:
            yield
        finally:
            task.cancel()
            if state.pool is not None:
                state.pool.close()  # waits for the processes: left behind, they would outlive us
            else:
                state.executor.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="msgcheck", version=__version__, lifespan=lifespan,
        description="Local pre-send checks for outreach messages (docs/server.md). Drafts "
                    "never leave this machine.",
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN: not offline
        openapi_url="/openapi.json",
    )
    app.state.msgcheck = state

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else ERROR_CODES.get(
            exc.status_code, "error")
        return error_response(exc.status_code, message, headers=exc.headers)

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception):
        # Starlette re-raises the exception after this response; the Guard logs it (type only).
        return error_response(500, "internal error; see the server log")

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        details = [{"loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
                    "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
                   for e in exc.errors()]
        summary = "; ".join(f"{'.'.join(map(str, d['loc'][1:] or d['loc']))}: {d['msg']}"
                            for d in details[:5])
        return error_response(422, f"invalid request: {summary}", details=details)

    @app.get("/healthz", response_model=Health, responses=_errors(*GUARD_ERRORS),
             summary="Whether the NLP pipeline is loaded")
    async def healthz() -> Health:
        return Health(status=state.status, version=__version__, pipeline=state.pipeline)

    @app.get("/v1/rules", response_model=RuleList, responses=_errors(*GUARD_ERRORS),
             summary="The rules this server checks with")
    async def rules() -> RuleList:
        from msgcheck.rule_docs import kinds_of

        return RuleList(rules=[
            RuleInfo(id=r.id, criterion=r.criterion, severity=r.severity, summary=r.summary,
                     kinds=kinds_of(r))
            for r in state.linter.rules
        ])

    @app.post(
        "/v1/check", response_model=Report,
        responses=_errors(*GUARD_ERRORS, 415, 422, 503),
        summary="Check one draft; the answer is one result of `msgcheck check --format json`",
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/CheckRequest"}},
            "message/rfc822": {"schema": {"type": "string", "format": "binary"}},
        }}},
    )
    async def check(request: Request):
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        raw = await request.body()
        if media == "message/rfc822":
            item, kind, template_flag = raw, None, None
        elif media == "application/json" or (media.startswith("application/")
                                             and media.endswith("+json")):
            try:
                req = CheckRequest.model_validate_json(raw)
            except ValidationError as exc:
                raise RequestValidationError(
                    [{**e, "loc": ("body", *e["loc"])}
                     for e in exc.errors(include_input=False, include_url=False)]) from None
            item = {"body": req.body, "subject": req.subject, "to": req.to,
                    "from": req.from_, "template": bool(req.template)}
            kind, template_flag = req.kind, req.template
        else:
            raise StarletteHTTPException(
                415, "send application/json ({\"body\": ...}) or message/rfc822")
        await state.ready.wait()
        if state.status != "ready":
            raise StarletteHTTPException(503, "the NLP pipeline failed to load; see the log")
        if template_flag is None:
            template_flag = state.template
        if state.pool is not None:
            try:
                payload = await state.pool.run(item, kind, template_flag)
            except WorkerDied as exc:
                raise StarletteHTTPException(503, str(exc)) from None
        else:
            payload = await asyncio.get_running_loop().run_in_executor(
                state.executor, _check_json, state.linter, state.default_kind, item, kind,
                template_flag)
        return Response(payload, media_type="application/json")

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            request_schema = CheckRequest.model_json_schema(
                ref_template="#/components/schemas/{model}")
            components.update(request_schema.pop("$defs", {}))
            components["CheckRequest"] = request_schema
            if settings.token:
                schema["components"]["securitySchemes"] = {
                    "bearer": {"type": "http", "scheme": "bearer"}}
                schema["security"] = [{"bearer": []}]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi
    return Guard(app, settings)


def _check_json(linter, default_kind: str | None, item, kind: str | None,
                template: bool | None) -> bytes:
    from msgcheck.formatters.json_format import result

    report = linter.check(item, kind=kind, template=template, default_kind=default_kind)
    return json.dumps(result(report), ensure_ascii=False).encode("utf-8")


# -- worker processes (--workers N) ------------------------------------------------------------

def _worker_setup(config_path: Path | None):
    """Runs once in each worker process: its own Linter, loaded and warmed, and the function
    that answers a job ``(item, kind, template)``."""
    linter, default_kind, _ = build_linter(config_path)
    return _warm(linter), partial(_check_json, linter, default_kind)


def run(settings: ServerSettings, linter=None, *, default_kind: str | None = None,
        template: bool | None = None) -> None:
    """Serve until interrupted (uvicorn)."""
    import logging.config

    import uvicorn

    logging.config.dictConfig(log_config())
    app = create_app(settings, linter, default_kind=default_kind, template=template)
    config = uvicorn.Config(
        app, host=settings.host.strip("[]"), port=settings.port, log_config=None,
        access_log=False, server_header=False, lifespan="on", timeout_graceful_shutdown=5,
    )
    uvicorn.Server(config).run()


__all__ = ["CheckRequest", "ServerSettings", "SettingsError", "create_app", "run"]
