"""The rules a Linter runs: built-in pack + configured packs + plugins, tuned by the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from msgcheck.config import Config, ConfigError, KindSettings
from msgcheck.loader import RuleLoadError, RulePack, builtin_pack, load_pack
from msgcheck.spec import Lexicon, MetricCheck, PerKind, RuleSpec

PLUGIN_GROUP = "msgcheck.rules"

# A per-kind setting -> (rule id, "min"/"max", metric the rule must use for that kind).
KIND_THRESHOLDS: dict[str, tuple[str, str, str]] = {
    "max_words": ("length.too-long", "max", "prose_words"),
    "max_characters": ("length.too-long", "max", "message_chars"),
    "min_words": ("length.too-short", "min", "prose_words"),
    "max_subject_characters": ("subject.too-long", "max", "subject_chars"),
    "max_reading_grade": ("readability.grade", "max", "reading_grade"),
}


@dataclass
class RuleSet:
    rules: tuple[RuleSpec, ...]
    lexicons: dict[str, Lexicon]
    # Plugins that failed to load: reported in every report as internal.plugin-failed.
    problems: list[str] = field(default_factory=list)


def plugin_packs(problems: list[str]) -> list[RulePack]:
    """Packs registered by installed packages under the ``msgcheck.rules`` entry-point group.

    An entry point names a folder (str or Path) or a callable returning one or several.
    """
    packs = []
    for entry in metadata.entry_points(group=PLUGIN_GROUP):
        try:
            target = entry.load()
            found = target() if callable(target) else target
            folders = [found] if isinstance(found, (str, Path)) else list(found)
            packs += [load_pack(Path(folder)) for folder in folders]
        except Exception as exc:  # a broken plugin must not stop the run
            problems.append(f"plugin {entry.name!r} ({entry.value}) failed to load: "
                            f"{type(exc).__name__}: {exc}")
    return packs


def _with_threshold(rule: RuleSpec, kind: str, setting: str, value: float) -> RuleSpec:
    _, bound, metric = KIND_THRESHOLDS[setting]
    check = rule.check
    assert isinstance(check, MetricCheck)
    if check.metric_for.get(kind, check.metric) != metric:
        used = "characters" if metric == "prose_words" else "words"
        raise ConfigError(f"kinds.{kind}.{setting}: a {kind} is measured in {used} here")
    limits = getattr(check, bound)
    updated = PerKind.model_validate({**limits.model_dump(), kind: value})
    return rule.model_copy(update={"check": check.model_copy(update={bound: updated})})


def apply_kind_settings(rules: list[RuleSpec], kinds: dict[str, KindSettings]) -> list[RuleSpec]:
    by_id = {r.id: r for r in rules}
    for kind, settings in kinds.items():
        for setting, value in settings.model_dump(exclude_none=True).items():
            rule_id = KIND_THRESHOLDS[setting][0]
            if rule_id in by_id:
                by_id[rule_id] = _with_threshold(by_id[rule_id], kind, setting, value)
    return [by_id[r.id] for r in rules]


def _with_severity(rule: RuleSpec, severity: dict[str, str]) -> RuleSpec:
    """A rule id's own entry wins over its criterion's ("tone" = "error")."""
    level = severity.get(rule.id, severity.get(rule.criterion))
    return rule.model_copy(update={"severity": level}) if level else rule


def build_ruleset(config: Config) -> RuleSet:
    problems: list[str] = []
    try:
        packs = [builtin_pack(), *(load_pack(p) for p in config.rule_packs)]
    except RuleLoadError as exc:
        raise ConfigError(str(exc)) from None
    if config.plugins:
        packs += plugin_packs(problems)
    every = [r for pack in packs for r in pack.rules]
    _check_names(config, every)
    lexicons = {k: v for pack in packs for k, v in pack.lexicons.items()}
    if config.vocabulary and "acronyms" in lexicons:
        acronyms = lexicons["acronyms"]
        lexicons["acronyms"] = acronyms.model_copy(
            update={"phrases": [*acronyms.phrases, *config.vocabulary]})
    chosen = [_with_severity(r, config.severity) for r in every if config.selects(r.id)]
    return RuleSet(rules=tuple(apply_kind_settings(chosen, config.kinds)), lexicons=lexicons,
                   problems=problems)


def _check_names(config: Config, rules: list[RuleSpec]) -> None:
    """A rule id or prefix in the settings that matches nothing is a typo: say so."""
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        raise ConfigError(f"rule ids defined twice (built-in, packs or plugins): {', '.join(dupes)}")
    known = set(ids) | {r.criterion for r in rules}
    named = [*config.select, *config.ignore, *config.severity]
    for override in config.overrides:
        named += [*(override.select or ()), *override.ignore, *override.extend_ignore,
                  *override.severity]
    unknown = sorted({n for n in named if n not in known})
    if unknown:
        raise ConfigError(
            f"unknown rule id or criterion: {', '.join(unknown)}; "
            f"known criteria: {', '.join(sorted({r.criterion for r in rules}))}"
        )
