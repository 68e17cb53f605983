"""Linter configuration (the settings file format is documented in docs/configuration.md)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from msgcheck.models import DEFAULT_KIND, Kind, Severity
from msgcheck.parse.decode import DEFAULT_MAX_BYTES


class ConfigError(ValueError):
    """A settings file that cannot be read or does not validate."""


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind = DEFAULT_KIND
    # Rule ids or criterion prefixes ("tone", "ask.vague"); empty select means every rule.
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = {}
    max_bytes: int = DEFAULT_MAX_BYTES
    # The NLP pass is linear in text length; an outreach message is a few thousand characters,
    # so a longer text is refused rather than parsed for minutes.
    max_chars: int = 100_000
    # Extra rule packs: folders of <criterion>/<name>.yml files.
    rule_packs: tuple[Path, ...] = ()
    # Name of a spaCy pipeline to load instead of the default search ("blank" for none).
    spacy_model: str | None = None

    def selects(self, rule_id: str) -> bool:
        def matches(prefix: str) -> bool:
            return rule_id == prefix or rule_id.startswith(prefix + ".")

        if self.select and not any(matches(p) for p in self.select):
            return False
        return not any(matches(p) for p in self.ignore)

    @classmethod
    def from_file(cls, path: Path) -> Config:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        if Path(path).name == "pyproject.toml":
            data = data.get("tool", {}).get("msgcheck", {})
        else:
            data = data.get("tool", {}).get("msgcheck", data)
        try:
            config = cls.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or '(file)'}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"{path}: {problems}") from None
        base = Path(path).parent
        packs = tuple(p if p.is_absolute() else base / p for p in config.rule_packs)
        return config.model_copy(update={"rule_packs": packs})
