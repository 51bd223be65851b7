"""The package version, in a module of its own so that any module can import it (config.py's
User-Agent, the CLI, the report) without importing the package's `__init__` first."""

__version__ = "0.2.0"
