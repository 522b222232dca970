"""Project configuration: one TOML file, environment overrides, defaults that run the demo.

Lookup order: an explicit path, $LEADPIPE_CONFIG, ./leadpipe.toml, the bundled defaults.
Values a user leaves out fall back to the bundled defaults key by key.

Every default value lives in ``default_config.toml``; the models below declare only the shape
(types, bounds, which keys exist). A key the models do not know, a wrong type or a missing
profile is an error naming the file, the section and the key: a typo is never silently ignored.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from enrich.solvency import SolvencyPoints
from spiders.landing import landing_root
from warehouse.lake import Lake

DEFAULT_CONFIG = Path(__file__).with_name("default_config.toml")

ENV_OVERRIDES = {
    # environment variable: (section, key, type)
    "LEADPIPE_DATA_DIR": ("project", "data_dir", str),
    "LEADPIPE_USER_AGENT": ("project", "user_agent", str),
    "LEADPIPE_LANDING": ("project", "landing", str),
    "LEADPIPE_PROFILE": ("score", "profile", str),
    "LEADPIPE_DEMO_COMPANIES": ("demo", "companies", int),
    "LEADPIPE_DEMO_SEED": ("demo", "seed", int),
}


class ConfigError(ValueError):
    """A configuration file or value that leadpipe cannot use; the message names it."""


class _Section(BaseModel):
    """A config section: unknown keys are errors, values are checked, nothing is coerced
    silently from a wrong kind (a list where a number belongs)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectSection(_Section):
    data_dir: str
    user_agent: str = Field(min_length=1)
    # Where crawls land and the loader reads: empty for <data_dir>/landing, else a folder
    # or an fsspec URL (file://, s3://, gs://, az://, memory://) shared by every worker.
    landing: str = ""

    @field_validator("landing")
    @classmethod
    def _known_filesystem(cls, value: str) -> str:
        if "://" not in value:
            return value
        import fsspec

        protocol = value.split("://", 1)[0]
        try:
            fsspec.get_filesystem_class(protocol)
        except ValueError:
            raise ValueError(f"{protocol}:// is not a file system fsspec knows") from None
        except ImportError as exc:
            raise ValueError(f"{protocol}:// needs a package that is not installed "
                             f"({str(exc).splitlines()[0]})") from None
        return value


class CrawlSection(_Section):
    sources: list[str]
    # Politeness overrides: None means "each source's own setting stands".
    concurrent_requests_per_domain: int | None = Field(default=None, ge=1)
    download_delay: float | None = Field(default=None, ge=0)
    autothrottle: bool | None = None
    retry_times: int | None = Field(default=None, ge=0)
    http_cache: bool | None = None
    proxy: str | None = None


class DemoSection(_Section):
    companies: int = Field(ge=50, le=100_000)
    seed: int
    concurrency: int = Field(ge=1, le=64)


class ScoreSection(_Section):
    profile: str
    # Optional extra floors on top of the profile's tiers and minimum band (older files set
    # them): a prospect also needs fit >= fit_min, and a rated estimate >= solvency_min.
    fit_min: float | None = Field(default=None, ge=0, le=1)
    solvency_min: float | None = Field(default=None, ge=0, le=1)


SOLVENCY_BANDS = ("1", "2", "3")
"""Rated solvency bands, best first; "X" (knocked out), "insufficient data" and "public body"
are bands of their own that no cut-off produces."""


class RulePoints(_Section):
    """What each fit rule adds to a company's fit (``sales/rules/``); negative values subtract."""

    industry: float
    keyword: float
    keywords_max: float
    size_in_range: float
    size_outside: float
    size_maybe: float
    size_unknown: float
    tender_demand: float
    distance_beyond: float


class TierCutoffs(_Section):
    """The lowest fit of each tier; below ``C`` is tier D."""

    A: float
    B: float
    C: float


class Timing(_Section):
    """When a company is worth a call now (hot) or soon (warm)."""

    contract_ending_months: int = Field(ge=0)
    warm_days: int = Field(ge=0)


