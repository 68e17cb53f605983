"""Which settings apply to each checked file, and one Linter per distinct set of rules.

Precedence: command-line options > the settings file (``--config``, else the nearest
``msgcheck.toml`` / ``pyproject.toml`` with ``[tool.msgcheck]`` above the file) > defaults;
per-path ``overrides`` of that file apply to the files they match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from msgcheck.config import Config, ConfigError, find_config_file
from msgcheck.engine import Linter


@dataclass
class CliOptions:
    """Settings given on the command line; None means "not given"."""

    kind: str | None = None
    template: bool | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass
class Resolved:
    linter: Linter
    kind: str | None  # explicit kind for this file (CLI), else None: message, then config
    default_kind: str
    template: bool | None


@dataclass
class Session:
    config_path: Path | None = None
    cli: CliOptions = field(default_factory=CliOptions)
    _configs: dict[Path | None, Config] = field(default_factory=dict)
    _linters: dict[tuple, Linter] = field(default_factory=dict)

    def base_config(self, path: str | None) -> Config:
        if self.config_path is not None:
            source = self.config_path
        elif path and path != "<stdin>":
            source = find_config_file(Path(path))
        else:
            source = find_config_file(Path.cwd())
        if source not in self._configs:
            config = Config.from_file(source) if source is not None else Config()
            self._configs[source] = config
        return self._configs[source]

    def resolve(self, path: str | None) -> Resolved:
        """Raises ConfigError for a settings file that does not validate."""
        config = self.base_config(path).for_path(path)
        cli = self.cli
        if cli.select:
            config = config.model_copy(update={"select": cli.select})
        if cli.ignore:
            config = config.model_copy(update={"ignore": config.ignore + cli.ignore})
        key = config.linter_key()
        if key not in self._linters:
            try:
                self._linters[key] = Linter(config)
            except ConfigError as exc:
                where = config.source or "command line"
                raise ConfigError(f"{where}: {exc}") from None
        template = cli.template if cli.template is not None else (config.template or None)
        return Resolved(linter=self._linters[key], kind=cli.kind, default_kind=config.kind,
                        template=template)
