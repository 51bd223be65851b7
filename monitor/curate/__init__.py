"""Editing the curated list: `monitor fix`, `add`, `import`, `mute`/`unmute`.

Every command changes resources.toml through `listfile.ListFile`, which keeps every comment,
blank line, key order and quoting (tomlkit), validates the result with the same reader as
`monitor check` (config.py) and replaces the file atomically. Our own failures are
`CurateError` (one line, exit code 2 at the CLI).
"""

from .listfile import CurateError, ListFile

__all__ = ["CurateError", "ListFile"]