class Profile(_Section):
    """An ideal customer profile (ICP). Keys a profile leaves out come from
    ``[profile_defaults]`` (rule points, tier cut-offs, the minimum band, timing)."""

    name: str = ""
    description: str = ""
    # Today's industry labels ("manufacturing") and/or NACE codes or prefixes ("C", "28",
    # "28.1"); ``industry_weights`` scales the industry points per entry (default 1).
    industries: list[str] = []
    industry_weights: dict[str, float] = {}
    cpv_prefixes: list[str] = []
    countries: list[str] = []
    # Regions, states or towns to search directories in ("Cairns, QLD", "QLD"); a directory's
    # definition maps them (and the countries) to its own location terms.
    regions: list[str] = []
    employees_min: int | None = Field(default=None, ge=0)
    employees_max: int | None = Field(default=None, ge=0)
    keywords: list[str] = []
    # Remoteness: a postcode, a city or "lat,lon" (optionally ", CC"), and the farthest a
    # company may be before its fit drops; no home base means distance is not judged.
    home_base: str | None = None
    max_distance_km: float | None = Field(default=None, gt=0)
    # The lawful basis exports name for this profile's people (Art. 6 GDPR); unset: the
    # ``[privacy] lawful_basis`` every profile shares.
    lawful_basis: str | None = Field(default=None, min_length=1)

    points: RulePoints
    tiers: TierCutoffs
    prospect_tiers: list[Literal["A", "B", "C", "D"]] = Field(min_length=1)
    solvency_min_band: Literal["1", "2", "3"]
    # A company whose solvency cannot be judged (too few signals): prospect or not?
    insufficient_data_is_prospect: bool
    timing: Timing

    @field_validator("industries")
    @classmethod
    def _known_industries(cls, value: list[str]) -> list[str]:
        """Each entry is a NACE Rev. 2 code or prefix, or a label industries.toml maps to one."""
        from enrich.industry import profile_targets

        profile_targets(value)  # raises ValueError naming the unknown entry
        return value

    @property
    def version(self) -> str:
        """A short hash of every value that decides a score: a changed profile, a new version."""
        body = json.dumps(self.model_dump(exclude={"description", "lawful_basis"}), sort_keys=True)
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]


class SolvencySection(_Section):
    """The solvency estimate's weights (log-odds points per signal) and band cut-offs."""

    bias: float
    min_signals: int = Field(ge=0)  # fewer observed signals: "insufficient data"
    points: SolvencyPoints
    band_1_min: float = Field(ge=0, le=1)
    band_2_min: float = Field(ge=0, le=1)

    @property
    def version(self) -> str:
        body = json.dumps(self.model_dump(), sort_keys=True)
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:8]


class SalesSection(_Section):
    managers: str | None = None
    # Where a file server (or object store) publishes the exports folder: the export artifact
    # links each file at <exports_url>/<file name>.
    exports_url: str | None = None


class ResolveSection(_Section):
    decisions: str | None = None


class EnrichSection(_Section):
    max_age_days: float = Field(gt=0)


