"""Link-health monitor for curated resource lists.

Data flows one way: config -> runner (fetch -> extract -> judge) -> store -> outputs.
"""

from __future__ import annotations

from .config import Config, ConfigError, load_config
from .models import FetchError, Hop, Reason, Resource, Result, Run, Status

__version__ = "0.2.0"

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
