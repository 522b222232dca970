"""Project configuration: one TOML file, environment overrides, defaults that run the demo.

Lookup order: an explicit path, $LEADPIPE_CONFIG, ./leadpipe.toml, the bundled defaults.
Values a user leaves out fall back to the bundled defaults key by key.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_CONFIG = Path(__file__).with_name("default_config.toml")


class ConfigError(ValueError):
    """A configuration file or value that leadpipe cannot use; the message names it."""


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


@dataclass(frozen=True)
class Config:
    """The merged configuration plus the paths derived from it."""

    raw: dict[str, Any]
    source: Path
    base_dir: Path = field(default_factory=Path.cwd)

    @property
    def data_dir(self) -> Path:
        value = os.environ.get("LEADPIPE_DATA_DIR") or self.raw["project"]["data_dir"]
        path = Path(value)
        return path if path.is_absolute() else (self.base_dir / path)

    @property
    def landing_dir(self) -> Path:
        return self.data_dir / "landing"

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def user_agent(self) -> str:
        return os.environ.get("LEADPIPE_USER_AGENT") or self.raw["project"]["user_agent"]

    @property
    def crawl(self) -> dict[str, Any]:
        return self.raw.get("crawl", {})

    @property
    def score(self) -> dict[str, Any]:
        return self.raw.get("score", {})

    def profile(self, name: str | None = None) -> dict[str, Any]:
        name = name or os.environ.get("LEADPIPE_PROFILE") or self.score.get("profile", "default")
        profiles = self.raw.get("profiles", {})
        if name not in profiles:
            known = ", ".join(sorted(profiles))
            raise ConfigError(f"{self.source}: no ICP profile named {name!r} (known: {known})")
        return {"name": name, **profiles[name]}

    def section(self, name: str) -> dict[str, Any]:
        return self.raw.get(name, {})

    @property
    def demo(self) -> dict[str, Any]:
        """Demo world size and seed (env: LEADPIPE_DEMO_COMPANIES, LEADPIPE_DEMO_SEED)."""
        demo = dict(self.raw.get("demo", {}))
        for key in ("companies", "seed"):
            env = os.environ.get(f"LEADPIPE_DEMO_{key.upper()}")
            if env:
                try:
                    demo[key] = int(env)
                except ValueError as exc:
                    raise ConfigError(
                        f"LEADPIPE_DEMO_{key.upper()}={env!r} is not a number"
                    ) from exc
        return demo


def load_config(path: str | Path | None = None) -> Config:
    """Merge the bundled defaults with the user's file (if any)."""
    raw = _read_toml(DEFAULT_CONFIG)
    chosen: Path | None = None
    if path is not None:
        chosen = Path(path)
        if not chosen.exists():
            raise ConfigError(f"{chosen}: config file not found")
    elif os.environ.get("LEADPIPE_CONFIG"):
        chosen = Path(os.environ["LEADPIPE_CONFIG"])
        if not chosen.exists():
            raise ConfigError(f"{chosen}: config file (from LEADPIPE_CONFIG) not found")
    elif Path("leadpipe.toml").exists():
        chosen = Path("leadpipe.toml")
    if chosen is None:
        return Config(raw=raw, source=DEFAULT_CONFIG)
    raw = _merge(raw, _read_toml(chosen))
    return Config(raw=raw, source=chosen, base_dir=chosen.resolve().parent)
