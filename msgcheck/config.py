"""Settings: a ``msgcheck.toml`` or ``[tool.msgcheck]`` in ``pyproject.toml`` (docs/configuration.md).

Discovery walks up from a checked file to the nearest folder holding either (like ruff);
``--config FILE`` forces one. Precedence: command-line options > settings file > defaults.
"""

from __future__ import annotations

import ipaddress
import tomllib
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from msgcheck.models import DEFAULT_KIND, Kind, Severity
from msgcheck.parse.decode import DEFAULT_MAX_BYTES

CONFIG_NAMES = ("msgcheck.toml", ".msgcheck.toml", "pyproject.toml")


class ConfigError(ValueError):
    """A settings file that cannot be read or does not validate."""


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KindSettings(_Settings):
    """Per-kind thresholds (``[tool.msgcheck.kinds.cold-email]``); each overrides one rule's limit."""

    max_words: int | None = Field(default=None, gt=0)
    min_words: int | None = Field(default=None, ge=0)
    max_characters: int | None = Field(default=None, gt=0)
    max_subject_characters: int | None = Field(default=None, gt=0)
    max_reading_grade: float | None = Field(default=None, gt=0)


class LanguageToolSettings(_Settings):
    """A LanguageTool server the user runs (``[tool.msgcheck.languagetool]``); off by default.

    Drafts are private: a server that is not on this machine (not a loopback address) is used
    only with ``allow_remote = true`` — the public LanguageTool API included.
    """

    url: str | None = None
    # A local LanguageTool install (the folder holding languagetool-server.jar): msgcheck starts
    # its server on a free loopback port with `java`; nothing is downloaded.
    path: Path | None = None
    allow_remote: bool = False
    language: str = "en-US"
    timeout: float = Field(default=5.0, gt=0, le=120)
    disabled_rules: tuple[str, ...] = ()
    # Spelling is the offline `spelling.unknown-word` rule's job (it knows this field's words).
    disabled_categories: tuple[str, ...] = ("TYPOS",)

    @model_validator(mode="after")
    def _one_backend_and_private(self) -> LanguageToolSettings:
        if (self.url is None) == (self.path is None):
            raise ValueError("set exactly one of `url` (a running server) or `path` (an install)")
        if self.url is not None:
            parsed = urlsplit(self.url)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                raise ValueError(f"url {self.url!r} is not an http(s) URL")
            if not _is_loopback(parsed.hostname) and not self.allow_remote:
                raise ValueError(
                    f"url {self.url!r} is not on this machine; drafts would leave it. Set "
                    "allow_remote = true to send them there (never the default)"
                )
        return self


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Override(_Settings):
    """Settings for files matching ``paths`` (gitignore-style globs relative to the config file)."""

    paths: tuple[str, ...] = Field(min_length=1)
    kind: Kind | None = None
    template: bool | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = {}


