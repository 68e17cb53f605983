"""Run ``msgcheck serve`` as a child process on a free loopback port (tests, benchmarks).

    with ServerProcess(log_path=Path("server.log")) as server:
        server.url            # http://127.0.0.1:<port>, /healthz already says "ready"
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Self


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class ServerError(RuntimeError):
    """The server exited or did not become ready in time; the message ends with its log."""


class ServerProcess:
    def __init__(self, *args: str, port: int | None = None, token: str | None = None,
                 log_path: Path | None = None, cwd: Path | None = None,
                 env: dict[str, str] | None = None, start_timeout: float = 120.0):
        self.port = port or free_port()
        self.token = token
        self.args = [*args, *(("--token", token) if token else ())]
        self.log_path = log_path
        self.cwd = cwd
        self.env = {**os.environ, **(env or {})}
        self.start_timeout = start_timeout
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self) -> ServerProcess:
        command = [sys.executable, "-m", "msgcheck", "serve", "--port", str(self.port), *self.args]
        # Open for the server's lifetime; stop() closes it.
        self._log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(command, stdout=self._log, stderr=self._log,
                                        stdin=subprocess.DEVNULL, cwd=self.cwd, env=self.env)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"msgcheck serve exited with {self.process.returncode}"
                                  f"{self._log_tail()}")
            if self.health().get("status") == "ready":
                return self
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"msgcheck serve was not ready after {self.start_timeout:g} s"
                          f"{self._log_tail()}")

    def health(self) -> dict:
        """GET /healthz; {} while the port is not open yet."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            connection.request("GET", "/healthz", headers=headers)
            response = connection.getresponse()
            return json.loads(response.read()) if response.status == 200 else {}
        except (OSError, ValueError):
            return {}
        finally:
            connection.close()

    def stop(self) -> int | None:
        """Stop the server (SIGTERM, then SIGKILL after 10 s); returns its exit status."""
        process, self.process = self.process, None
        code = None
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(10)
            code = process.returncode
        if self._log not in (None, subprocess.DEVNULL):
            self._log.close()
        self._log = None
        return code

    def _log_tail(self) -> str:
        if not self.log_path:
            return ""
        if self._log not in (None, subprocess.DEVNULL):
            self._log.flush()
        try:
            text = Path(self.log_path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "; log:\n" + text[-4000:]

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
