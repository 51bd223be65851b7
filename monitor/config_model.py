"""What resources.toml describes, once read: the `[monitor]` settings, `[[notify]]` targets and
the whole Config. Frozen dataclasses with their defaults; no I/O (`config.py` reads the file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._version import __version__
from .models import Resource, Source
from .probe import DEFAULT_PROBES

DEFAULT_USER_AGENT = (
    f"curated-link-monitor/{__version__} (+https://github.com/curated-links/monitor; "
    "link-health check)"
)
ARCHIVE_ENDPOINT = "https://archive.org/wayback/available"
NOTIFY_ON = ("problems", "change")


@dataclass(frozen=True, slots=True)
class Notifier:
    """One `[[notify]]` table: where confirmed state changes are sent."""

    type: str  # "webhook" | "apprise"
    url: str | None = None
    url_env: str | None = None
    timeout: float = 10.0
    retries: int = 2
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """The global `[monitor]` table. Every key is optional."""

    timeout: float = 15.0
    concurrency: int = 32
    per_host: int = 2
    retries: int = 2
    user_agent: str = DEFAULT_USER_AGENT
    database: str = "monitor.sqlite3"
    max_bytes: int = 1024 * 1024
    max_redirects: int = 10
    host_delay: float = 0.0
    retry_after_max: float = 30.0
    respect_robots: bool = False
    title_threshold: float = 0.6
    content_threshold: float = 0.4  # share of main text new or gone: content-changed
    confirm_runs: int = 2
    tls_warn_days: int = 14
    report: str = "reports/index.html"
    title: str = "Curated links"
    history_runs: int = 90
    retention_days: int = 400
    fail_on: tuple[str, ...] = ("broken", "down")
    schedule: str | None = None
    interval: str | None = None
    ca_bundle: str | None = None
    workers: int = 0  # 0 = one per core (max 4) from 2,000 URLs up at concurrency >= 250
    allow_private: bool = False  # follow redirects from public pages into private addresses
    archive: bool = True  # look up archived copies of broken links
    archive_endpoint: str = ARCHIVE_ENDPOINT
    archive_timeout: float = 5.0
    notify_on: str = "problems"  # cron output: "problems" (every run) or "change"
    # Reached when every resource fails at the network level: none answers -> offline run.
    # Empty: fall back to "the failures span at least two hosts".
    offline_probe: tuple[str, ...] = DEFAULT_PROBES


@dataclass(frozen=True, slots=True)
class Config:
    settings: Settings
    resources: Sequence[Resource]  # a tuple, or a big list's spool (monitor.spool)
    notifiers: tuple[Notifier, ...] = ()
    path: Path | None = None
    base_dir: Path = field(default_factory=Path.cwd)
    sources: tuple[Source, ...] = ()
    digest: str | None = None  # of the file's bytes: `monitor fix` knows what a run was based on

    def resolve(self, relative: str) -> Path:
        """Paths in the file are relative to the file's own folder, not the cwd."""
        path = Path(relative).expanduser()
        return path if path.is_absolute() else self.base_dir / path
