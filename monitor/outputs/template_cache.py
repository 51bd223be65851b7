"""Compiled report templates kept between runs: compiling them costs ~0.2 s of CPU, which a
cron job would otherwise pay on every run (the daemon compiles once per process anyway).

Jinja2 keys each entry by the template's name and a checksum of its source, so an upgraded or
edited template is never served from a stale entry. The cache lives in the user's cache folder
(`$MONITOR_CACHE_DIR`, else `$XDG_CACHE_HOME/curated-link-monitor`, else
`~/.cache/curated-link-monitor`), owned by the user like pip's. It is only an optimisation: a
folder that cannot be made, read or written means templates are compiled as before, silently.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from jinja2.bccache import Bucket, FileSystemBytecodeCache

_ENV = "MONITOR_CACHE_DIR"


def cache_dir(environ: dict[str, str] | None = None) -> Path | None:
    """Where compiled templates go, or None when no cache folder can be named."""
    env = os.environ if environ is None else environ
    if env.get(_ENV):
        return Path(env[_ENV]) / "templates"
    base = env.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "curated-link-monitor" / "templates"
    home = env.get("HOME")
    if home and os.path.isabs(home):
        return Path(home) / ".cache" / "curated-link-monitor" / "templates"
    return None


class QuietBytecodeCache(FileSystemBytecodeCache):
    """jinja2's file cache, with every filesystem failure turned into a cache miss."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):  # corrupt
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass  # read-only home, full disk: the next run compiles again


def bytecode_cache() -> QuietBytecodeCache | None:
    folder = cache_dir()
    return QuietBytecodeCache(str(folder)) if folder is not None else None
