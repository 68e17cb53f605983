"""LanguageTool through language-tool-python, only against a server the user chose.

language-tool-python downloads and starts a LanguageTool server when given no server URL; msgcheck
never lets it: it always passes ``remote_server`` — the configured ``url``, or the loopback port
of a server msgcheck starts itself from a local install (``path``). Requests time out after the
configured ``timeout`` (the library's own default is 300 s).
"""

from __future__ import annotations

import atexit
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from msgcheck.config import LanguageToolSettings

SERVER_JAR = "languagetool-server.jar"
SERVER_CLASS = "org.languagetool.server.HTTPServer"
START_TIMEOUT = 30.0


class GrammarUnavailable(RuntimeError):
    """The LanguageTool server could not be reached or answered nonsense."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(install: Path, port: int) -> list[str]:
    """The command that serves a local LanguageTool install on a loopback port."""
    java = shutil.which("java")
    if java is None:
        raise GrammarUnavailable("`java` is not on PATH; it is needed to run LanguageTool")
    jar = install / SERVER_JAR
    if not jar.is_file():
        raise GrammarUnavailable(f"{jar} not found: `path` must be a LanguageTool install folder")
    return [java, "-cp", str(jar), SERVER_CLASS, "--port", str(port)]


def _wait_until_serving(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise GrammarUnavailable(f"the LanguageTool server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "v2/languages", timeout=1):
                return
        except OSError:
            time.sleep(0.25)
    process.kill()
    raise GrammarUnavailable(f"the LanguageTool server did not start within {timeout:g} s")


class LanguageToolClient:
    """One connection per Linter; calls are serialised (the library keeps per-class state)."""

    def __init__(self, settings: LanguageToolSettings):
        self.settings = settings
        self._tool = None
        self._lock = threading.Lock()
        self._process: subprocess.Popen | None = None

    def _base_url(self) -> str:
        if self.settings.url is not None:
            return self.settings.url.rstrip("/") + "/"
        port = _free_port()
        command = server_command(Path(self.settings.path), port)
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
        atexit.register(self._process.kill)
        url = f"http://127.0.0.1:{port}/"
        _wait_until_serving(url, self._process, START_TIMEOUT)
        return url

    def _connect(self):
        import language_tool_python

        # The library reads the timeout from a class attribute, used already while connecting.
        bounded = type("BoundedLanguageTool", (language_tool_python.LanguageTool,),
                       {"_TIMEOUT": self.settings.timeout})
        tool = bounded(language=self.settings.language, remote_server=self._base_url())
        tool.disabled_rules = set(self.settings.disabled_rules)
        tool.disabled_categories = set(self.settings.disabled_categories)
        return tool

    def check(self, text: str) -> list:
        """language_tool_python Match objects (offsets in Python characters)."""
        with self._lock:
            try:
                if self._tool is None:
                    self._tool = self._connect()
                return self._tool.check(text)
            except GrammarUnavailable:
                raise
            except Exception as exc:  # requests, JSON, library errors: all mean "no grammar now"
                raise GrammarUnavailable(f"{type(exc).__name__}: {exc}") from None