class NetworkSection(_Section):
    """What fetchers may reach: loopback, private, link-local and metadata addresses are refused
    unless listed here (addresses or networks, e.g. "127.0.0.1" or "10.20.0.0/16")."""

    allow_addresses: list[str]

    @field_validator("allow_addresses")
    @classmethod
    def _networks(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(f"{entry!r} is not an address or network") from None
        return entries


class PrivacySection(_Section):
    lawful_basis: str = Field(min_length=1)
    # Contacts not seen for this many months are purged (None: kept until erased).
    retention_months: int | None = Field(default=None, ge=1)


class AlertsSection(_Section):
    """Notifications on new hot signals after each pipeline run: by e-mail (SMTP) and/or a
    webhook (HTTP POST of JSON). Off unless ``enabled``; the password comes from the
    environment (``LEADPIPE_SMTP_PASSWORD``), never from the file."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    enabled: bool = False
    host: str | None = None
    port: int = Field(default=25, ge=1, le=65535)
    from_address: str | None = Field(default=None, alias="from")
    to: list[str] = []
    username: str | None = None
    starttls: bool = False
    webhook_url: str | None = None
    timeout_seconds: float = Field(default=30, gt=0)

    @model_validator(mode="after")
    def _a_channel(self) -> AlertsSection:
        if self.host and not (self.from_address and self.to):
            raise ValueError("e-mail alerts need from and to beside host")
        if self.webhook_url and not self.webhook_url.startswith(("http://", "https://")):
            raise ValueError(f"webhook_url {self.webhook_url!r} is not an http(s) URL")
        if self.enabled and not (self.host or self.webhook_url):
            raise ValueError("alerts are enabled but neither host nor webhook_url is set")
        return self

    @property
    def password(self) -> str | None:
        return os.environ.get("LEADPIPE_SMTP_PASSWORD") or None


class WarehouseSection(_Section):
    """Where the warehouse lives: the embedded DuckDB file (one writer at a time), or DuckLake
    (many writers: the catalog in PostgreSQL, the data as Parquet files; see docs/scaling.md)."""

    backend: Literal["embedded", "ducklake"]
    # ducklake: a PostgreSQL connection string ("host=db port=5432 dbname=leadpipe user=...").
    catalog: str = ""
    # ducklake: a folder every writer reaches (relative to the config file) or an object-store
    # URL; empty for <data_dir>/lake.
    data_path: str = ""

    @model_validator(mode="after")
    def _catalog_for_ducklake(self) -> WarehouseSection:
        if self.backend == "ducklake" and not self.catalog.strip():
            raise ValueError("backend = \"ducklake\" needs catalog (a PostgreSQL connection "
                             "string)")
        return self


class ScheduleSection(_Section):
    pipeline_cron: str | None = None


class Settings(_Section):
    """The whole validated file."""

    project: ProjectSection
    crawl: CrawlSection
    demo: DemoSection
    score: ScoreSection
    profile_defaults: dict[str, Any]
    profiles: dict[str, Profile]
    solvency: SolvencySection
    resolve: ResolveSection
    enrich: EnrichSection
    schedule: ScheduleSection
    warehouse: WarehouseSection
    network: NetworkSection
    sales: SalesSection
    privacy: PrivacySection
    alerts: AlertsSection = AlertsSection()


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
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc


def _apply_env(raw: dict[str, Any]) -> dict[str, Any]:
    out = {k: dict(v) if isinstance(v, dict) else v for k, v in raw.items()}
    for var, (section, key, kind) in ENV_OVERRIDES.items():
        value = os.environ.get(var)
        if not value:
            continue
        if kind is int:
            try:
                converted: Any = int(value)
            except ValueError as exc:
                raise ConfigError(f"{var}={value!r} is not a whole number") from exc
        else:
            converted = value
        out.setdefault(section, {})[key] = converted
    return out


def _where(loc: tuple[Any, ...]) -> str:
    """``('profiles', 'default', 'home_base')`` → ``[profiles.default] home_base``."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "profiles" and len(parts) >= 3:
        return f"[profiles.{parts[1]}] {'.'.join(parts[2:])}"
    if len(parts) >= 2:
        return f"[{parts[0]}] {'.'.join(parts[1:])}"
    return f"[{parts[0]}]" if parts else "(top level)"


def _explain(exc: ValidationError, source: Path) -> ConfigError:
    first = exc.errors()[0]
    where = _where(tuple(first["loc"]))
    kind = first["type"]
    if kind == "extra_forbidden":
        what = "unknown key"
    elif kind == "missing":
        what = "missing key"
    else:
        what = f"{first['msg'].lower()} (got {first.get('input')!r})"
    more = len(exc.errors()) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    return ConfigError(f"{source}: {where}: {what}{tail}")


def validate(raw: dict[str, Any], source: Path) -> Settings:
    """Check a merged configuration; the error names the file, section and key."""
    raw = _apply_env(raw)
    profiles = raw.get("profiles")
    defaults = raw.get("profile_defaults")
    defaults = defaults if isinstance(defaults, dict) else {}
    if isinstance(profiles, dict):
        raw["profiles"] = {
            name: {**_merge(defaults, body), "name": name} if isinstance(body, dict) else body
            for name, body in profiles.items()
        }
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise _explain(exc, source) from None


@dataclass(frozen=True)
class Config:
    """The validated configuration plus the paths derived from it."""

    settings: Settings
    source: Path
    base_dir: Path = field(default_factory=Path.cwd)

    @property
    def data_dir(self) -> Path:
        path = Path(self.settings.project.data_dir)
        return path if path.is_absolute() else (self.base_dir / path)

    @property
    def landing_dir(self) -> Path:
        """``[project] landing`` (a folder relative to the config file, or an fsspec URL),
        by default ``<data_dir>/landing``."""
        value = self.settings.project.landing
        if not value:
            return self.data_dir / "landing"
        if "://" in value:
            return landing_root(value)
        path = Path(value)
        return path if path.is_absolute() else (self.base_dir / path)

    @property
    def warehouse_path(self) -> Path:
        """The embedded warehouse file (``[warehouse] backend = "embedded"``)."""
        return self.data_dir / "warehouse.duckdb"

    @property
    def warehouse(self) -> Path | Lake:
        """What ``warehouse.db.connect`` opens: the embedded file, or the DuckLake lake."""
        section = self.settings.warehouse
        if section.backend == "embedded":
            return self.warehouse_path
        data_path = section.data_path
        if not data_path:
            data_path = str(self.data_dir / "lake")
        elif "://" not in data_path and not Path(data_path).is_absolute():
            data_path = str(self.base_dir / data_path)
        return Lake(catalog=section.catalog, data_path=data_path)

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def snapshot_path(self) -> Path:
        """The Parquet snapshot of scored companies that readers use while a writer runs."""
        return self.data_dir / "snapshots" / "scored_companies.parquet"

    @property
    def user_agent(self) -> str:
        return self.settings.project.user_agent

    @property
    def crawl(self) -> CrawlSection:
        return self.settings.crawl

    @property
    def demo(self) -> DemoSection:
        return self.settings.demo

    @property
    def score(self) -> ScoreSection:
        return self.settings.score

    @property
    def resolve(self) -> ResolveSection:
        return self.settings.resolve

    @property
    def enrich(self) -> EnrichSection:
        return self.settings.enrich

    @property
    def solvency(self) -> SolvencySection:
        return self.settings.solvency

    @property
    def schedule(self) -> ScheduleSection:
        return self.settings.schedule

    @property
    def network(self) -> NetworkSection:
        return self.settings.network

    @property
    def sales(self) -> SalesSection:
        return self.settings.sales

    @property
    def alerts(self) -> AlertsSection:
        return self.settings.alerts

    @property
    def managers_path(self) -> Path | None:
        """The sales managers file (``[sales] managers``), relative to the config file."""
        value = self.sales.managers
        if not value:
            return None
        path = self.base_dir / value
        if not path.is_file():
            raise ConfigError(f"{self.source}: [sales] managers: file not found: {path}")
        return path

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def privacy(self) -> PrivacySection:
        return self.settings.privacy

    def lawful_basis(self, profile: str | None = None) -> str:
        """The lawful basis of the profile's processing: its own, else ``[privacy]``'s."""
        return self.profile(profile).lawful_basis or self.privacy.lawful_basis

    @property
    def profile_names(self) -> list[str]:
        return sorted(self.settings.profiles)

    def profile(self, name: str | None = None) -> Profile:
        """The named ICP profile, else the configured one (``[score] profile``)."""
        name = name or self.score.profile
        if name not in self.settings.profiles:
            known = ", ".join(self.profile_names)
            raise ConfigError(f"{self.source}: no ICP profile named {name!r} (known: {known})")
        return self.settings.profiles[name]

    @property
    def decisions_path(self) -> Path | None:
        """The manual decisions file (``[resolve] decisions``), relative to the config file."""
        value = self.resolve.decisions
        if not value:
            return None
        path = self.base_dir / value
        if not path.is_file():
            raise ConfigError(f"{self.source}: [resolve] decisions: file not found: {path}")
        return path


def load_config(path: str | Path | None = None) -> Config:
    """Merge the bundled defaults with the user's file (if any) and validate the result."""
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
        return Config(settings=validate(raw, DEFAULT_CONFIG), source=DEFAULT_CONFIG)
    raw = _merge(raw, _read_toml(chosen))
    return Config(
        settings=validate(raw, chosen), source=chosen, base_dir=chosen.resolve().parent
    )
