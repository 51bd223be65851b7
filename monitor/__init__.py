"""Link-health monitor for curated resource lists.

Data flows one way: config -> runner (fetch -> extract -> judge) -> store -> outputs.
"""

from __future__ import annotations

from ._version import __version__
from .config import Config, ConfigError, load_config
from .models import FetchError, Hop, Reason, Resource, Result, Run, Status

__all__ = [
    "Config",
    "ConfigError",
    "FetchError",
    "Hop",
    "Reason",
    "Resource",
    "Result",
    "Run",
    "Status",
    "__version__",
    "load_config",
]