class Config(_Settings):
    kind: Kind = DEFAULT_KIND
    # Inputs are templates (placeholders are slots, not findings).
    template: bool = False
    # Rule ids or criterion prefixes ("tone", "ask.vague"); empty select means every rule.
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = {}
    kinds: dict[Kind, KindSettings] = {}
    # Project words that are not shouting or misspellings (names, acronyms: ERAS, PGY-1).
    vocabulary: tuple[str, ...] = ()
    max_bytes: int = Field(default=DEFAULT_MAX_BYTES, gt=0)
    # The NLP pass is linear in text length; an outreach message is a few thousand characters,
    # so a longer text is refused rather than parsed for minutes.
    max_chars: int = Field(default=100_000, gt=0)
    # Extra rule packs: folders of <criterion>/<name>.yml files.
    rule_packs: tuple[Path, ...] = ()
    # Entry-point plugins (group "msgcheck.rules") are loaded unless this is false.
    plugins: bool = True
    # Name of a spaCy pipeline to load instead of the default search ("blank" for none).
    spacy_model: str | None = None
    overrides: tuple[Override, ...] = ()
    languagetool: LanguageToolSettings | None = None
    # The settings file these came from (None: defaults or built in Python); relative paths in it
    # resolve against its folder. Not a settings key.
    source: Path | None = Field(default=None, exclude=True)

    @property
    def root(self) -> Path | None:
        return self.source.parent if self.source is not None else None

    def selects(self, rule_id: str) -> bool:
        if self.select and not any(_matches(rule_id, p) for p in self.select):
            return False
        return not any(_matches(rule_id, p) for p in self.ignore)

    def for_path(self, path: str | Path | None) -> Config:
        """These settings with the overrides whose globs match ``path`` applied, in order."""
        if not self.overrides or path is None:
            return self
        rel = _relative(Path(path), self.root)
        config = self
        for override in self.overrides:
            if any(_glob_match(rel, pattern) for pattern in override.paths):
                config = config._apply(override)
        return config

    def _apply(self, override: Override) -> Config:
        update: dict = {"ignore": self.ignore + override.ignore + override.extend_ignore,
                        "severity": {**self.severity, **override.severity}}
        if override.select is not None:
            update["select"] = override.select
        if override.kind is not None:
            update["kind"] = override.kind
        if override.template is not None:
            update["template"] = override.template
        return self.model_copy(update=update)

    def linter_key(self) -> tuple:
        """What a Linter depends on: configs with equal keys can share one."""
        return (self.select, self.ignore, tuple(sorted(self.severity.items())),
                tuple(sorted((k, v.model_dump_json()) for k, v in self.kinds.items())),
                self.vocabulary, self.rule_packs, self.plugins, self.spacy_model,
                self.max_bytes, self.max_chars,
                self.languagetool.model_dump_json() if self.languagetool else None)

    @classmethod
    def from_file(cls, path: Path) -> Config:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("msgcheck", {})
        else:
            data = data.get("tool", {}).get("msgcheck", data)
        try:
            config = cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(f"{path}: " + "; ".join(_describe(e) for e in exc.errors())) from None
        base = path.resolve().parent
        packs = tuple(p if p.is_absolute() else base / p for p in config.rule_packs)
        update = {"rule_packs": packs, "source": path.resolve()}
        lt = config.languagetool
        if lt is not None and lt.path is not None and not lt.path.is_absolute():
            update["languagetool"] = lt.model_copy(update={"path": base / lt.path})
        return config.model_copy(update=update)


def _describe(error: dict) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "(file)"
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        allowed = _allowed_keys(error["loc"][:-1])
        message += f" (allowed: {', '.join(allowed)})" if allowed else ""
    elif error["type"] == "literal_error":
        message = message.replace("Input should be", "expected")
    return f"{where}: {message}"


def _allowed_keys(loc: tuple) -> list[str]:
    model: type[BaseModel] = Config
    for part in loc:
        if isinstance(part, int) and model is Config:
            continue
        if part == "overrides":
            model = Override
        elif part == "kinds":
            return sorted(KindSettings.model_fields)
        elif part == "languagetool":
            return sorted(LanguageToolSettings.model_fields)
        elif not isinstance(part, int):
            return []
    return sorted(k for k in model.model_fields if k != "source")


def _matches(rule_id: str, prefix: str) -> bool:
    return rule_id == prefix or rule_id.startswith(prefix + ".")


def _relative(path: Path, root: Path | None) -> str:
    resolved = path.resolve()
    if root is not None:
        try:
            return PurePosixPath(resolved.relative_to(root)).as_posix()
        except ValueError:
            pass
    return PurePosixPath(path).as_posix()


def _glob_match(rel: str, pattern: str) -> bool:
    """gitignore-like: a pattern without "/" matches any path component; "**" spans folders."""
    pattern = pattern.strip("/")
    if "/" not in pattern:
        return any(fnmatch(part, pattern) for part in rel.split("/"))
    if fnmatch(rel, pattern) or fnmatch(rel, pattern.replace("**/", "")):
        return True
    return pattern.endswith("/**") and (rel + "/").startswith(pattern[:-2])


def _config_file_in(folder: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file():
            if name != "pyproject.toml":
                return candidate
            try:
                text = candidate.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            try:
                if "msgcheck" in tomllib.loads(text).get("tool", {}):
                    return candidate
            except tomllib.TOMLDecodeError:
                # A broken pyproject that means to configure msgcheck is an error to report
                # (Config.from_file will), not a file to skip silently.
                if "[tool.msgcheck" in text:
                    return candidate
    return None


def find_config_file(start: Path) -> Path | None:
    """The nearest settings file in ``start``'s folder or above it."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        found = _config_file_in(candidate)
        if found is not None:
            return found
    return None
